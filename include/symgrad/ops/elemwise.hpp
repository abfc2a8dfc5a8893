// Elementwise operators over equal shapes: unary math (negative, square, sqrt, exp, log, abs),
// binary (elemwise_add/sub/mul/div, what + - * / make), and the scalar forms (x + 2, 1 / x).
// Shape rule: every input and the output have one shape (inferred both ways).
// Gradient: the functor's derivative (functors.hpp), one backward kernel per operator.
// Operators and kernels: ops/elemwise-inl.hpp.
#pragma once
#include <string_view>

#include "../symbol/compose.hpp"

// The functors (ops/functors.hpp) that the elementwise operators exist for.
// clang-format off
#define SYMGRAD_UNARY_FUNCTORS(X) \
  X(negative)                     \
  X(square)                       \
  X(sqrt)                         \
  X(exp)                          \
  X(log)                          \
  X(abs)                          \
  X(relu)                         \
  X(sigmoid)                      \
  X(tanh)                         \
  X(softrelu)                     \
  X(softsign)                     \
  X(reciprocal)                   \
  X(rsqrt)                        \
  X(log1p)                        \
  X(expm1)                        \
  X(sin)                          \
  X(cos)                          \
  X(sign)                         \
  X(clip)
#define SYMGRAD_BINARY_FUNCTORS(X) \
  X(elemwise_add)                  \
  X(elemwise_sub)                  \
  X(elemwise_mul)                  \
  X(elemwise_div)                  \
  X(maximum)                       \
  X(minimum)                       \
  X(power)                         \
  X(equal)                         \
  X(not_equal)                     \
  X(greater)                       \
  X(greater_equal)                 \
  X(lesser)                        \
  X(lesser_equal)
#define SYMGRAD_SCALAR_FUNCTORS(X) \
  X(plus_scalar)                   \
  X(minus_scalar)                  \
  X(rminus_scalar)                 \
  X(mul_scalar)                    \
  X(div_scalar)                    \
  X(rdiv_scalar)                   \
  X(maximum_scalar)                \
  X(minimum_scalar)                \
  X(power_scalar)                  \
  X(rpower_scalar)                 \
  X(equal_scalar)                  \
  X(not_equal_scalar)              \
  X(greater_scalar)                \
  X(greater_equal_scalar)          \
  X(lesser_scalar)                 \
  X(lesser_equal_scalar)
// clang-format on

