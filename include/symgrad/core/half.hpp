// Half: an IEEE 754 binary16 value (MXNet's float16, type code 2), a storage type. It converts to
// and from the arithmetic types and does no arithmetic of its own: code that computes converts to
// float first. float -> Half rounds to nearest, ties to even (subnormals, overflow to infinity,
// NaN kept quiet); Half -> float is exact. Other types go through float, as mshadow's half_t does,
// so a double is rounded twice (1 + 2^-11 + 2^-40 gives 1, where numpy gives 1 + 2^-10).
#pragma once
#include <bit>
#include <cstdint>
#include <type_traits>

#include "config.hpp"

namespace SYMGRAD_NS {

namespace detail {
constexpr std::uint16_t float_to_half_bits(float f) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u)  // infinity, or NaN: quiet, with the payload's top bits
    return static_cast<std::uint16_t>(sign | 0x7c00u |
                                      (ax > 0x7f800000u ? 0x200u | ((ax >> 13) & 0x3ffu) : 0u));
  if (ax >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // >= 65520 rounds to infinity
  if (ax >= 0x38800000u) {  // a normal half (>= 2^-14): rebias the exponent, round 13 bits away
    std::uint32_t v = ax - 0x38000000u;
    v += 0xfffu + ((v >> 13) & 1u);  // a carry into the exponent is the right result
    return static_cast<std::uint16_t>(sign | (v >> 13));
  }
  if (ax <= 0x33000000u) return sign;  // <= 2^-25: zero (2^-25 itself is a tie, to even)
  // A subnormal half m * 2^-24: the float's 24-bit significand shifted right by 126 - exponent.
  const std::uint32_t e = ax >> 23, mant = (ax & 0x7fffffu) | 0x800000u;
  const std::uint32_t shift = 126u - e;  // 14 .. 24
  std::uint32_t q = mant >> shift;
  const std::uint32_t rest = mant & ((1u << shift) - 1u), mid = 1u << (shift - 1u);
  if (rest > mid || (rest == mid && (q & 1u))) ++q;  // 0x400 is the smallest normal: still right
  return static_cast<std::uint16_t>(sign | q);
}

constexpr float half_bits_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  std::uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
  if (e == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (m << 13));
  if (e != 0) return std::bit_cast<float>(sign | ((e + 112u) << 23) | (m << 13));
  if (m == 0) return std::bit_cast<float>(sign);
  e = 113;  // a subnormal: normalise
  while (!(m & 0x400u)) m <<= 1, --e;
  return std::bit_cast<float>(sign | (e << 23) | ((m & 0x3ffu) << 13));
}
}  // namespace detail

struct Half {
  std::uint16_t bits = 0;

  constexpr Half() = default;
  template <class T>
  requires std::is_arithmetic_v<T>
  constexpr explicit Half(T v) : bits(detail::float_to_half_bits(static_cast<float>(v))) {}
  template <class T>
  requires std::is_arithmetic_v<T>
  constexpr explicit operator T() const { return static_cast<T>(detail::half_bits_to_float(bits)); }

  static constexpr Half from_bits(std::uint16_t b) {
    Half h;
    h.bits = b;
    return h;
  }
  // IEEE comparison (NaN unequal to itself, -0 == +0), through float.
  friend constexpr bool operator==(Half a, Half b) {
    return detail::half_bits_to_float(a.bits) == detail::half_bits_to_float(b.bits);
  }
};

}  // namespace SYMGRAD_NS
