// Elementwise operators on typed expressions: + - * / with expressions and scalars, the unary
// math functions, maximum / minimum / power and broadcast_*. Shapes are checked at compile time;
// the result is a typed elementwise node (symbol/typed_elemwise.hpp) whose kernel is compiled by
// exec/fused.hpp (include <symgrad/typed.hpp>, which brings both).
#pragma once
#include "../symbol/typed_elemwise.hpp"
#include "broadcast.hpp"
#include "elemwise.hpp"
#include "functors.hpp"

namespace SYMGRAD_NS {

namespace ops {
template <class A, class B>
struct BroadcastShape {
  static constexpr Shape value = broadcast_rule(A::shape, B::shape).out;
};
}  // namespace ops

namespace typed {
template <class F, Typed A>
TUnary<F, A> unary(const A& a, F fn = {}) {
  return {{}, a, sym::detail::unary(a.sym, {}, fn), fn};
}
template <class F, Typed A, Typed B>
auto binary(const A& a, const B& b) {
  if constexpr (!merge(A::shape, B::shape).ok) {
    static_shape_error<F, why::operand_shapes_differ, typename A::shape_type,
                       typename B::shape_type>::raise();
  } else {
    return TBinary<F, A, B>{{}, a, b, sym::detail::binary<F>(a.sym, b.sym)};
  }
}
template <class F, Typed A, Typed B>
auto broadcast(const A& a, const B& b) {
  if constexpr (!ops::broadcast_rule(A::shape, B::shape).ok) {
    static_shape_error<ops::Broadcast<F>, why::operands_do_not_broadcast, typename A::shape_type,
                       typename B::shape_type>::raise();
  } else {
    using S = to_static_t<ops::BroadcastShape<A, B>>;
    return TBroadcast<F, A, B, S>{{}, a, b, sym::detail::broadcast<F>(a.sym, b.sym, {})};
  }
}
template <class F, Typed A>
TScalar<F, A> scalar(const A& a, double s) {
  return {{}, a, s, sym::detail::scalar<F>(a.sym, s)};
}
}  // namespace typed

template <Typed A, Typed B>
auto operator+(const A& a, const B& b) {
  return typed::binary<fn::elemwise_add>(a, b);
}
template <Typed A, Typed B>
auto operator-(const A& a, const B& b) {
  return typed::binary<fn::elemwise_sub>(a, b);
}
template <Typed A, Typed B>
auto operator*(const A& a, const B& b) {
  return typed::binary<fn::elemwise_mul>(a, b);
}
template <Typed A, Typed B>
auto operator/(const A& a, const B& b) {
  return typed::binary<fn::elemwise_div>(a, b);
}
template <Typed A>
auto operator+(const A& a, double s) {
  return typed::scalar<fn::plus_scalar>(a, s);
}
template <Typed A>
auto operator-(const A& a, double s) {
  return typed::scalar<fn::minus_scalar>(a, s);
}
template <Typed A>
auto operator*(const A& a, double s) {
  return typed::scalar<fn::mul_scalar>(a, s);
}
template <Typed A>
auto operator/(const A& a, double s) {
  return typed::scalar<fn::div_scalar>(a, s);
}
template <Typed A>
auto operator+(double s, const A& a) {
  return typed::scalar<fn::plus_scalar>(a, s);
}
template <Typed A>
auto operator-(double s, const A& a) {
  return typed::scalar<fn::rminus_scalar>(a, s);
}
template <Typed A>
auto operator*(double s, const A& a) {
  return typed::scalar<fn::mul_scalar>(a, s);
}
template <Typed A>
auto operator/(double s, const A& a) {
  return typed::scalar<fn::rdiv_scalar>(a, s);
}
template <Typed A>
auto operator-(const A& a) {
  return typed::unary<fn::negative>(a);
}

namespace sym {
template <Typed A>
auto negative(const A& a) {
  return typed::unary<fn::negative>(a);
}
template <Typed A>
auto square(const A& a) {
  return typed::unary<fn::square>(a);
}
template <Typed A>
auto sqrt(const A& a) {
  return typed::unary<fn::sqrt>(a);
}
template <Typed A>
auto exp(const A& a) {
  return typed::unary<fn::exp>(a);
}
template <Typed A>
auto log(const A& a) {
  return typed::unary<fn::log>(a);
}
template <Typed A>
auto abs(const A& a) {
  return typed::unary<fn::abs>(a);
}
template <Typed A>
auto relu(const A& a) {
  return typed::unary<fn::relu>(a);
}
template <Typed A>
auto sigmoid(const A& a) {
  return typed::unary<fn::sigmoid>(a);
}
template <Typed A>
auto tanh(const A& a) {
  return typed::unary<fn::tanh>(a);
}
template <Typed A>
auto reciprocal(const A& a) {
  return typed::unary<fn::reciprocal>(a);
}
template <Typed A>
auto rsqrt(const A& a) {
  return typed::unary<fn::rsqrt>(a);
}
template <Typed A>
auto log1p(const A& a) {
  return typed::unary<fn::log1p>(a);
}
template <Typed A>
auto expm1(const A& a) {
  return typed::unary<fn::expm1>(a);
}
template <Typed A>
auto sin(const A& a) {
  return typed::unary<fn::sin>(a);
}
template <Typed A>
auto cos(const A& a) {
  return typed::unary<fn::cos>(a);
}
template <Typed A>
auto sign(const A& a) {
  return typed::unary<fn::sign>(a);
}
template <Typed A>
auto clip(const A& a, double a_min, double a_max) {
  if (!(a_min <= a_max)) throw ValueError("clip: a_min must not exceed a_max");
  return typed::unary<fn::clip>(a, fn::clip{a_min, a_max});
}
template <Typed A, Typed B>
auto maximum(const A& a, const B& b) {
  return typed::binary<fn::maximum>(a, b);
}
template <Typed A, Typed B>
auto minimum(const A& a, const B& b) {
  return typed::binary<fn::minimum>(a, b);
}
template <Typed A, Typed B>
auto power(const A& a, const B& b) {
  return typed::binary<fn::power>(a, b);
}
template <Typed A>
auto maximum(const A& a, double s) {
  return typed::scalar<fn::maximum_scalar>(a, s);
}
template <Typed A>
auto minimum(const A& a, double s) {
  return typed::scalar<fn::minimum_scalar>(a, s);
}
template <Typed A>
auto power(const A& a, double s) {
  return typed::scalar<fn::power_scalar>(a, s);
}
template <Typed A>
auto power(double s, const A& a) {
  return typed::scalar<fn::rpower_scalar>(a, s);
}
template <Typed A, Typed B>
auto broadcast_add(const A& a, const B& b) {
  return typed::broadcast<fn::elemwise_add>(a, b);
}
template <Typed A, Typed B>
auto broadcast_sub(const A& a, const B& b) {
  return typed::broadcast<fn::elemwise_sub>(a, b);
}
template <Typed A, Typed B>
auto broadcast_mul(const A& a, const B& b) {
  return typed::broadcast<fn::elemwise_mul>(a, b);
}
template <Typed A, Typed B>
auto broadcast_div(const A& a, const B& b) {
  return typed::broadcast<fn::elemwise_div>(a, b);
}
template <Typed A, Typed B>
auto broadcast_maximum(const A& a, const B& b) {
  return typed::broadcast<fn::maximum>(a, b);
}
template <Typed A, Typed B>
auto broadcast_minimum(const A& a, const B& b) {
  return typed::broadcast<fn::minimum>(a, b);
}
template <Typed A, Typed B>
auto broadcast_power(const A& a, const B& b) {
  return typed::broadcast<fn::power>(a, b);
}
}  // namespace sym

}  // namespace SYMGRAD_NS