namespace SYMGRAD_NS {
namespace fn {
#define SYMGRAD_DECLARE_FUNCTOR(F) struct F;
SYMGRAD_UNARY_FUNCTORS(SYMGRAD_DECLARE_FUNCTOR)
SYMGRAD_BINARY_FUNCTORS(SYMGRAD_DECLARE_FUNCTOR)
SYMGRAD_SCALAR_FUNCTORS(SYMGRAD_DECLARE_FUNCTOR)
#undef SYMGRAD_DECLARE_FUNCTOR
}  // namespace fn

namespace sym {

namespace detail {
// One node of the elementwise operator of functor F (compiled in libsymgrad for the functors
// listed above; the typed expressions build their nodes with these).
template <class F>
Symbol unary(const Symbol& x, std::string_view name, const F& fn);
template <class F>
Symbol binary(const Symbol& a, const Symbol& b);
template <class F>
Symbol scalar(const Symbol& x, double s);
}  // namespace detail

Symbol elemwise_add(const Symbol& a, const Symbol& b);
Symbol elemwise_sub(const Symbol& a, const Symbol& b);
Symbol elemwise_mul(const Symbol& a, const Symbol& b);
Symbol elemwise_div(const Symbol& a, const Symbol& b);
Symbol negative(const Symbol& x, std::string_view name = {});
Symbol square(const Symbol& x, std::string_view name = {});
Symbol sqrt(const Symbol& x, std::string_view name = {});
Symbol exp(const Symbol& x, std::string_view name = {});
Symbol log(const Symbol& x, std::string_view name = {});
Symbol abs(const Symbol& x, std::string_view name = {});
Symbol reciprocal(const Symbol& x, std::string_view name = {});
Symbol rsqrt(const Symbol& x, std::string_view name = {});
Symbol log1p(const Symbol& x, std::string_view name = {});
Symbol expm1(const Symbol& x, std::string_view name = {});
Symbol sin(const Symbol& x, std::string_view name = {});
Symbol cos(const Symbol& x, std::string_view name = {});
Symbol sign(const Symbol& x, std::string_view name = {});
// clip(x, a_min, a_max): values limited to [a_min, a_max].
Symbol clip(const Symbol& x, double a_min, double a_max, std::string_view name = {});
// Elementwise maximum, minimum and power of two equally shaped symbols, or of a symbol and a
// scalar (_maximum_scalar ...).
Symbol maximum(const Symbol& a, const Symbol& b);
Symbol minimum(const Symbol& a, const Symbol& b);
Symbol power(const Symbol& a, const Symbol& b);
Symbol maximum(const Symbol& a, double s);
Symbol maximum(double s, const Symbol& a);
Symbol minimum(const Symbol& a, double s);
Symbol minimum(double s, const Symbol& a);
Symbol power(const Symbol& a, double s);
Symbol power(double s, const Symbol& a);
// Comparisons: 1 where the relation holds, else 0, as MXNet's _equal, _greater_scalar ...
// (equal shapes; broadcast_equal ... broadcast); their gradient is zero. The operators > < >= <=
// make them from symbols and scalars (== and != stay Symbol identity: use equal, not_equal).
Symbol equal(const Symbol& a, const Symbol& b);
Symbol equal(const Symbol& a, double s);
Symbol not_equal(const Symbol& a, const Symbol& b);
Symbol not_equal(const Symbol& a, double s);
Symbol greater(const Symbol& a, const Symbol& b);
Symbol greater(const Symbol& a, double s);
Symbol greater_equal(const Symbol& a, const Symbol& b);
Symbol greater_equal(const Symbol& a, double s);
Symbol lesser(const Symbol& a, const Symbol& b);
Symbol lesser(const Symbol& a, double s);
Symbol lesser_equal(const Symbol& a, const Symbol& b);
Symbol lesser_equal(const Symbol& a, double s);

}  // namespace sym

// Arithmetic between symbols and with scalars (in the Symbol's namespace, found by ADL).
Symbol operator+(const Symbol& a, const Symbol& b);
Symbol operator-(const Symbol& a, const Symbol& b);
Symbol operator*(const Symbol& a, const Symbol& b);
Symbol operator/(const Symbol& a, const Symbol& b);
Symbol operator+(const Symbol& a, double s);
Symbol operator-(const Symbol& a, double s);
Symbol operator*(const Symbol& a, double s);
Symbol operator/(const Symbol& a, double s);
Symbol operator+(double s, const Symbol& a);
Symbol operator-(double s, const Symbol& a);
Symbol operator*(double s, const Symbol& a);
Symbol operator/(double s, const Symbol& a);
Symbol operator-(const Symbol& a);
Symbol operator>(const Symbol& a, const Symbol& b);
Symbol operator<(const Symbol& a, const Symbol& b);
Symbol operator>=(const Symbol& a, const Symbol& b);
Symbol operator<=(const Symbol& a, const Symbol& b);
Symbol operator>(const Symbol& a, double s);
Symbol operator<(const Symbol& a, double s);
Symbol operator>=(const Symbol& a, double s);
Symbol operator<=(const Symbol& a, double s);
Symbol operator>(double s, const Symbol& a);
Symbol operator<(double s, const Symbol& a);
Symbol operator>=(double s, const Symbol& a);
Symbol operator<=(double s, const Symbol& a);

}  // namespace SYMGRAD_NS
