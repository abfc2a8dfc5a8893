// Operator parameters declared once. An operator's parameter struct (its options, in MXNet's
// documented order, `name` last) gets a table of fields: the attribute name, the member, and its
// rules. Everything else comes from the table:
//   read_params   attributes (symbol JSON, the registry) -> parameters, with errors for bad values
//                 and for names the operator does not know;
//   write_params  parameters -> attributes: the required ones and those not at their default,
//                 as MXNet writes them;
//   check_params  the bounds (and finite() numbers), for parameters built in C++;
//   describe_params  "kernel=(3, 3), num_filter=8" for messages.
// A table is a specialisation of `param_fields`:
//   template <> inline constexpr auto param_fields<FullyConnectedParam> = std::tuple{
//       field("num_hidden", &FullyConnectedParam::num_hidden).required().at_least(1),
//       field("no_bias", &FullyConnectedParam::no_bias), ...};
// Enum parameters are Choice<E> (ops/choice.hpp). "None" reads as the default where the default
// is MXNet's None (an empty optional, string or tuple, or attr::kNone).
#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../core/attrs.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "choice.hpp"
#include "spatial.hpp"

namespace SYMGRAD_NS::ops {

// The table of a parameter struct; see the top of this file.
template <class P>
inline constexpr auto param_fields = nullptr;

template <class P, class T>
struct Field {
  std::string_view name;
  T P::*member;
  bool is_required = false;  // always written; a missing one is an error when attributes are read
  bool is_always = false;    // always written (MXNet writes it even at its default)
  double lo = -std::numeric_limits<double>::infinity();  // bounds of numbers (each value of a tuple)
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;  // lo, hi themselves are out of bounds
  bool is_finite = false;                 // infinities are out of bounds too

  constexpr Field required() const {
    Field f = *this;
    f.is_required = true;
    return f;
  }
  constexpr Field always() const {
    Field f = *this;
    f.is_always = true;
    return f;
  }
  constexpr Field at_least(double v) const {
    Field f = *this;
    f.lo = v;
    return f;
  }
  constexpr Field above(double v) const {
    Field f = *this;
    f.lo = v, f.lo_open = true;
    return f;
  }
  constexpr Field below(double v) const {
    Field f = *this;
    f.hi = v, f.hi_open = true;
    return f;
  }
  constexpr Field within(double a, double b) const {
    Field f = *this;
    f.lo = a, f.hi = b;
    return f;
  }
  constexpr Field finite() const {
    Field f = *this;
    f.is_finite = true;
    return f;
  }
};
template <class P, class T>
constexpr Field<P, T> field(std::string_view name, T P::*member) {
  return {name, member};
}

namespace params_detail {

[[noreturn]] void fail(std::string_view op, std::string_view message);
std::string bounds_text(double lo, double hi, bool lo_open, bool hi_open, bool finite);

// One value from its attribute string.
inline void parse(std::string_view op, std::string_view k, std::string_view s, bool& v) {
  v = attr::parse_bool(op, k, s);
}
inline void parse(std::string_view op, std::string_view k, std::string_view s, int& v) {
  v = attr::parse_int32(op, k, s);
}
inline void parse(std::string_view op, std::string_view k, std::string_view s, std::int64_t& v) {
  v = attr::parse_int(op, k, s);
}
inline void parse(std::string_view op, std::string_view k, std::string_view s, double& v) {
  v = attr::parse_float(op, k, s);
}
inline void parse(std::string_view op, std::string_view k, std::string_view s, float& v) {
  v = attr::parse_float32(op, k, s);
}
inline void parse(std::string_view, std::string_view, std::string_view s, std::string& v) {
  v = std::string(s);
}
inline void parse(std::string_view op, std::string_view k, std::string_view s, std::vector<std::int64_t>& v) {
  v = attr::parse_tuple(op, k, s);
}
inline void parse(std::string_view op, std::string_view k, std::string_view s, Spatial& v) {
  v = Spatial(attr::parse_tuple(op, k, s));
}
template <class T>
void parse(std::string_view op, std::string_view k, std::string_view s, std::optional<T>& v) {
  if (attr::trim(s) == "None") {  // MXNet's optional parameters take None whatever their default
    v.reset();
    return;
  }
  T x{};
  parse(op, k, s, x);
  v = x;
}
inline void parse(std::string_view op, std::string_view k, std::string_view s, DType& v) {
  try {
    v = dtype_from_name(attr::trim(s));
  } catch (const Error&) {
    attr::bad(op, k, s, "a dtype name (float32, float64, float16, uint8, int32, int64)");
  }
}
template <class E>
void parse(std::string_view op, std::string_view k, std::string_view s, Choice<E>& v) {
  v = Choice<E>(attr::trim(s));
  if (!v.valid()) attr::bad(op, k, s, "one of " + Choice<E>::spellings());
}

// One value as its attribute string (Python's str()).
inline std::string format(bool v) { return attr::format(v); }
inline std::string format(int v) { return attr::format(v); }
inline std::string format(std::int64_t v) { return attr::format(v); }
inline std::string format(double v) { return attr::format(v); }
inline std::string format(float v) { return attr::format(static_cast<double>(v)); }
inline std::string format(const std::string& v) { return v; }
inline std::string format(const std::vector<std::int64_t>& v) { return attr::format(v); }
inline std::string format(const Spatial& v) { return attr::format(v.vec()); }
template <class T>
std::string format(const std::optional<T>& v) {
  return v ? format(*v) : "None";
}
inline std::string format(DType v) { return std::string(dtype_name(v)); }
template <class E>
std::string format(Choice<E> v) {
  return std::string(v.name());
}

// The numbers a value holds, for the bounds.
template <class T>
void each_number(const T& v, auto&& f) {
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
    f(static_cast<double>(v));
  else if constexpr (std::is_same_v<T, Spatial>)
    for (int i = 0; i < v.n && i < Spatial::max_dims; ++i) f(static_cast<double>(v[i]));
  else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>)
    for (auto x : v) f(static_cast<double>(x));
  else if constexpr (requires { v.has_value(); }) {
    if (v) each_number(*v, f);
  }
}

// Whether a default stands for MXNet's None (so that "None" reads as the default).
template <class T>
bool none_is_default(const T& d) {
  if constexpr (requires { d.has_value(); })
    return !d.has_value();
  else if constexpr (std::is_same_v<T, Spatial>)
    return d.n == 0;
  else if constexpr (requires { d.empty(); })
    return d.empty();
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return d == attr::kNone;
  else
    return false;
}

template <class P>
constexpr auto& table() {
  static_assert(!std::is_same_v<std::remove_cvref_t<decltype(param_fields<P>)>, std::nullptr_t>,
                "this parameter struct has no table: specialise ops::param_fields for it");
  return param_fields<P>;
}

}  // namespace params_detail

