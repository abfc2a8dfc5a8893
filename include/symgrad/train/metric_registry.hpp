// mx.metric.create: a metric from MXNet's names (case-insensitive) and keyword arguments.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/strings.hpp"
#include "metric_base.hpp"
#include "metric_composite.hpp"

namespace SYMGRAD_NS::metric {

// A keyword argument's value: a string or a number ({"top_k", 5}, {"average", "micro"}).
class Arg {
 public:
  Arg(const char* s) : s_(s) {}             // NOLINT: implicit by design
  Arg(std::string s) : s_(std::move(s)) {}  // NOLINT
  template <class T>
  requires std::is_arithmetic_v<T> Arg(T v)
      : s_(std::is_integral_v<T> ? std::to_string(v) : detail::fmt(static_cast<double>(v))) {}  // NOLINT
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};
using Kwargs = std::map<std::string, Arg>;

namespace detail {

std::string lower(std::string s);

// Typed reads of create()'s keyword arguments for one metric; unknown keys are a NameError.
class KwargReader {
 public:
  KwargReader(std::string metric, const Kwargs& kw, std::vector<std::string> keys);
  std::string str(const std::string& k, std::string dflt) const;
  std::int64_t integer(const std::string& k, std::int64_t dflt) const;
  double real(const std::string& k, double dflt) const;
  std::optional<std::int64_t> optional_integer(const std::string& k) const;

 private:
  [[noreturn]] void bad(const std::string& k, const std::string& s, const char* what) const {
    throw ValueError("metric.create('" + metric_ + "'): " + k + " must be " + what + ", not '" + s + "'");
  }
  std::string metric_;
  const Kwargs& kw_;
};

struct Registered {
  std::vector<std::string> names;  // MXNet's registered names and aliases, then symgrad's extras
  std::vector<std::string> keys;   // keyword arguments besides "name"
  std::function<std::shared_ptr<EvalMetric>(const KwargReader&)> make;
};

const std::vector<Registered>& registry();

std::vector<std::string> registered_names();

}  // namespace detail

// A metric from its MXNet name or alias ("acc", "top_k_accuracy", "f1", "mcc", "pcc", "perplexity",
// "mae", "mse", "rmse", "ce" / "cross-entropy", "nll_loss", "pearsonr", "loss", "composite" ...),
// with MXNet's keyword arguments: create("top_k_accuracy", {{"top_k", 5}}).
inline std::shared_ptr<EvalMetric> create(const std::string& name, const Kwargs& kwargs = {}) {
  std::string key = detail::lower(name);
  for (const auto& r : detail::registry())
    if (std::find(r.names.begin(), r.names.end(), key) != r.names.end())
      return r.make(detail::KwargReader(name, kwargs, r.keys));
  if (key == "custommetric")
    throw ValueError("metric.create('" + name +
                     "'): a CustomMetric needs its function; construct it: "
                     "sg::metric::CustomMetric(feval, {.name = \"...\"})");
  auto names = detail::registered_names();
  throw NameError("metric.create: unknown metric '" + name + "'." +
                  symgrad::detail::did_you_mean(key, names) +
                  " Known metrics: " + symgrad::detail::quoted_list(names));
}

// A CompositeEvalMetric of the named metrics, each given the same keyword arguments (as MXNet).
inline std::shared_ptr<EvalMetric> create(const std::vector<std::string>& names, const Kwargs& kwargs = {}) {
  auto c = std::make_shared<CompositeEvalMetric>();
  for (const auto& n : names) c->add(create(n, kwargs));
  return c;
}
// create({"acc", "ce"}): a braced list of names is a list, not a std::string's iterator pair.
inline std::shared_ptr<EvalMetric> create(std::initializer_list<std::string> names,
                                          const Kwargs& kwargs = {}) {
  return create(std::vector<std::string>(names), kwargs);
}

}  // namespace SYMGRAD_NS::metric
