// Elementwise math written once for scalars and xsimd batches: each functor has the forward value
// and its derivative. The runtime operators (elemwise.hpp) and the compile-time fused kernels
// (fused.hpp) both use these, so the two paths compute the same numbers.
#pragma once
#include <cmath>
#include <xsimd/xsimd.hpp>

#include "../core/attrs.hpp"
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

template <class V>
V ge_mask(V a, V b, V g) {  // a >= b ? g : 0
  if constexpr (is_batch<V>::value)
    return xsimd::select(a >= b, g, V(0));
  else
    return a >= b ? g : V(0);
}
template <class V>
V gt_mask(V a, V b, V g) {  // a > b ? g : 0
  if constexpr (is_batch<V>::value)
    return xsimd::select(a > b, g, V(0));
  else
    return a > b ? g : V(0);
}
template <class V>
V vmax(V a, V b) {
  if constexpr (is_batch<V>::value)
    return xsimd::max(a, b);
  else
    return a > b ? a : b;
}
template <class V>
V vmin(V a, V b) {
  if constexpr (is_batch<V>::value)
    return xsimd::min(a, b);
  else
    return a < b ? a : b;
}
template <class V>
V vpow(V a, V b) {
  using std::pow;
  using xsimd::pow;
  return pow(a, b);
}

template <class V>
V select_gt0(V x, V a, V b) {  // x > 0 ? a : b
  if constexpr (is_batch<V>::value)
    return xsimd::select(x > V(0), a, b);
  else
    return x > V(0) ? a : b;
}
template <class V>
V vsign(V x) {
  if constexpr (is_batch<V>::value)
    return xsimd::select(x > V(0), V(1), xsimd::select(x < V(0), V(-1), V(0)));
  else
    return x > V(0) ? V(1) : (x < V(0) ? V(-1) : V(0));
}
template <class V>
V vexp(V x) {
  using std::exp;
  using xsimd::exp;
  return exp(x);
}
template <class V>
V vlog(V x) {
  using std::log;
  using xsimd::log;
  return log(x);
}
template <class V>
V vlog1p(V x) {
  using std::log1p;
  using xsimd::log1p;
  return log1p(x);
}
template <class V>
V vsqrt(V x) {
  using std::sqrt;
  using xsimd::sqrt;
  return sqrt(x);
}
template <class V>
V vabs(V x) {
  using std::abs;
  using xsimd::abs;
  return abs(x);
}
template <class V>
V vtanh(V x) {
  using std::tanh;
  using xsimd::tanh;
  return tanh(x);
}

