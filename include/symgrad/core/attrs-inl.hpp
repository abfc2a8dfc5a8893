// Definitions of core/attrs.hpp.
#pragma once
#include <cfloat>
#include <charconv>
#include <cmath>

#include "attrs.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_CORE_ATTRS)
namespace SYMGRAD_NS {

namespace attr {
SYMGRAD_INLINE void bad(std::string_view op, std::string_view key, std::string_view value,
                        std::string_view expected) {
  throw ValueError(std::string(op) + ": attribute '" + std::string(key) + "' = '" + std::string(value) +
                   "' is not " + std::string(expected));
}
SYMGRAD_INLINE std::string format(bool v) { return v ? "True" : "False"; }
SYMGRAD_INLINE std::string format(int v) { return std::to_string(v); }
SYMGRAD_INLINE std::string format(std::int64_t v) { return std::to_string(v); }
SYMGRAD_INLINE std::string format(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}
SYMGRAD_INLINE std::string format_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  return format(v);
}
SYMGRAD_INLINE std::string format(const std::string& v) { return v; }
SYMGRAD_INLINE std::string format(const char* v) { return v; }
SYMGRAD_INLINE std::string format(const std::vector<std::int64_t>& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  if (v.size() == 1) s += ",";
  return s + ")";
}
SYMGRAD_INLINE std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
SYMGRAD_INLINE bool parse_bool(std::string_view op, std::string_view key, std::string_view v) {
  v = trim(v);
  if (v == "True" || v == "true" || v == "1") return true;
  if (v == "False" || v == "false" || v == "0") return false;
  bad(op, key, v, "a boolean (True/False)");
}
SYMGRAD_INLINE std::int64_t parse_int(std::string_view op, std::string_view key, std::string_view v) {
  v = trim(v);
  std::int64_t x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
    // Python may write an integral float ("1.0") for an int parameter.
    // Only a finite, integral value within int64's range may be converted ("1e300", "inf" and
    // "nan" may not).
    double d = 0;
    auto r2 = std::from_chars(v.data(), v.data() + v.size(), d);
    if (r2.ec == std::errc() && r2.ptr == v.data() + v.size() && std::isfinite(d) && d == std::floor(d) &&
        d >= -9223372036854775808.0 && d < 9223372036854775808.0)
      return static_cast<std::int64_t>(d);
    if (r.ec == std::errc::result_out_of_range ||
        (r2.ec == std::errc() && r2.ptr == v.data() + v.size() && std::isfinite(d) && d == std::floor(d)))
      bad(op, key, v, "an integer within the 64-bit range (|v| < 2^63)");
    bad(op, key, v, "an integer");
  }
  return x;
}
SYMGRAD_INLINE int parse_int32(std::string_view op, std::string_view key, std::string_view v) {
  std::int64_t x = parse_int(op, key, v);
  if (x < INT_MIN || x > INT_MAX) bad(op, key, trim(v), "an integer within the 32-bit range (|v| < 2^31)");
  return static_cast<int>(x);
}
SYMGRAD_INLINE double parse_float(std::string_view op, std::string_view key, std::string_view v) {
  v = trim(v);
  if (v == "inf") return INFINITY;
  if (v == "-inf") return -INFINITY;
  if (v == "nan") return NAN;
  double x = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) bad(op, key, v, "a number");
  return x;
}
SYMGRAD_INLINE float parse_float32(std::string_view op, std::string_view key, std::string_view v) {
  double x = parse_float(op, key, v);
  if (std::isfinite(x) && std::fabs(x) > static_cast<double>(FLT_MAX))
    bad(op, key, trim(v), "a number within float32's range (|v| <= 3.4e38)");
  return static_cast<float>(x);
}
SYMGRAD_INLINE std::vector<std::int64_t> parse_tuple(std::string_view op, std::string_view key,
                                                     std::string_view v) {
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
SYMGRAD_INLINE std::vector<std::int64_t> parse_opt_tuple(std::string_view op, std::string_view key,
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
SYMGRAD_INLINE std::string format_opt(const std::vector<std::int64_t>& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + (v[i] == kNone ? std::string("None") : std::to_string(v[i]));
  if (v.size() == 1) s += ",";
  return s + ")";
}
SYMGRAD_INLINE const std::string* Reader::find(std::string_view key) {
  auto it = m_.find(key);
  if (it == m_.end()) return nullptr;
  seen_.emplace(it->first, 1);
  return &it->second;
}
SYMGRAD_INLINE void Reader::finish() const {
  for (const auto& [k, v] : m_) {
    bool user = k.size() > 4 && k.starts_with("__") && k.ends_with("__");
    if (!user && !read(k))
      throw ValueError(std::string(op_) + ": unknown attribute '" + k + "' = '" + v + "'");
  }
}
}  // namespace attr

}  // namespace SYMGRAD_NS
#endif
