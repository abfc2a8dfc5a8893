// The elementwise functions as the operators use them: each functor is a formula of
// core/formulas.hpp (written once for scalars, xsimd batches and the CUDA kernels) with the
// operator's name, its CUDA code and, for binary ones, the name hint of its nodes. The runtime
// operators (elemwise.hpp) and the compile-time fused kernels (exec/fused.hpp) both use these,
// so the two paths and the GPU compute the same numbers.
#pragma once
#include <xsimd/xsimd.hpp>

#include "../core/attrs.hpp"
#include "../core/formulas.hpp"
#include "../cpu/simd.hpp"
#include "../cuda/codes.hpp"

namespace SYMGRAD_NS::fn {

using host::is_batch;

template <class V>
struct scalar_of_t {
  using type = V;
};
template <class T, class A>
struct scalar_of_t<xsimd::batch<T, A>> {
  using type = T;
};
template <class V>
using scalar_of = typename scalar_of_t<V>::type;

// ---- unary: y = f(x); dx = grad(x, y, g) ----
struct negative : fm::negative {
  static constexpr const char* name = "negative";
  static constexpr auto gpu = cuda::UnaryOp::negative;
};
struct square : fm::square {
  static constexpr const char* name = "square";
  static constexpr auto gpu = cuda::UnaryOp::square;
};
struct sqrt : fm::sqrt {
  static constexpr const char* name = "sqrt";
  static constexpr auto gpu = cuda::UnaryOp::sqrt;
};
struct exp : fm::exp {
  static constexpr const char* name = "exp";
  static constexpr auto gpu = cuda::UnaryOp::exp;
};
struct log : fm::log {
  static constexpr const char* name = "log";
  static constexpr auto gpu = cuda::UnaryOp::log;
};
struct abs : fm::abs {
  static constexpr const char* name = "abs";
  static constexpr auto gpu = cuda::UnaryOp::abs;
};
struct relu : fm::relu {
  static constexpr const char* name = "relu";
  static constexpr auto gpu = cuda::UnaryOp::relu;
};
struct sigmoid : fm::sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr auto gpu = cuda::UnaryOp::sigmoid;
};
struct tanh : fm::tanh {
  static constexpr const char* name = "tanh";
  static constexpr auto gpu = cuda::UnaryOp::tanh;
};
struct softrelu : fm::softrelu {
  static constexpr const char* name = "softrelu";
  static constexpr auto gpu = cuda::UnaryOp::softrelu;
};
struct softsign : fm::softsign {
  static constexpr const char* name = "softsign";
  static constexpr auto gpu = cuda::UnaryOp::softsign;
};
struct reciprocal : fm::reciprocal {
  static constexpr const char* name = "reciprocal";
  static constexpr auto gpu = cuda::UnaryOp::reciprocal;
};
struct rsqrt : fm::rsqrt {
  static constexpr const char* name = "rsqrt";
  static constexpr auto gpu = cuda::UnaryOp::rsqrt;
};
struct log1p : fm::log1p {
  static constexpr const char* name = "log1p";
  static constexpr auto gpu = cuda::UnaryOp::log1p;
};
struct expm1 : fm::expm1 {
  static constexpr const char* name = "expm1";
  static constexpr auto gpu = cuda::UnaryOp::expm1;
};
struct sin : fm::sin {
  static constexpr const char* name = "sin";
  static constexpr auto gpu = cuda::UnaryOp::sin;
};
struct cos : fm::cos {
  static constexpr const char* name = "cos";
  static constexpr auto gpu = cuda::UnaryOp::cos;
};
struct sign : fm::sign {
  static constexpr const char* name = "sign";
  static constexpr auto gpu = cuda::UnaryOp::sign;
};
// clip(x, a_min, a_max): the gradient passes where a_min <= x <= a_max (as MXNet).
struct clip {
  static constexpr const char* name = "clip";
  static constexpr auto gpu = cuda::UnaryOp::clip;
  double a_min = 0, a_max = 0;
  AttrMap attrs() const { return {{"a_max", attr::format(a_max)}, {"a_min", attr::format(a_min)}}; }
  template <class V>
  V f(V x) const {
    return fm::clip::f(x, bound<V>(a_min), bound<V>(a_max));
  }
  template <class V>
  V grad(V x, V y, V g) const {
    return fm::clip::grad(x, y, g, bound<V>(a_min), bound<V>(a_max));
  }

