// The elementwise Symbol functions (sym::sin, sym::maximum ...) and the arithmetic operators
// between symbols and scalars (ops/elemwise.hpp), and the node makers compiled for every functor.
#pragma once
#include <string>
#include <string_view>

#include "elemwise-inl.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ELEMWISE_SYM)
namespace SYMGRAD_NS {
namespace sym {

SYMGRAD_INLINE Symbol elemwise_add(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_add>(a, b);
}
SYMGRAD_INLINE Symbol elemwise_sub(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_sub>(a, b);
}
SYMGRAD_INLINE Symbol elemwise_mul(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_mul>(a, b);
}
SYMGRAD_INLINE Symbol elemwise_div(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_div>(a, b);
}
SYMGRAD_INLINE Symbol negative(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::negative{});
}
SYMGRAD_INLINE Symbol square(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::square{});
}
SYMGRAD_INLINE Symbol sqrt(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::sqrt{});
}
SYMGRAD_INLINE Symbol exp(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::exp{});
}
SYMGRAD_INLINE Symbol log(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::log{});
}
SYMGRAD_INLINE Symbol abs(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::abs{});
}
SYMGRAD_INLINE Symbol reciprocal(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::reciprocal{});
}
SYMGRAD_INLINE Symbol rsqrt(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::rsqrt{});
}
SYMGRAD_INLINE Symbol log1p(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::log1p{});
}
SYMGRAD_INLINE Symbol expm1(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::expm1{});
}
SYMGRAD_INLINE Symbol sin(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::sin{});
}
SYMGRAD_INLINE Symbol cos(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::cos{});
}
SYMGRAD_INLINE Symbol sign(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::sign{});
}
// clip(x, a_min, a_max): values limited to [a_min, a_max].
SYMGRAD_INLINE Symbol clip(const Symbol& x, double a_min, double a_max, std::string_view name) {
  if (!(a_min <= a_max))
    throw ValueError("clip: a_min (" + attr::format(a_min) + ") must not exceed a_max (" +
                     attr::format(a_max) + ")");
  return detail::unary(x, name, fn::clip{a_min, a_max});
}
// Elementwise maximum, minimum and power of two equally shaped symbols, or of a symbol and a
// scalar (_maximum_scalar ...).
SYMGRAD_INLINE Symbol maximum(const Symbol& a, const Symbol& b) { return detail::binary<fn::maximum>(a, b); }
SYMGRAD_INLINE Symbol minimum(const Symbol& a, const Symbol& b) { return detail::binary<fn::minimum>(a, b); }
SYMGRAD_INLINE Symbol power(const Symbol& a, const Symbol& b) { return detail::binary<fn::power>(a, b); }
SYMGRAD_INLINE Symbol maximum(const Symbol& a, double s) { return detail::scalar<fn::maximum_scalar>(a, s); }
SYMGRAD_INLINE Symbol maximum(double s, const Symbol& a) { return detail::scalar<fn::maximum_scalar>(a, s); }
SYMGRAD_INLINE Symbol minimum(const Symbol& a, double s) { return detail::scalar<fn::minimum_scalar>(a, s); }
SYMGRAD_INLINE Symbol minimum(double s, const Symbol& a) { return detail::scalar<fn::minimum_scalar>(a, s); }
SYMGRAD_INLINE Symbol power(const Symbol& a, double s) { return detail::scalar<fn::power_scalar>(a, s); }
SYMGRAD_INLINE Symbol power(double s, const Symbol& a) { return detail::scalar<fn::rpower_scalar>(a, s); }

SYMGRAD_INLINE Symbol equal(const Symbol& a, const Symbol& b) { return detail::binary<fn::equal>(a, b); }
SYMGRAD_INLINE Symbol equal(const Symbol& a, double s) { return detail::scalar<fn::equal_scalar>(a, s); }
SYMGRAD_INLINE Symbol not_equal(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::not_equal>(a, b);
}
SYMGRAD_INLINE Symbol not_equal(const Symbol& a, double s) {
  return detail::scalar<fn::not_equal_scalar>(a, s);
}
SYMGRAD_INLINE Symbol greater(const Symbol& a, const Symbol& b) { return detail::binary<fn::greater>(a, b); }
SYMGRAD_INLINE Symbol greater(const Symbol& a, double s) { return detail::scalar<fn::greater_scalar>(a, s); }
SYMGRAD_INLINE Symbol greater_equal(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::greater_equal>(a, b);
}
SYMGRAD_INLINE Symbol greater_equal(const Symbol& a, double s) {
  return detail::scalar<fn::greater_equal_scalar>(a, s);
}
SYMGRAD_INLINE Symbol lesser(const Symbol& a, const Symbol& b) { return detail::binary<fn::lesser>(a, b); }
SYMGRAD_INLINE Symbol lesser(const Symbol& a, double s) { return detail::scalar<fn::lesser_scalar>(a, s); }
SYMGRAD_INLINE Symbol lesser_equal(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::lesser_equal>(a, b);
}
SYMGRAD_INLINE Symbol lesser_equal(const Symbol& a, double s) {
  return detail::scalar<fn::lesser_equal_scalar>(a, s);
}
}  // namespace sym

