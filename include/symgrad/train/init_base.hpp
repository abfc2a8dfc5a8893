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
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/attrs.hpp"
#include "../core/error.hpp"
#include "../core/strings.hpp"
#include "../ndarray/ndarray.hpp"
#include "../ndarray/random.hpp"

namespace symgrad::init {

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

inline const Pattern* find_pattern(std::string_view name) {
  for (const auto& p : kPatterns)
    if (name.ends_with(p.suffix)) return &p;
  return nullptr;
}

inline std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// A label by its name: "label", "softmax_label", "new_label", "seqlabel".
inline bool looks_like_label(std::string_view name) { return lower(name).ends_with("label"); }

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
inline std::string json_string(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', true); }
// Python's repr of a float: the shortest round-trip digits, positional when the decimal exponent
// is in [-4, 16), else scientific with a signed exponent of two digits or more: 0.07, 1.0, 0.0001,
// 1e-05, 1e+16, 1.5e+300.
inline std::string json_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // "-1.5e-05"
  const auto e = sci.find('e');
  const int exp = std::stoi(sci.substr(e + 1));
  std::string out = v < 0 ? "-" : "", digits;
  for (char c : sci.substr(0, e))
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  if (exp < -4 || exp >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    std::string ex = std::to_string(exp < 0 ? -exp : exp);
    return out + "e" + (exp < 0 ? "-" : "+") + (ex.size() < 2 ? "0" : "") + ex;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  const auto int_len = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= int_len) return out + digits + std::string(int_len - digits.size(), '0') + ".0";
  return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}
// A number that Python would hold as an int when integral (MXNet's magnitude=3): 3, 2.34.
inline std::string json_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e16)
    return std::to_string(static_cast<long long>(v));
  return json_float(v);
}

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
  Kwargs(std::string who, const nlohmann::json& obj) : who_(std::move(who)), obj_(obj) {
    if (!obj_.is_object())
      throw ValueError("init::create: the arguments of '" + who_ + "' must be a JSON object, got " +
                       obj_.dump());
  }
  double number(const std::string& key, double def) {
    auto it = take(key);
    if (!it) return def;
    if (!it->is_number())
      throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be a number, got " +
                       it->dump());
    return it->get<double>();
  }
  std::string string(const std::string& key, const std::string& def) {
    auto it = take(key);
    if (!it) return def;
    if (!it->is_string())
      throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be a string, got " +
                       it->dump());
    return it->get<std::string>();
  }
  const nlohmann::json* raw(const std::string& key) { return take(key); }
  // A keyword without a default (MXNet's positional arguments).
  const nlohmann::json& required(const std::string& key) {
    if (auto* v = take(key)) return *v;
    throw ValueError("init::create: '" + who_ + "' needs the argument '" + key + "', got " + obj_.dump());
  }
  std::int64_t integer(const std::string& key) {
    const auto& v = required(key);
    if (!v.is_number_integer())
      throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be an integer, got " +
                       v.dump());
    return v.get<std::int64_t>();
  }
  bool boolean(const std::string& key, bool def) {
    auto it = take(key);
    if (!it) return def;
    if (!it->is_boolean())
      throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be true or false, got " +
                       it->dump());
    return it->get<bool>();
  }
  void finish() const {
    for (auto it = obj_.begin(); it != obj_.end(); ++it)
      if (std::find(seen_.begin(), seen_.end(), it.key()) == seen_.end())
        throw ValueError("init::create: '" + who_ + "' has no argument '" + it.key() + "'" +
                         (seen_.empty() ? std::string(" (it takes none)")
                                        : "; it takes " + symgrad::detail::quoted_list(seen_)) +
                         symgrad::detail::did_you_mean(it.key(), seen_));
  }

 private:
  const nlohmann::json* take(const std::string& key) {
    seen_.push_back(key);
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
  }
  std::string who_;
  const nlohmann::json& obj_;
  std::vector<std::string> seen_;
};

}  // namespace detail

// True when the dispatch above fills `name` without an __init__ attribute (Module checks its
// parameters with this at bind).
inline bool known_pattern(std::string_view name) { return detail::find_pattern(name) != nullptr; }

// Rebuilds an initializer from MXNet's JSON (`["xavier", {"magnitude": 2}]`) or a registry name
// ("xavier", "zeros"); defined in initializer.hpp.
std::shared_ptr<Initializer> create(const std::string& json_or_name);

class Initializer {
 public:
  virtual ~Initializer() = default;

  // MXNet's __call__: the dispatch described at the top of this file.
  virtual void operator()(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const {
    if (arr.is_none())
      throw ValueError("init: cannot initialize '" + desc.name + "': the array is empty (none)");
    if (!desc.global_init) {
      InitDesc d = desc;
      d.global_init = this;
      (*this)(d, arr, gen);
      return;
    }
    if (auto it = desc.attrs.find("__init__"); it != desc.attrs.end() && !it->second.empty()) {
      create(it->second)->init_weight(desc, arr, gen);
      return;
    }
    const detail::Pattern* p = detail::find_pattern(desc.name);
    if (!p) detail::unknown_pattern(desc.name);
    if (p->weight)
      init_weight(desc, arr, gen);
    else
      arr.fill(p->value);
  }

  // The initializer's own rule (MXNet's _init_weight), whatever the name.
  virtual void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const = 0;

  // Registry name, as MXNet's lowercased class name: "xavier".
  virtual std::string name() const = 0;

  // MXNet's dumps(): '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]',
  // the string that var(name, {.init = ...}) stores in the __init__ attribute.
  virtual std::string dumps() const {
    std::string s = "[" + detail::json_string(name()) + ", {";
    bool first = true;
    for (const auto& [k, v] : kwargs()) {
      s += (first ? "" : ", ") + detail::json_string(k) + ": " + v;
      first = false;
    }
    return s + "}]";
  }

 protected:
  // Keyword arguments in MXNet's order, each value already JSON.
  using KwargList = std::vector<std::pair<std::string, std::string>>;
  virtual KwargList kwargs() const { return {}; }
};

}  // namespace symgrad::init