 private:
  template <class V>
  static V bound(double b) {
    return V(static_cast<scalar_of<V>>(b));
  }
};

// ---- binary: y = f(a, b); da = grad_a(a, b, y, g), db = grad_b(...) ----
struct elemwise_add : fm::add {
  static constexpr const char* name = "elemwise_add";
  static constexpr auto gpu = cuda::BinaryOp::add;
  static constexpr const char* hint = "_plus";
};
struct elemwise_sub : fm::sub {
  static constexpr const char* name = "elemwise_sub";
  static constexpr auto gpu = cuda::BinaryOp::sub;
  static constexpr const char* hint = "_minus";
};
struct elemwise_mul : fm::mul {
  static constexpr const char* name = "elemwise_mul";
  static constexpr auto gpu = cuda::BinaryOp::mul;
  static constexpr const char* hint = "_mul";
};
struct elemwise_div : fm::div {
  static constexpr const char* name = "elemwise_div";
  static constexpr auto gpu = cuda::BinaryOp::div;
  static constexpr const char* hint = "_div";
};
struct maximum : fm::maximum {
  static constexpr const char* name = "_maximum";
  static constexpr auto gpu = cuda::BinaryOp::maximum;
  static constexpr const char* hint = "_maximum";
};
struct minimum : fm::minimum {
  static constexpr const char* name = "_minimum";
  static constexpr auto gpu = cuda::BinaryOp::minimum;
  static constexpr const char* hint = "_minimum";
};
struct power : fm::power {
  static constexpr const char* name = "_power";
  static constexpr auto gpu = cuda::BinaryOp::power;
  static constexpr const char* hint = "_power";
};

// ---- with a scalar s: y = f(x, s); dx = grad(x, s, y, g), the formula's d/da ----
template <class F>
struct with_scalar : F {
  template <class V>
  static V grad(V x, V s, V y, V g) {
    return F::grad_a(x, s, y, g);
  }
};
struct plus_scalar : with_scalar<fm::add> {
  static constexpr const char* name = "_plus_scalar";
  static constexpr auto gpu = cuda::BinaryOp::add;
  static constexpr const char* hint = "_plusscalar";
};
struct minus_scalar : with_scalar<fm::sub> {
  static constexpr const char* name = "_minus_scalar";
  static constexpr auto gpu = cuda::BinaryOp::sub;
  static constexpr const char* hint = "_minusscalar";
};
struct rminus_scalar : with_scalar<fm::rsub> {
  static constexpr const char* name = "_rminus_scalar";
  static constexpr auto gpu = cuda::BinaryOp::rsub;
  static constexpr const char* hint = "_rminusscalar";
};
struct mul_scalar : with_scalar<fm::mul> {
  static constexpr const char* name = "_mul_scalar";
  static constexpr auto gpu = cuda::BinaryOp::mul;
  static constexpr const char* hint = "_mulscalar";
};
struct div_scalar : with_scalar<fm::div> {
  static constexpr const char* name = "_div_scalar";
  static constexpr auto gpu = cuda::BinaryOp::div;
  static constexpr const char* hint = "_divscalar";
};
struct rdiv_scalar : with_scalar<fm::rdiv> {
  static constexpr const char* name = "_rdiv_scalar";
  static constexpr auto gpu = cuda::BinaryOp::rdiv;
  static constexpr const char* hint = "_rdivscalar";
};
struct maximum_scalar : with_scalar<fm::maximum> {
  static constexpr const char* name = "_maximum_scalar";
  static constexpr auto gpu = cuda::BinaryOp::maximum;
  static constexpr const char* hint = "_maximumscalar";
};
struct minimum_scalar : with_scalar<fm::minimum> {
  static constexpr const char* name = "_minimum_scalar";
  static constexpr auto gpu = cuda::BinaryOp::minimum;
  static constexpr const char* hint = "_minimumscalar";
};
struct power_scalar : with_scalar<fm::power> {
  static constexpr const char* name = "_power_scalar";
  static constexpr auto gpu = cuda::BinaryOp::power;
  static constexpr const char* hint = "_powerscalar";
};
struct rpower_scalar : with_scalar<fm::rpower> {
  static constexpr const char* name = "_rpower_scalar";
  static constexpr auto gpu = cuda::BinaryOp::rpower;
  static constexpr const char* hint = "_rpowerscalar";
};