SYMGRAD_INLINE Symbol operator+(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_add>(a, b);
}
SYMGRAD_INLINE Symbol operator-(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_sub>(a, b);
}
SYMGRAD_INLINE Symbol operator*(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_mul>(a, b);
}
SYMGRAD_INLINE Symbol operator/(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_div>(a, b);
}
SYMGRAD_INLINE Symbol operator+(const Symbol& a, double s) {
  return sym::detail::scalar<fn::plus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator-(const Symbol& a, double s) {
  return sym::detail::scalar<fn::minus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator*(const Symbol& a, double s) {
  return sym::detail::scalar<fn::mul_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator/(const Symbol& a, double s) {
  return sym::detail::scalar<fn::div_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator+(double s, const Symbol& a) {
  return sym::detail::scalar<fn::plus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator-(double s, const Symbol& a) {
  return sym::detail::scalar<fn::rminus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator*(double s, const Symbol& a) {
  return sym::detail::scalar<fn::mul_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator/(double s, const Symbol& a) {
  return sym::detail::scalar<fn::rdiv_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator-(const Symbol& a) { return sym::detail::unary(a, {}, fn::negative{}); }
SYMGRAD_INLINE Symbol operator>(const Symbol& a, const Symbol& b) { return sym::greater(a, b); }
SYMGRAD_INLINE Symbol operator<(const Symbol& a, const Symbol& b) { return sym::lesser(a, b); }
SYMGRAD_INLINE Symbol operator>=(const Symbol& a, const Symbol& b) { return sym::greater_equal(a, b); }
SYMGRAD_INLINE Symbol operator<=(const Symbol& a, const Symbol& b) { return sym::lesser_equal(a, b); }
SYMGRAD_INLINE Symbol operator>(const Symbol& a, double s) { return sym::greater(a, s); }
SYMGRAD_INLINE Symbol operator<(const Symbol& a, double s) { return sym::lesser(a, s); }
SYMGRAD_INLINE Symbol operator>=(const Symbol& a, double s) { return sym::greater_equal(a, s); }
SYMGRAD_INLINE Symbol operator<=(const Symbol& a, double s) { return sym::lesser_equal(a, s); }
SYMGRAD_INLINE Symbol operator>(double s, const Symbol& a) { return sym::lesser(a, s); }
SYMGRAD_INLINE Symbol operator<(double s, const Symbol& a) { return sym::greater(a, s); }
SYMGRAD_INLINE Symbol operator>=(double s, const Symbol& a) { return sym::lesser_equal(a, s); }
SYMGRAD_INLINE Symbol operator<=(double s, const Symbol& a) { return sym::greater_equal(a, s); }

}  // namespace SYMGRAD_NS
#endif

// The elementwise node makers, compiled for every listed functor.
#if defined(SYMGRAD_UNIT_OPS_ELEMWISE_SYM)
namespace SYMGRAD_NS::sym::detail {
#define SYMGRAD_INSTANTIATE_UNARY(F) \
  template Symbol unary<fn::F>(const Symbol&, std::string_view, const fn::F&);
#define SYMGRAD_INSTANTIATE_BINARY(F) template Symbol binary<fn::F>(const Symbol&, const Symbol&);
#define SYMGRAD_INSTANTIATE_SCALAR(F) template Symbol scalar<fn::F>(const Symbol&, double);
SYMGRAD_UNARY_FUNCTORS(SYMGRAD_INSTANTIATE_UNARY)
SYMGRAD_BINARY_FUNCTORS(SYMGRAD_INSTANTIATE_BINARY)
SYMGRAD_SCALAR_FUNCTORS(SYMGRAD_INSTANTIATE_SCALAR)
#undef SYMGRAD_INSTANTIATE_UNARY
#undef SYMGRAD_INSTANTIATE_BINARY
#undef SYMGRAD_INSTANTIATE_SCALAR
}  // namespace SYMGRAD_NS::sym::detail
#endif