// ---- unary: y = f(x); dx = grad(x, y, g) ----
struct negative {
  static constexpr const char* name = "negative";
  static constexpr auto gpu = cuda::UnaryOp::negative;  // the CUDA kernel's code
  template <class V>
  static V f(V x) {
    return -x;
  }
  template <class V>
  static V grad(V, V, V g) {
    return -g;
  }
};
struct square {
  static constexpr const char* name = "square";
  static constexpr auto gpu = cuda::UnaryOp::square;
  template <class V>
  static V f(V x) {
    return x * x;
  }
  template <class V>
  static V grad(V x, V, V g) {
    return V(2) * x * g;
  }
};
struct sqrt {
  static constexpr const char* name = "sqrt";
  static constexpr auto gpu = cuda::UnaryOp::sqrt;
  template <class V>
  static V f(V x) {
    return vsqrt(x);
  }
  template <class V>
  static V grad(V, V y, V g) {
    return g / (V(2) * y);
  }
};
struct exp {
  static constexpr const char* name = "exp";
  static constexpr auto gpu = cuda::UnaryOp::exp;
  template <class V>
  static V f(V x) {
    return vexp(x);
  }
  template <class V>
  static V grad(V, V y, V g) {
    return g * y;
  }
};
struct log {
  static constexpr const char* name = "log";
  static constexpr auto gpu = cuda::UnaryOp::log;
  template <class V>
  static V f(V x) {
    return vlog(x);
  }
  template <class V>
  static V grad(V x, V, V g) {
    return g / x;
  }
};
struct abs {
  static constexpr const char* name = "abs";
  static constexpr auto gpu = cuda::UnaryOp::abs;
  template <class V>
  static V f(V x) {
    return vabs(x);
  }
  template <class V>
  static V grad(V x, V, V g) {
    return g * vsign(x);
  }
};
// Activation's functions (MXNet's mshadow_op definitions).
struct relu {
  static constexpr const char* name = "relu";
  static constexpr auto gpu = cuda::UnaryOp::relu;
  template <class V>
  static V f(V x) {  // NaN passes through, as max(x, 0) does in MXNet
    if constexpr (is_batch<V>::value)
      return xsimd::select(x < V(0), V(0), x);
    else
      return x < V(0) ? V(0) : x;
  }
  template <class V>
  static V grad(V, V y, V g) {
    return select_gt0(y, g, V(0));
  }
};
struct sigmoid {
  static constexpr const char* name = "sigmoid";
  static constexpr auto gpu = cuda::UnaryOp::sigmoid;
  template <class V>
  static V f(V x) {
    return V(1) / (V(1) + vexp(-x));
  }
  template <class V>
  static V grad(V, V y, V g) {
    return g * y * (V(1) - y);
  }
};
struct tanh {
  static constexpr const char* name = "tanh";
  static constexpr auto gpu = cuda::UnaryOp::tanh;
  template <class V>
  static V f(V x) {
    return vtanh(x);
  }
  template <class V>
  static V grad(V, V y, V g) {
    return g * (V(1) - y * y);
  }
};
struct softrelu {
  static constexpr const char* name = "softrelu";
  static constexpr auto gpu = cuda::UnaryOp::softrelu;
  template <class V>
  static V f(V x) {
    if constexpr (is_batch<V>::value)
      return xsimd::select(x > V(20), x, vlog1p(vexp(x)));
    else
      return x > V(20) ? x : vlog1p(vexp(x));
  }
  template <class V>
  static V grad(V, V y, V g) {
    return g * (V(1) - vexp(-y));
  }
};
struct softsign {
  static constexpr const char* name = "softsign";
  static constexpr auto gpu = cuda::UnaryOp::softsign;
  template <class V>
  static V f(V x) {
    return x / (V(1) + vabs(x));
  }
  template <class V>
  static V grad(V x, V, V g) {
    V d = V(1) + vabs(x);
    return g / (d * d);
  }
};

struct reciprocal {
  static constexpr const char* name = "reciprocal";
  static constexpr auto gpu = cuda::UnaryOp::reciprocal;
  template <class V>
  static V f(V x) {
    return V(1) / x;
  }
  template <class V>
  static V grad(V, V y, V g) {
    return -g * y * y;
  }
};
struct rsqrt {
  static constexpr const char* name = "rsqrt";
  static constexpr auto gpu = cuda::UnaryOp::rsqrt;
  template <class V>
  static V f(V x) {
    return V(1) / vsqrt(x);
  }
  template <class V>
  static V grad(V x, V y, V g) {
    return V(-0.5) * g * y / x;
  }
};
struct log1p {
  static constexpr const char* name = "log1p";
  static constexpr auto gpu = cuda::UnaryOp::log1p;
  template <class V>
  static V f(V x) {
    return vlog1p(x);
  }
  template <class V>
  static V grad(V x, V, V g) {
    return g / (V(1) + x);
  }
};
struct expm1 {
  static constexpr const char* name = "expm1";
  static constexpr auto gpu = cuda::UnaryOp::expm1;
  template <class V>
  static V f(V x) {
    using std::expm1;
    using xsimd::expm1;
    return expm1(x);
  }
  template <class V>
  static V grad(V, V y, V g) {
    return g * (y + V(1));
  }
};
struct sin {
  static constexpr const char* name = "sin";
  static constexpr auto gpu = cuda::UnaryOp::sin;
  template <class V>
  static V f(V x) {
    using std::sin;
    using xsimd::sin;
    return sin(x);
  }
  template <class V>
  static V grad(V x, V, V g) {
    using std::cos;
    using xsimd::cos;
    return g * cos(x);
  }
};
struct cos {
  static constexpr const char* name = "cos";
  static constexpr auto gpu = cuda::UnaryOp::cos;
  template <class V>
  static V f(V x) {
    using std::cos;
    using xsimd::cos;
    return cos(x);
  }
  template <class V>
  static V grad(V x, V, V g) {
    using std::sin;
    using xsimd::sin;
    return -g * sin(x);
  }
};
struct sign {
  static constexpr const char* name = "sign";
  static constexpr auto gpu = cuda::UnaryOp::sign;
  template <class V>
  static V f(V x) {
    return vsign(x);
  }
  template <class V>
  static V grad(V, V, V) {
    return V(0);
  }
};
// clip(x, a_min, a_max): the gradient passes where a_min <= x <= a_max (as MXNet).
struct clip {
  static constexpr const char* name = "clip";
  static constexpr auto gpu = cuda::UnaryOp::clip;
  double a_min = 0, a_max = 0;
  AttrMap attrs() const { return {{"a_max", attr::format(a_max)}, {"a_min", attr::format(a_min)}}; }
  template <class V>
  V f(V x) const {
    V lo(static_cast<scalar_of<V>>(a_min)), hi(static_cast<scalar_of<V>>(a_max));
    if constexpr (is_batch<V>::value)
      return xsimd::min(xsimd::max(x, lo), hi);
    else
      return x < lo ? lo : (x > hi ? hi : x);
  }
  template <class V>
  V grad(V x, V, V g) const {
    V lo(static_cast<scalar_of<V>>(a_min)), hi(static_cast<scalar_of<V>>(a_max));
    if constexpr (is_batch<V>::value)
      return xsimd::select((x >= lo) && (x <= hi), g, V(0));
    else
      return (x >= lo && x <= hi) ? g : V(0);
  }
};