// ---- comparisons (1 or 0; zero gradient) of two arrays and with a scalar ----
struct equal : fm::equal {
  static constexpr const char* name = "_equal";
  static constexpr auto gpu = cuda::BinaryOp::equal;
  static constexpr const char* hint = "_equal";
};
struct not_equal : fm::not_equal {
  static constexpr const char* name = "_not_equal";
  static constexpr auto gpu = cuda::BinaryOp::not_equal;
  static constexpr const char* hint = "_not_equal";
};
struct greater : fm::greater {
  static constexpr const char* name = "_greater";
  static constexpr auto gpu = cuda::BinaryOp::greater;
  static constexpr const char* hint = "_greater";
};
struct greater_equal : fm::greater_equal {
  static constexpr const char* name = "_greater_equal";
  static constexpr auto gpu = cuda::BinaryOp::greater_equal;
  static constexpr const char* hint = "_greater_equal";
};
struct lesser : fm::lesser {
  static constexpr const char* name = "_lesser";
  static constexpr auto gpu = cuda::BinaryOp::lesser;
  static constexpr const char* hint = "_lesser";
};
struct lesser_equal : fm::lesser_equal {
  static constexpr const char* name = "_lesser_equal";
  static constexpr auto gpu = cuda::BinaryOp::lesser_equal;
  static constexpr const char* hint = "_lesser_equal";
};
struct equal_scalar : with_scalar<fm::equal> {
  static constexpr const char* name = "_equal_scalar";
  static constexpr auto gpu = cuda::BinaryOp::equal;
  static constexpr const char* hint = "_equal_scalar";
};
struct not_equal_scalar : with_scalar<fm::not_equal> {
  static constexpr const char* name = "_not_equal_scalar";
  static constexpr auto gpu = cuda::BinaryOp::not_equal;
  static constexpr const char* hint = "_not_equal_scalar";
};
struct greater_scalar : with_scalar<fm::greater> {
  static constexpr const char* name = "_greater_scalar";
  static constexpr auto gpu = cuda::BinaryOp::greater;
  static constexpr const char* hint = "_greater_scalar";
};
struct greater_equal_scalar : with_scalar<fm::greater_equal> {
  static constexpr const char* name = "_greater_equal_scalar";
  static constexpr auto gpu = cuda::BinaryOp::greater_equal;
  static constexpr const char* hint = "_greater_equal_scalar";
};
struct lesser_scalar : with_scalar<fm::lesser> {
  static constexpr const char* name = "_lesser_scalar";
  static constexpr auto gpu = cuda::BinaryOp::lesser;
  static constexpr const char* hint = "_lesser_scalar";
};
struct lesser_equal_scalar : with_scalar<fm::lesser_equal> {
  static constexpr const char* name = "_lesser_equal_scalar";
  static constexpr auto gpu = cuda::BinaryOp::lesser_equal;
  static constexpr const char* hint = "_lesser_equal_scalar";
};

}  // namespace SYMGRAD_NS::fn
