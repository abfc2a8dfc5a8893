// Elementwise math written once for scalars and xsimd batches: each functor has the forward value
// and its derivative. The runtime operators (elemwise.hpp) and the compile-time fused kernels
// (fused.hpp) both use these, so the two paths compute the same numbers.
#pragma once
#include <cmath>
#include <xsimd/xsimd.hpp>

#include "../cpu/simd.hpp"

namespace symgrad::fn {

using host::is_batch;

template <class V> V select_gt0(V x, V a, V b) {  // x > 0 ? a : b
  if constexpr (is_batch<V>::value) return xsimd::select(x > V(0), a, b);
  else return x > V(0) ? a : b;
}
template <class V> V sign(V x) {
  if constexpr (is_batch<V>::value)
    return xsimd::select(x > V(0), V(1), xsimd::select(x < V(0), V(-1), V(0)));
  else return x > V(0) ? V(1) : (x < V(0) ? V(-1) : V(0));
}
template <class V> V vexp(V x) { using std::exp; using xsimd::exp; return exp(x); }
template <class V> V vlog(V x) { using std::log; using xsimd::log; return log(x); }
template <class V> V vlog1p(V x) { using std::log1p; using xsimd::log1p; return log1p(x); }
template <class V> V vsqrt(V x) { using std::sqrt; using xsimd::sqrt; return sqrt(x); }
template <class V> V vabs(V x) { using std::abs; using xsimd::abs; return abs(x); }
template <class V> V vtanh(V x) { using std::tanh; using xsimd::tanh; return tanh(x); }

// ---- unary: y = f(x); dx = grad(x, y, g) ----
struct negative {
  static constexpr const char* name = "negative";
  template <class V> static V f(V x) { return -x; }
  template <class V> static V grad(V, V, V g) { return -g; }
};
struct square {
  static constexpr const char* name = "square";
  template <class V> static V f(V x) { return x * x; }
  template <class V> static V grad(V x, V, V g) { return V(2) * x * g; }
};
struct sqrt {
  static constexpr const char* name = "sqrt";
  template <class V> static V f(V x) { return vsqrt(x); }
  template <class V> static V grad(V, V y, V g) { return g / (V(2) * y); }
};
struct exp {
  static constexpr const char* name = "exp";
  template <class V> static V f(V x) { return vexp(x); }
  template <class V> static V grad(V, V y, V g) { return g * y; }
};
struct log {
  static constexpr const char* name = "log";
  template <class V> static V f(V x) { return vlog(x); }
  template <class V> static V grad(V x, V, V g) { return g / x; }
};
struct abs {
  static constexpr const char* name = "abs";
  template <class V> static V f(V x) { return vabs(x); }
  template <class V> static V grad(V x, V, V g) { return g * sign(x); }
};
// Activation's functions (MXNet's mshadow_op definitions).
struct relu {
  static constexpr const char* name = "relu";
  template <class V> static V f(V x) {  // NaN passes through, as max(x, 0) does in MXNet
    if constexpr (is_batch<V>::value) return xsimd::select(x < V(0), V(0), x);
    else return x < V(0) ? V(0) : x;
  }
  template <class V> static V grad(V, V y, V g) { return select_gt0(y, g, V(0)); }
};
struct sigmoid {
  static constexpr const char* name = "sigmoid";
  template <class V> static V f(V x) { return V(1) / (V(1) + vexp(-x)); }
  template <class V> static V grad(V, V y, V g) { return g * y * (V(1) - y); }
};
struct tanh {
  static constexpr const char* name = "tanh";
  template <class V> static V f(V x) { return vtanh(x); }
  template <class V> static V grad(V, V y, V g) { return g * (V(1) - y * y); }
};
struct softrelu {
  static constexpr const char* name = "softrelu";
  template <class V> static V f(V x) {
    if constexpr (is_batch<V>::value) return xsimd::select(x > V(20), x, vlog1p(vexp(x)));
    else return x > V(20) ? x : vlog1p(vexp(x));
  }
  template <class V> static V grad(V, V y, V g) { return g * (V(1) - vexp(-y)); }
};
struct softsign {
  static constexpr const char* name = "softsign";
  template <class V> static V f(V x) { return x / (V(1) + vabs(x)); }
  template <class V> static V grad(V x, V, V g) {
    V d = V(1) + vabs(x);
    return g / (d * d);
  }
};

// ---- binary: y = f(a, b); da = grad_a(a, b, y, g), db = grad_b(...) ----
struct elemwise_add {
  static constexpr const char* name = "elemwise_add";
  static constexpr const char* hint = "_plus";
  template <class V> static V f(V a, V b) { return a + b; }
  template <class V> static V grad_a(V, V, V, V g) { return g; }
  template <class V> static V grad_b(V, V, V, V g) { return g; }
};
struct elemwise_sub {
  static constexpr const char* name = "elemwise_sub";
  static constexpr const char* hint = "_minus";
  template <class V> static V f(V a, V b) { return a - b; }
  template <class V> static V grad_a(V, V, V, V g) { return g; }
  template <class V> static V grad_b(V, V, V, V g) { return -g; }
};
struct elemwise_mul {
  static constexpr const char* name = "elemwise_mul";
  static constexpr const char* hint = "_mul";
  template <class V> static V f(V a, V b) { return a * b; }
  template <class V> static V grad_a(V, V b, V, V g) { return g * b; }
  template <class V> static V grad_b(V a, V, V, V g) { return g * a; }
};
struct elemwise_div {
  static constexpr const char* name = "elemwise_div";
  static constexpr const char* hint = "_div";
  template <class V> static V f(V a, V b) { return a / b; }
  template <class V> static V grad_a(V, V b, V, V g) { return g / b; }
  template <class V> static V grad_b(V, V b, V y, V g) { return -g * y / b; }
};

// ---- with a scalar s: y = f(x, s); dx = grad(x, s, y, g) ----
struct plus_scalar {
  static constexpr const char* name = "_plus_scalar";
  static constexpr const char* hint = "_plusscalar";
  template <class V> static V f(V x, V s) { return x + s; }
  template <class V> static V grad(V, V, V, V g) { return g; }
};
struct minus_scalar {
  static constexpr const char* name = "_minus_scalar";
  static constexpr const char* hint = "_minusscalar";
  template <class V> static V f(V x, V s) { return x - s; }
  template <class V> static V grad(V, V, V, V g) { return g; }
};
struct rminus_scalar {
  static constexpr const char* name = "_rminus_scalar";
  static constexpr const char* hint = "_rminusscalar";
  template <class V> static V f(V x, V s) { return s - x; }
  template <class V> static V grad(V, V, V, V g) { return -g; }
};
struct mul_scalar {
  static constexpr const char* name = "_mul_scalar";
  static constexpr const char* hint = "_mulscalar";
  template <class V> static V f(V x, V s) { return x * s; }
  template <class V> static V grad(V, V s, V, V g) { return g * s; }
};
struct div_scalar {
  static constexpr const char* name = "_div_scalar";
  static constexpr const char* hint = "_divscalar";
  template <class V> static V f(V x, V s) { return x / s; }
  template <class V> static V grad(V, V s, V, V g) { return g / s; }
};
struct rdiv_scalar {
  static constexpr const char* name = "_rdiv_scalar";
  static constexpr const char* hint = "_rdivscalar";
  template <class V> static V f(V x, V s) { return s / x; }
  template <class V> static V grad(V x, V, V y, V g) { return -g * y / x; }
};

}  // namespace symgrad::fn
