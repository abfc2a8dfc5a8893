// Printing NDArrays (ndarray/print.hpp).
#pragma once
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <sstream>
#include <vector>

#include "print.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_NDARRAY_PRINT)
namespace SYMGRAD_NS {
namespace detail {

struct PrintFormat {
  bool is_float = true;
  bool single = false;  // float32
  bool half = false;    // float16
  bool sci = false;
  int frac = 0;   // fractional digits in fixed notation
  int width = 0;  // column width
};

// The fewest digits (printf's format with precision 0, 1 ...) that read back as the same float16,
// as numpy prints float16.
inline std::string shortest_half(double v, const char* fmt, int max_digits) {
  char buf[96];
  const Half h(v);
  for (int p = 0; p < max_digits; ++p) {
    std::snprintf(buf, sizeof buf, fmt, p, v);
    if (Half(std::strtod(buf, nullptr)).bits == h.bits) return buf;
  }
  std::snprintf(buf, sizeof buf, fmt, max_digits, v);
  return buf;
}

// Fixed notation with at most max_frac digits; float32 and float16 values use their shortest
// round-trip digits (as numpy prints them), float64 values are rounded to max_frac.
inline std::string fixed_trimmed(double v, int max_frac, bool single = false, bool half = false) {
  char buf[96];
  if (half) {
    std::string s = shortest_half(v, "%.*f", max_frac);
    return s.find('.') == std::string::npos ? s + "." : s;
  }
  if (single) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::fixed);
    std::string s(buf, r.ptr);
    auto dot = s.find('.');
    if (dot == std::string::npos) return s + ".";
    if (static_cast<int>(s.size() - dot - 1) <= max_frac) return s;
  }
  std::snprintf(buf, sizeof buf, "%.*f", max_frac, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
  }
  return s;  // ends with '.' when integral
}

inline std::string format_value(double v, const PrintFormat& f) {
  if (!f.is_float) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    return buf;
  }
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (f.sci) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.8e", v);
    std::string s = f.half ? shortest_half(v, "%.*e", 8)
                           : std::string(buf);  // trim mantissa zeros: 1.50000000e+00 -> 1.5e+00
    auto e = s.find('e');
    std::string m = s.substr(0, e), ex = s.substr(e);
    while (m.back() == '0') m.pop_back();
    return m + ex;
  }
  std::string s = fixed_trimmed(v, 8, f.single, f.half);
  auto dot = s.find('.');
  int have = static_cast<int>(s.size() - dot - 1);
  return s + std::string(static_cast<std::size_t>(f.frac - have), ' ');
}

inline PrintFormat choose_format(const NDArray& a, const std::vector<std::int64_t>& shown) {
  PrintFormat f;
  f.is_float = is_float_dtype(a.dtype());
  f.single = a.dtype() == DType::float32;
  f.half = a.dtype() == DType::float16;
  double maxabs = 0, minabs = INFINITY;
  for (auto i : shown) {
    double v = std::fabs(a.at_flat(i));
    if (!std::isfinite(v)) continue;
    maxabs = std::max(maxabs, v);
    if (v > 0) minabs = std::min(minabs, v);
  }
  if (f.is_float) {
    f.sci = maxabs >= 1e8 || (minabs < 1e-4 && minabs > 0) || (minabs < INFINITY && maxabs / minabs > 1e3);
    if (!f.sci)
      for (auto i : shown) {
        std::string s = fixed_trimmed(a.at_flat(i), 8, f.single, f.half);
        auto dot = s.find('.');
        if (dot != std::string::npos) f.frac = std::max(f.frac, static_cast<int>(s.size() - dot - 1));
      }
  }
  for (auto i : shown) f.width = std::max(f.width, static_cast<int>(format_value(a.at_flat(i), f).size()));
  return f;
}

inline void print_rec(std::ostream& os, const NDArray& a, const PrintFormat& f, int dim, std::int64_t offset,
                      const std::vector<std::int64_t>& strides, bool summarize, int indent) {
  const Shape& s = a.shape();
  constexpr std::int64_t edge = 3;
  os << '[';
  std::int64_t n = s[dim];
  for (std::int64_t i = 0; i < n; ++i) {
    if (summarize && n > 2 * edge && i == edge) {
      os << (dim + 1 == s.ndim() ? "..., "
                                 : "...,\n" + std::string(static_cast<std::size_t>(indent + 1), ' '));
      i = n - edge;
    }
    if (dim + 1 == s.ndim()) {
      std::string v = format_value(a.at_flat(offset + i * strides[dim]), f);
      os << std::string(static_cast<std::size_t>(std::max<int>(0, f.width - static_cast<int>(v.size()))), ' ')
         << v;
      if (i + 1 < n) os << ' ';
    } else {
      print_rec(os, a, f, dim + 1, offset + i * strides[dim], strides, summarize, indent + 1);
      if (i + 1 < n)
        os << std::string(static_cast<std::size_t>(s.ndim() - dim - 1), '\n')
           << std::string(static_cast<std::size_t>(indent + 1), ' ');
    }
  }
  os << ']';
}

inline std::vector<std::int64_t> shown_indices(const Shape& s, bool summarize) {
  std::vector<std::int64_t> idx;
  std::vector<std::int64_t> strides(static_cast<std::size_t>(s.ndim()), 1);
  for (int d = s.ndim() - 2; d >= 0; --d) strides[d] = strides[d + 1] * s[d + 1];
  std::vector<std::int64_t> cur(static_cast<std::size_t>(s.ndim()), 0);
  auto keep = [&](int d, std::int64_t i) { return !summarize || s[d] <= 6 || i < 3 || i >= s[d] - 3; };
  for (std::int64_t flat = 0; flat < s.size(); ++flat) {
    std::int64_t r = flat;
    bool ok = true;
    for (int d = 0; d < s.ndim(); ++d) {
      std::int64_t i = r / strides[d];
      r %= strides[d];
      ok = ok && keep(d, i);
    }
    if (ok) idx.push_back(flat);
  }
  return idx;
}

}  // namespace detail

SYMGRAD_INLINE std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.str(); }

SYMGRAD_INLINE std::ostream& operator<<(std::ostream& os, const NDArray& a) {
  if (a.is_none()) return os << "<NDArray none>";
  const Shape& s = a.shape();
  bool summarize = a.size() > 1000;
  auto shown = detail::shown_indices(s, summarize);
  if (s.ndim() == 0) {
    os << detail::format_value(a.at_flat(0), detail::choose_format(a, shown));
  } else {
    auto f = detail::choose_format(a, shown);
    std::vector<std::int64_t> strides(static_cast<std::size_t>(s.ndim()), 1);
    for (int d = s.ndim() - 2; d >= 0; --d) strides[d] = strides[d + 1] * s[d + 1];
    detail::print_rec(os, a, f, 0, 0, strides, summarize, 0);
  }
  os << "\n<NDArray ";
  for (int d = 0; d < s.ndim(); ++d) os << (d ? "x" : "") << s[d];
  return os << " @" << a.context().str() << '>';
}

SYMGRAD_INLINE std::string to_string(const NDArray& a) {
  std::ostringstream os;
  os << a;
  return os.str();
}

}  // namespace SYMGRAD_NS
#endif
