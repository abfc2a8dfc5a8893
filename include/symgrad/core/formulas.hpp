// The elementwise functions' formulas, each written once: the CPU operators and the fused typed
// kernels (ops/functors.hpp, on scalars and xsimd batches) and the CUDA kernels
// (cuda/bodies_elemwise.hpp, on scalars on the device) all compute these. A formula is a
// template over a value type V that uses only arithmetic and the primitives of core/hd_math.hpp.
#pragma once
#include "hd_math.hpp"

namespace SYMGRAD_NS::fm {

// ---- unary: y = f(x); dx = grad(x, y, g) for the incoming gradient g ----
struct identity {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return x;
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V, V g) {
    return g;
  }
};
struct negative {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return -x;
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V, V g) {
    return -g;
  }
};
struct square {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return x * x;
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g) {
    return V(2) * x * g;
  }
};
struct sqrt {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vsqrt(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return g / (V(2) * y);
  }
};
struct exp {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vexp(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return g * y;
  }
};
struct log {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vlog(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g) {
    return g / x;
  }
};
struct abs {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vabs(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g) {
    return g * vsign(x);
  }
};
struct relu {
  // NaN passes through, as max(x, 0) does in MXNet
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return if_lt(x, V(0), V(0), x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return if_gt(y, V(0), g, V(0));
  }
};
struct sigmoid {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return V(1) / (V(1) + vexp(-x));
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return g * y * (V(1) - y);
  }
};
struct tanh {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vtanh(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return g * (V(1) - y * y);
  }
};
struct softrelu {
  // log(1 + e^x), x itself above 20 (MXNet's threshold)
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return if_gt(x, V(20), x, vlog1p(vexp(x)));
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return g * (V(1) - vexp(-y));
  }
};
struct softsign {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return x / (V(1) + vabs(x));
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g) {
    return g / ((V(1) + vabs(x)) * (V(1) + vabs(x)));
  }
};
struct reciprocal {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return V(1) / x;
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return -g * y * y;
  }
};
struct rsqrt {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return V(1) / vsqrt(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V y, V g) {
    return V(-0.5) * g * y / x;
  }
};
struct log1p {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vlog1p(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g) {
    return g / (V(1) + x);
  }
};
struct expm1 {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vexpm1(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V y, V g) {
    return g * (y + V(1));
  }
};
struct sin {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vsin(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g) {
    return g * vcos(x);
  }
};
struct cos {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vcos(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g) {
    return -g * vsin(x);
  }
};
struct sign {
  template <class V>
  SYMGRAD_HD static V f(V x) {
    return vsign(x);
  }
  template <class V>
  SYMGRAD_HD static V grad(V, V, V) {
    return V(0);
  }
};
// clip to [lo, hi]: NaN passes through; the gradient passes where lo <= x <= hi (as MXNet).
struct clip {
  template <class V>
  SYMGRAD_HD static V f(V x, V lo, V hi) {
    return if_lt(x, lo, lo, if_gt(x, hi, hi, x));
  }
  template <class V>
  SYMGRAD_HD static V grad(V x, V, V g, V lo, V hi) {
    return if_ge(x, lo, if_ge(hi, x, g, V(0)), V(0));
  }
};

// ---- binary: y = f(a, b); da = grad_a(a, b, y, g), db = grad_b(a, b, y, g). The r* forms
// swap the operands (rsub: b - a), for a scalar on the left. ----
struct add {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return a + b;
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V, V, V, V g) {
    return g;
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V, V, V, V g) {
    return g;
  }
};
struct sub {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return a - b;
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V, V, V, V g) {
    return g;
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V, V, V, V g) {
    return -g;
  }
};
struct mul {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return a * b;
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V, V b, V, V g) {
    return g * b;
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V a, V, V, V g) {
    return g * a;
  }
};
struct div {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return a / b;
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V, V b, V, V g) {
    return g / b;
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V, V b, V y, V g) {
    return -g * y / b;
  }
};
struct maximum {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return vmax(a, b);
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V a, V b, V, V g) {
    return if_ge(a, b, g, V(0));
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V a, V b, V, V g) {
    return if_gt(b, a, g, V(0));
  }
};
struct minimum {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return vmin(a, b);
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V a, V b, V, V g) {
    return if_ge(b, a, g, V(0));
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V a, V b, V, V g) {
    return if_gt(a, b, g, V(0));
  }
};
struct power {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return vpow(a, b);
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V a, V b, V, V g) {
    return g * b * vpow(a, b - V(1));
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V a, V, V y, V g) {
    return g * y * vlog(a);
  }
};
struct rsub {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return b - a;
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V, V, V, V g) {
    return -g;
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V, V, V, V g) {
    return g;
  }
};
struct rdiv {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return b / a;
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V a, V, V y, V g) {
    return -g * y / a;
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V a, V, V, V g) {
    return g / a;
  }
};
struct rpower {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return vpow(b, a);
  }
  template <class V>
  SYMGRAD_HD static V grad_a(V, V b, V y, V g) {
    return g * y * vlog(b);
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V a, V b, V, V g) {
    return g * a * vpow(b, a - V(1));
  }
};

// ---- comparisons: 1 where the relation holds, else 0 (NaN compares false, so not_equal gives
// 1); the gradient is zero, as in MXNet ----
// What every comparison shares: no gradient for either input.
struct comparison {
  template <class V>
  SYMGRAD_HD static V grad_a(V, V, V, V) {
    return V(0);
  }
  template <class V>
  SYMGRAD_HD static V grad_b(V, V, V, V) {
    return V(0);
  }
};
struct equal : comparison {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return if_eq(a, b, V(1), V(0));
  }
};
struct not_equal : comparison {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return if_eq(a, b, V(0), V(1));
  }
};
struct greater : comparison {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return if_gt(a, b, V(1), V(0));
  }
};
struct greater_equal : comparison {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return if_ge(a, b, V(1), V(0));
  }
};
struct lesser : comparison {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return if_lt(a, b, V(1), V(0));
  }
};
struct lesser_equal : comparison {
  template <class V>
  SYMGRAD_HD static V f(V a, V b) {
    return if_ge(b, a, V(1), V(0));
  }
};

}  // namespace SYMGRAD_NS::fm