// The bounds of every field (and at most three values in a Spatial field).
template <class P>
void check_params(std::string_view op, const P& p) {
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              const auto& v = p.*(f.member);
              using T = std::remove_cvref_t<decltype(v)>;
              if constexpr (std::is_same_v<T, Spatial>)
                if (v.too_many())
                  params_detail::fail(op, std::string(f.name) + " has " + std::to_string(v.n) +
                                              " values; at most 3 spatial dimensions are supported");
              if constexpr (requires { v.spellings(); })
                if (!v.valid())
                  params_detail::fail(op, std::string(f.name) + " must be one of " + v.spellings() +
                                              ", got '" + v.unknown + "'");
              params_detail::each_number(v, [&](double x) {
                constexpr double big = std::numeric_limits<double>::max();
                if (!((f.lo_open ? x > f.lo : x >= f.lo) && (f.hi_open ? x < f.hi : x <= f.hi) &&
                      (!f.is_finite || (x >= -big && x <= big))))
                  params_detail::fail(
                      op, std::string(f.name) + " must be " +
                              params_detail::bounds_text(f.lo, f.hi, f.lo_open, f.hi_open, f.is_finite) +
                              ", got " + params_detail::format(v));
              });
            }(),
            ...);
      },
      params_detail::table<P>());
}

// Attributes -> parameters; unknown names, bad values and missing required ones are errors.
template <class P>
void read_params(std::string_view op, const AttrMap& m, P& p) {
  attr::Reader r(op, m);
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              if (const std::string* s = r.find(f.name)) {
                if (attr::trim(*s) == "None" && params_detail::none_is_default(P{}.*(f.member)))
                  p.*(f.member) = P{}.*(f.member);  // MXNet's spelling of "not given"
                else
                  params_detail::parse(op, f.name, *s, p.*(f.member));
              } else if (f.is_required)
                params_detail::fail(op, "the attribute " + std::string(f.name) + " is required");
            }(),
            ...);
      },
      params_detail::table<P>());
  r.finish();
  check_params(op, p);
}
template <class P>
P read_params(std::string_view op, const AttrMap& m) {
  P p{};
  read_params(op, m, p);
  return p;
}

// Parameters -> attributes: the required ones and those that differ from the default.
template <class P>
AttrMap write_params(const P& p) {
  static const P defaults{};
  AttrMap m;
  std::apply(
      [&](const auto&... f) {
        ((f.is_required || f.is_always || !(p.*(f.member) == defaults.*(f.member))
              ? void(m[std::string(f.name)] = params_detail::format(p.*(f.member)))
              : void()),
         ...);
      },
      params_detail::table<P>());
  return m;
}

// "kernel=(3, 3), num_filter=8": the attributes write_params gives, for messages.
template <class P>
std::string describe_params(const P& p) {
  std::string s;
  for (const auto& [k, v] : write_params(p)) s += (s.empty() ? "" : ", ") + k + "=" + v;
  return s;
}

}  // namespace SYMGRAD_NS::ops
