// Operator attributes as MXNet stores them in symbol JSON: a sorted map of strings whose values
// are Python's str() of the value ("128", "True", "(3, 3)", "0.5"). Each operator's parameter
// struct converts to and from this map with the helpers below.
#pragma once
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>
#include "config.hpp"

#include "error.hpp"

namespace SYMGRAD_NS {

using AttrMap = std::map<std::string, std::string, std::less<>>;

namespace attr {

inline std::string format(bool v) { return v ? "True" : "False"; }
inline std::string format(int v) { return std::to_string(v); }
inline std::string format(std::int64_t v) { return std::to_string(v); }
// Python repr of a float: shortest round-trip digits, "1.0" for integral values.
inline std::string format(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}
// A number for messages: integral values without a fraction ("3", "-1"), others as format().
inline std::string format_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  return format(v);
}
inline std::string format(const std::string& v) { return v; }
inline std::string format(const char* v) { return v; }
inline std::string format(const std::vector<std::int64_t>& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  if (v.size() == 1) s += ",";
  return s + ")";
}

[[noreturn]] inline void bad(std::string_view op, std::string_view key, std::string_view value,
                             std::string_view expected) {
  throw ValueError(std::string(op) + ": attribute '" + std::string(key) + "' = '" + std::string(value) +
                   "' is not " + std::string(expected));
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline bool parse_bool(std::string_view op, std::string_view key, std::string_view v) {
  v = trim(v);
  if (v == "True" || v == "true" || v == "1") return true;
  if (v == "False" || v == "false" || v == "0") return false;
  bad(op, key, v, "a boolean (True/False)");
}
inline std::int64_t parse_int(std::string_view op, std::string_view key, std::string_view v) {
  v = trim(v);
  std::int64_t x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
    // Python may write an integral float ("1.0") for an int parameter.
    double d = 0;
    auto r2 = std::from_chars(v.data(), v.data() + v.size(), d);
    if (r2.ec == std::errc() && r2.ptr == v.data() + v.size() && d == std::floor(d))
      return static_cast<std::int64_t>(d);
    bad(op, key, v, "an integer");
  }
  return x;
}
inline double parse_float(std::string_view op, std::string_view key, std::string_view v) {
  v = trim(v);
  if (v == "inf") return INFINITY;
  if (v == "-inf") return -INFINITY;
  if (v == "nan") return NAN;
  double x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) bad(op, key, v, "a number");
  return x;
}
// "(3, 3)", "[3,3]", "3" and "(3,)" all parse; "None" and "()" give an empty tuple.
inline std::vector<std::int64_t> parse_tuple(std::string_view op, std::string_view key, std::string_view v) {
  std::string_view s = trim(v);
  std::vector<std::int64_t> out;
  if (s == "None") return out;
  if (!s.empty() && (s.front() == '(' || s.front() == '[')) {
    if (s.size() < 2 || (s.back() != ')' && s.back() != ']')) bad(op, key, v, "a tuple of integers");
    s = s.substr(1, s.size() - 2);
  }
  while (!trim(s).empty()) {
    auto comma = s.find(',');
    std::string_view item = trim(s.substr(0, comma));
    if (item.empty() || item == "None") {
      if (comma == std::string_view::npos) break;
    } else {
      out.push_back(parse_int(op, key, item));
    }
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// A tuple whose items may be None ("(0, None)"), as slice's begin/end; None is kNone.
inline constexpr std::int64_t kNone = INT64_MIN;
inline std::vector<std::int64_t> parse_opt_tuple(std::string_view op, std::string_view key,
                                                 std::string_view v) {
  std::string_view s = trim(v);
  std::vector<std::int64_t> out;
  if (s == "None") return out;
  if (!s.empty() && (s.front() == '(' || s.front() == '[')) s = s.substr(1, s.size() - 2);
  while (!trim(s).empty()) {
    auto comma = s.find(',');
    std::string_view item = trim(s.substr(0, comma));
    if (item == "None")
      out.push_back(kNone);
    else if (!item.empty())
      out.push_back(parse_int(op, key, item));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}
inline std::string format_opt(const std::vector<std::int64_t>& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + (v[i] == kNone ? std::string("None") : std::to_string(v[i]));
  if (v.size() == 1) s += ",";
  return s + ")";
}

// Reads the attributes of one operator, rejecting names it does not know.
class Reader {
 public:
  Reader(std::string_view op, const AttrMap& m) : op_(op), m_(m) {}
  const std::string* find(std::string_view key) {
    auto it = m_.find(key);
    if (it == m_.end()) return nullptr;
    seen_.emplace(it->first, 1);
    return &it->second;
  }
  void get(std::string_view key, bool& v) {
    if (auto p = find(key)) v = parse_bool(op_, key, *p);
  }
  void get(std::string_view key, int& v) {
    if (auto p = find(key)) v = static_cast<int>(parse_int(op_, key, *p));
  }
  void get(std::string_view key, std::int64_t& v) {
    if (auto p = find(key)) v = parse_int(op_, key, *p);
  }
  void get(std::string_view key, double& v) {
    if (auto p = find(key)) v = parse_float(op_, key, *p);
  }
  void get(std::string_view key, float& v) {
    if (auto p = find(key)) v = static_cast<float>(parse_float(op_, key, *p));
  }
  void get(std::string_view key, std::string& v) {
    if (auto p = find(key)) v = *p;
  }
  void get(std::string_view key, std::vector<std::int64_t>& v) {
    if (auto p = find(key)) v = parse_tuple(op_, key, *p);
  }
  void get_opt(std::string_view key, std::vector<std::int64_t>& v) {
    if (auto p = find(key)) v = parse_opt_tuple(op_, key, *p);
  }
  // An integer that may be None (kNone).
  void get_opt(std::string_view key, std::int64_t& v) {
    if (auto p = find(key)) v = trim(*p) == "None" ? kNone : parse_int(op_, key, *p);
  }
  // Keys of the form __x__ are user attributes, not parameters; anything else unread is an error.
  void finish() const {
    for (const auto& [k, v] : m_) {
      bool user = k.size() > 4 && k.starts_with("__") && k.ends_with("__");
      if (!user && !read(k))
        throw ValueError(std::string(op_) + ": unknown attribute '" + k + "' = '" + v + "'");
    }
  }

 private:
  bool read(const std::string& k) const { return seen_.count(k) != 0; }
  std::string_view op_;
  const AttrMap& m_;
  std::map<std::string, int, std::less<>> seen_;
};

}  // namespace attr
}  // namespace SYMGRAD_NS