// ---- binary: y = f(a, b); da = grad_a(a, b, y, g), db = grad_b(...) ----
struct elemwise_add {
  static constexpr const char* name = "elemwise_add";
  static constexpr auto gpu = cuda::BinaryOp::add;
  static constexpr const char* hint = "_plus";
  template <class V>
  static V f(V a, V b) {
    return a + b;
  }
  template <class V>
  static V grad_a(V, V, V, V g) {
    return g;
  }
  template <class V>
  static V grad_b(V, V, V, V g) {
    return g;
  }
};
struct elemwise_sub {
  static constexpr const char* name = "elemwise_sub";
  static constexpr auto gpu = cuda::BinaryOp::sub;
  static constexpr const char* hint = "_minus";
  template <class V>
  static V f(V a, V b) {
    return a - b;
  }
  template <class V>
  static V grad_a(V, V, V, V g) {
    return g;
  }
  template <class V>
  static V grad_b(V, V, V, V g) {
    return -g;
  }
};
struct elemwise_mul {
  static constexpr const char* name = "elemwise_mul";
  static constexpr auto gpu = cuda::BinaryOp::mul;
  static constexpr const char* hint = "_mul";
  template <class V>
  static V f(V a, V b) {
    return a * b;
  }
  template <class V>
  static V grad_a(V, V b, V, V g) {
    return g * b;
  }
  template <class V>
  static V grad_b(V a, V, V, V g) {
    return g * a;
  }
};
struct elemwise_div {
  static constexpr const char* name = "elemwise_div";
  static constexpr auto gpu = cuda::BinaryOp::div;
  static constexpr const char* hint = "_div";
  template <class V>
  static V f(V a, V b) {
    return a / b;
  }
  template <class V>
  static V grad_a(V, V b, V, V g) {
    return g / b;
  }
  template <class V>
  static V grad_b(V, V b, V y, V g) {
    return -g * y / b;
  }
};

struct maximum {
  static constexpr const char* name = "_maximum";
  static constexpr auto gpu = cuda::BinaryOp::maximum;
  static constexpr const char* hint = "_maximum";
  template <class V>
  static V f(V a, V b) {
    return vmax(a, b);
  }
  template <class V>
  static V grad_a(V a, V b, V, V g) {
    return ge_mask(a, b, g);
  }
  template <class V>
  static V grad_b(V a, V b, V, V g) {
    return gt_mask(b, a, g);
  }
};
struct minimum {
  static constexpr const char* name = "_minimum";
  static constexpr auto gpu = cuda::BinaryOp::minimum;
  static constexpr const char* hint = "_minimum";
  template <class V>
  static V f(V a, V b) {
    return vmin(a, b);
  }
  template <class V>
  static V grad_a(V a, V b, V, V g) {
    return ge_mask(b, a, g);
  }
  template <class V>
  static V grad_b(V a, V b, V, V g) {
    return gt_mask(a, b, g);
  }
};
struct power {
  static constexpr const char* name = "_power";
  static constexpr auto gpu = cuda::BinaryOp::power;
  static constexpr const char* hint = "_power";
  template <class V>
  static V f(V a, V b) {
    return vpow(a, b);
  }
  template <class V>
  static V grad_a(V a, V b, V, V g) {
    return g * b * vpow(a, b - V(1));
  }
  template <class V>
  static V grad_b(V a, V, V y, V g) {
    return g * y * vlog(a);
  }
};

