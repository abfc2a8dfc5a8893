// Runtime element types, with MXNet's type codes (they appear in .params files and symbol JSON).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include "config.hpp"

#include "error.hpp"
#include "half.hpp"

namespace SYMGRAD_NS {

enum class DType : int {
  float32 = 0,
  float64 = 1,
  float16 = 2,  // storage only: see Half (core/half.hpp) and dispatch_storage below
  uint8 = 3,
  int32 = 4,
  int64 = 6,
};

constexpr std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::float32:
      return 4;
    case DType::float64:
      return 8;
    case DType::float16:
      return 2;
    case DType::uint8:
      return 1;
    case DType::int32:
      return 4;
    case DType::int64:
      return 8;
  }
  return 0;
}

constexpr std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::float32:
      return "float32";
    case DType::float64:
      return "float64";
    case DType::float16:
      return "float16";
    case DType::uint8:
      return "uint8";
    case DType::int32:
      return "int32";
    case DType::int64:
      return "int64";
  }
  return "unknown";
}

inline constexpr DType all_dtypes[] = {DType::float32, DType::float64, DType::float16,
                                       DType::uint8,   DType::int32,   DType::int64};

inline DType dtype_from_name(std::string_view s) {
  for (DType t : all_dtypes)
    if (dtype_name(t) == s) return t;
  throw TypeError("unknown dtype '" + std::string(s) +
                  "'; supported: float32, float64, float16, uint8, int32, int64");
}

// MXNet's type code (0 float32, 1 float64, 2 float16, 3 uint8, 4 int32, 6 int64); a TypeError
// naming `what` for any other value.
inline DType dtype_from_code(std::string_view what, std::int64_t code) {
  for (DType t : all_dtypes)
    if (static_cast<std::int64_t>(t) == code) return t;
  throw TypeError(std::string(what) + ": unknown dtype code " + std::to_string(code) +
                  "; supported: 0 (float32), 1 (float64), 2 (float16), 3 (uint8), 4 (int32), 6 (int64)");
}

inline constexpr bool is_float_dtype(DType t) {
  return t == DType::float32 || t == DType::float64 || t == DType::float16;
}

// What float16 can do, for the errors of everything else.
inline constexpr std::string_view float16_storage_note =
    "float16 is supported for storage (creation, copies, astype, printing, .params files) and by "
    "the operators Cast, amp_cast and amp_multicast; cast to float32 first";

// A value read from an array (a label, an index) as an int64, truncated toward zero and saturated
// to int64's range: a plain cast is undefined for NaN and for |v| >= 2^63. NaN gives INT64_MIN,
// which no index range holds.
inline std::int64_t saturating_index(double v) {
  if (!(v > -9223372036854775808.0)) return INT64_MIN;  // NaN too
  if (v >= 9223372036854775808.0) return INT64_MAX;
  return static_cast<std::int64_t>(v);
}

template <class T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr DType value = DType::float32;
};
template <>
struct dtype_of<double> {
  static constexpr DType value = DType::float64;
};
template <>
struct dtype_of<Half> {
  static constexpr DType value = DType::float16;
};
template <>
struct dtype_of<std::uint8_t> {
  static constexpr DType value = DType::uint8;
};
template <>
struct dtype_of<std::int32_t> {
  static constexpr DType value = DType::int32;
};
template <>
struct dtype_of<std::int64_t> {
  static constexpr DType value = DType::int64;
};
template <class T>
inline constexpr DType dtype_v = dtype_of<T>::value;

// Calls f(T{}) with the C++ type of `t`, for the types that compute; float16 is a TypeError.
template <class F>
decltype(auto) dispatch_dtype(DType t, F&& f) {
  switch (t) {
    case DType::float32:
      return f(float{});
    case DType::float64:
      return f(double{});
    case DType::float16:
      throw TypeError("this computation does not take float16 arrays: " + std::string(float16_storage_note));
    case DType::uint8:
      return f(std::uint8_t{});
    case DType::int32:
      return f(std::int32_t{});
    case DType::int64:
      return f(std::int64_t{});
  }
  throw TypeError("invalid dtype code " + std::to_string(static_cast<int>(t)));
}

// Calls f(T{}) with the C++ type of `t`, Half included: for code that only stores, moves and
// converts values (copies, astype, files, printing).
template <class F>
decltype(auto) dispatch_storage(DType t, F&& f) {
  if (t == DType::float16) return f(Half{});
  return dispatch_dtype(t, std::forward<F>(f));
}

// Floating-point types only. `what` names the operator for the error: a string, or a callable
// returning one (evaluated only on error, so hot paths build no string).
template <class Name, class F>
decltype(auto) dispatch_float(DType t, Name&& what, F&& f) {
  if (t == DType::float32) return f(float{});
  if (t == DType::float64) return f(double{});
  std::string name;
  if constexpr (std::is_invocable_v<Name>)
    name = what();
  else
    name = std::string(what);
  throw TypeError(name + " supports float32 and float64, not " + std::string(dtype_name(t)) +
                  (t == DType::float16 ? "; " + std::string(float16_storage_note) : std::string()));
}

}  // namespace SYMGRAD_NS
