// The initializer interface, as mx.init.Initializer (MXNet 1.9.1 python/mxnet/initializer.py).
// Calling an initializer on (InitDesc, array) dispatches like MXNet's __call__:
//   1. an `__init__` attribute (Variable(init=...), LSTMCell's i2h_bias, a loaded symbol JSON)
//      wins: that initializer is rebuilt from its JSON and its weight rule fills the array;
//   2. else the name's suffix: "weight" -> this initializer's rule, "bias" 0, "gamma" 1, "beta" 0,
//      "moving_mean" 0, "moving_var" 1, "moving_inv_var" 0, "moving_avg" 0, "min" 0, "max" 1;
//   3. else a ValueError that names the argument and the two fixes (a label or data name missing
//      from Module's label_names/data_names, or a variable that needs var(name, {.init = ...})).
// Random draws come from the Generator passed in, so a seed gives the same values everywhere.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "../core/attrs.hpp"
#include "../core/error.hpp"
#include "../core/strings.hpp"
#include "../ndarray/ndarray.hpp"
#include "../ndarray/random.hpp"

namespace SYMGRAD_NS::init {

class Initializer;

// What is being initialized: the argument's name and its attributes (Symbol::attr_dict()).
// global_init is the initializer the caller started with (set by operator() when empty); an
// initializer that delegates parts of an array, as FusedRNN with no inner init, falls back to it.
struct InitDesc {
  std::string name;
  AttrMap attrs = {};
  const Initializer* global_init = nullptr;
};

namespace detail {

struct Pattern {
  std::string_view suffix;
  double value;  // the fill value, unless `weight`
  bool weight;   // the initializer's own rule
};
// Name suffixes filled without an __init__ attribute, in MXNet's order of checking. MXNet 1.9.1
// reaches the moving_* statistics only through their __init__ attribute; they are listed here
// too (as MXNet's legacy path does) so that a BatchNorm whose variables lost it still works.
inline constexpr Pattern kPatterns[] = {
    {"weight", 0, true},
    {"bias", 0, false},
    {"gamma", 1, false},
    {"beta", 0, false},
    {"moving_mean", 0, false},
    {"moving_var", 1, false},
    {"moving_inv_var", 0, false},
    {"moving_avg", 0, false},
    {"min", 0, false},
    {"max", 1, false},
};

const Pattern* find_pattern(std::string_view name);

std::string lower(std::string_view s);

// A label by its name: "label", "softmax_label", "new_label", "seqlabel".
bool looks_like_label(std::string_view name);

[[noreturn]] inline void unknown_pattern(const std::string& name) {
  std::string m = "Unknown initialization pattern for " + name +
                  ". Default initialization is limited to names ending in \"weight\" (the "
                  "initializer's distribution), \"bias\" (0), \"gamma\" (1), \"beta\" (0), "
                  "\"moving_mean\" (0), \"moving_var\" (1), \"moving_inv_var\" (0), \"moving_avg\" (0), "
                  "\"min\" (0) and \"max\" (1), and to variables with an __init__ attribute. ";
  std::string fix_param = "give the variable an initializer: var(\"" + name +
                          "\", {.init = sg::init::Normal().dumps()}) (any initializer's dumps(), or "
                          "a registry name such as \"zeros\").";
  if (looks_like_label(name))
    m += "'" + name +
         "' looks like a label: it is probably missing from Module's label_names, so "
         "it was taken for a parameter. Declare it: Module(net, {.label_names = {\"" +
         name + "\"}}) (in MXNet: label_names=('" + name +
         "',), with the trailing comma). If it really "
         "is a parameter, " +
         fix_param;
  else
    m += "If '" + name +
         "' is an input, declare it in Module's data_names or label_names, e.g. "
         "Module(net, {.data_names = {\"data\", \"" +
         name + "\"}}); if it is a parameter, " + fix_param;
  throw ValueError(m);
}

// JSON values as Python's json.dumps writes them (ASCII only, \u escapes).
std::string json_string(const std::string& s);
// Python's repr of a float: the shortest round-trip digits, positional when the decimal exponent
// is in [-4, 16), else scientific with a signed exponent of two digits or more: 0.07, 1.0, 0.0001,
// 1e-05, 1e+16, 1.5e+300.
std::string json_float(double v);
// A number that Python would hold as an int when integral (MXNet's magnitude=3): 3, 2.34.
std::string json_number(double v);

// Fills a float32/float64 array with draw() in C order.
template <class Draw>
void fill_random(const NDArray& arr, std::string_view who, const std::string& name, Draw&& draw) {
  dispatch_float(
      arr.dtype(), [&] { return std::string(who) + " (initializing '" + name + "')"; },
      [&](auto x) {
        using T = decltype(x);
        T* p = arr.data<T>();
        for (std::int64_t i = 0, n = arr.size(); i < n; ++i) p[i] = static_cast<T>(draw());
      });
}

// Reads the keyword arguments of an initializer rebuilt from JSON; unknown keys are errors.
class Kwargs {
 public:
  Kwargs(std::string who, const nlohmann::json& obj);
  double number(const std::string& key, double def);
  std::string string(const std::string& key, const std::string& def);
  const nlohmann::json* raw(const std::string& key) { return take(key); }
  // A keyword without a default (MXNet's positional arguments).
  const nlohmann::json& required(const std::string& key);
  std::int64_t integer(const std::string& key);
  bool boolean(const std::string& key, bool def);
  void finish() const;

 private:
  const nlohmann::json* take(const std::string& key);
  std::string who_;
  const nlohmann::json& obj_;
  std::vector<std::string> seen_;
};

}  // namespace detail

// True when the dispatch above fills `name` without an __init__ attribute (Module checks its
// parameters with this at bind).
bool known_pattern(std::string_view name);

// Rebuilds an initializer from MXNet's JSON (`["xavier", {"magnitude": 2}]`) or a registry name
// ("xavier", "zeros"); defined in initializer.hpp.
std::shared_ptr<Initializer> create(const std::string& json_or_name);

class Initializer {
 public:
  virtual ~Initializer() = default;

  // MXNet's __call__: the dispatch described at the top of this file.
  virtual void operator()(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const;

  // The initializer's own rule (MXNet's _init_weight), whatever the name.
  virtual void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const = 0;

  // Registry name, as MXNet's lowercased class name: "xavier".
  virtual std::string name() const = 0;

  // MXNet's dumps(): '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]',
  // the string that var(name, {.init = ...}) stores in the __init__ attribute.
  virtual std::string dumps() const;

 protected:
  // Keyword arguments in MXNet's order, each value already JSON.
  using KwargList = std::vector<std::pair<std::string, std::string>>;
  virtual KwargList kwargs() const;
};

}  // namespace SYMGRAD_NS::init