// ---- with a scalar s: y = f(x, s); dx = grad(x, s, y, g) ----
struct plus_scalar {
  static constexpr const char* name = "_plus_scalar";
  static constexpr auto gpu = cuda::BinaryOp::add;
  static constexpr const char* hint = "_plusscalar";
  template <class V>
  static V f(V x, V s) {
    return x + s;
  }
  template <class V>
  static V grad(V, V, V, V g) {
    return g;
  }
};
struct minus_scalar {
  static constexpr const char* name = "_minus_scalar";
  static constexpr auto gpu = cuda::BinaryOp::sub;
  static constexpr const char* hint = "_minusscalar";
  template <class V>
  static V f(V x, V s) {
    return x - s;
  }
  template <class V>
  static V grad(V, V, V, V g) {
    return g;
  }
};
struct rminus_scalar {
  static constexpr const char* name = "_rminus_scalar";
  static constexpr auto gpu = cuda::BinaryOp::rsub;
  static constexpr const char* hint = "_rminusscalar";
  template <class V>
  static V f(V x, V s) {
    return s - x;
  }
  template <class V>
  static V grad(V, V, V, V g) {
    return -g;
  }
};
struct mul_scalar {
  static constexpr const char* name = "_mul_scalar";
  static constexpr auto gpu = cuda::BinaryOp::mul;
  static constexpr const char* hint = "_mulscalar";
  template <class V>
  static V f(V x, V s) {
    return x * s;
  }
  template <class V>
  static V grad(V, V s, V, V g) {
    return g * s;
  }
};
struct div_scalar {
  static constexpr const char* name = "_div_scalar";
  static constexpr auto gpu = cuda::BinaryOp::div;
  static constexpr const char* hint = "_divscalar";
  template <class V>
  static V f(V x, V s) {
    return x / s;
  }
  template <class V>
  static V grad(V, V s, V, V g) {
    return g / s;
  }
};
struct rdiv_scalar {
  static constexpr const char* name = "_rdiv_scalar";
  static constexpr auto gpu = cuda::BinaryOp::rdiv;
  static constexpr const char* hint = "_rdivscalar";
  template <class V>
  static V f(V x, V s) {
    return s / x;
  }
  template <class V>
  static V grad(V x, V, V y, V g) {
    return -g * y / x;
  }
};

struct maximum_scalar {
  static constexpr const char* name = "_maximum_scalar";
  static constexpr auto gpu = cuda::BinaryOp::maximum;
  static constexpr const char* hint = "_maximumscalar";
  template <class V>
  static V f(V x, V s) {
    return vmax(x, s);
  }
  template <class V>
  static V grad(V x, V s, V, V g) {
    return ge_mask(x, s, g);
  }
};
struct minimum_scalar {
  static constexpr const char* name = "_minimum_scalar";
  static constexpr auto gpu = cuda::BinaryOp::minimum;
  static constexpr const char* hint = "_minimumscalar";
  template <class V>
  static V f(V x, V s) {
    return vmin(x, s);
  }
  template <class V>
  static V grad(V x, V s, V, V g) {
    return ge_mask(s, x, g);
  }
};
struct power_scalar {
  static constexpr const char* name = "_power_scalar";
  static constexpr auto gpu = cuda::BinaryOp::power;
  static constexpr const char* hint = "_powerscalar";
  template <class V>
  static V f(V x, V s) {
    return vpow(x, s);
  }
  template <class V>
  static V grad(V x, V s, V, V g) {
    return g * s * vpow(x, s - V(1));
  }
};
struct rpower_scalar {
  static constexpr const char* name = "_rpower_scalar";
  static constexpr auto gpu = cuda::BinaryOp::rpower;
  static constexpr const char* hint = "_rpowerscalar";
  template <class V>
  static V f(V x, V s) {
    return vpow(s, x);
  }
  template <class V>
  static V grad(V, V s, V y, V g) {
    return g * y * vlog(s);
  }
};

}  // namespace SYMGRAD_NS::fn
