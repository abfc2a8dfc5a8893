// Per-element bodies of the CUDA kernels for the elementwise operators: the unary and binary
// functions and their gradients, written once for host and device (see bodies.hpp), and the
// bodies that run them, a sum, a fill and a cast.
#pragma once
#include "bodies_base.hpp"

namespace SYMGRAD_NS::cuda {

template <UnaryOp Op, class T>
SYMGRAD_HD T unary_f(T x, T lo, T hi) {
  if constexpr (Op == UnaryOp::identity)
    return x;
  else if constexpr (Op == UnaryOp::negative)
    return -x;
  else if constexpr (Op == UnaryOp::square)
    return x * x;
  else if constexpr (Op == UnaryOp::sqrt)
    return m::sqrt(x);
  else if constexpr (Op == UnaryOp::exp)
    return m::exp(x);
  else if constexpr (Op == UnaryOp::log)
    return m::log(x);
  else if constexpr (Op == UnaryOp::abs)
    return m::abs(x);
  else if constexpr (Op == UnaryOp::relu)
    return x < T(0) ? T(0) : x;
  else if constexpr (Op == UnaryOp::sigmoid)
    return T(1) / (T(1) + m::exp(-x));
  else if constexpr (Op == UnaryOp::tanh)
    return m::tanh(x);
  else if constexpr (Op == UnaryOp::softrelu)
    return x > T(20) ? x : m::log1p(m::exp(x));
  else if constexpr (Op == UnaryOp::softsign)
    return x / (T(1) + m::abs(x));
  else if constexpr (Op == UnaryOp::reciprocal)
    return T(1) / x;
  else if constexpr (Op == UnaryOp::rsqrt)
    return T(1) / m::sqrt(x);
  else if constexpr (Op == UnaryOp::log1p)
    return m::log1p(x);
  else if constexpr (Op == UnaryOp::expm1)
    return m::expm1(x);
  else if constexpr (Op == UnaryOp::sin)
    return m::sin(x);
  else if constexpr (Op == UnaryOp::cos)
    return m::cos(x);
  else if constexpr (Op == UnaryOp::sign)
    return m::sign(x);
  else
    return x < lo ? lo : (x > hi ? hi : x);  // clip
}
// d/dx given x, y = f(x) and the incoming gradient g.
template <UnaryOp Op, class T>
SYMGRAD_HD T unary_grad(T x, T y, T g, T lo, T hi) {
  if constexpr (Op == UnaryOp::identity)
    return g;
  else if constexpr (Op == UnaryOp::negative)
    return -g;
  else if constexpr (Op == UnaryOp::square)
    return T(2) * x * g;
  else if constexpr (Op == UnaryOp::sqrt)
    return g / (T(2) * y);
  else if constexpr (Op == UnaryOp::exp)
    return g * y;
  else if constexpr (Op == UnaryOp::log)
    return g / x;
  else if constexpr (Op == UnaryOp::abs)
    return g * m::sign(x);
  else if constexpr (Op == UnaryOp::relu)
    return y > T(0) ? g : T(0);
  else if constexpr (Op == UnaryOp::sigmoid)
    return g * y * (T(1) - y);
  else if constexpr (Op == UnaryOp::tanh)
    return g * (T(1) - y * y);
  else if constexpr (Op == UnaryOp::softrelu)
    return g * (T(1) - m::exp(-y));
  else if constexpr (Op == UnaryOp::softsign) {
    T d = T(1) + m::abs(x);
    return g / (d * d);
  } else if constexpr (Op == UnaryOp::reciprocal)
    return -g * y * y;
  else if constexpr (Op == UnaryOp::rsqrt)
    return T(-0.5) * g * y / x;
  else if constexpr (Op == UnaryOp::log1p)
    return g / (T(1) + x);
  else if constexpr (Op == UnaryOp::expm1)
    return g * (y + T(1));
  else if constexpr (Op == UnaryOp::sin)
    return g * m::cos(x);
  else if constexpr (Op == UnaryOp::cos)
    return -g * m::sin(x);
  else if constexpr (Op == UnaryOp::sign)
    return T(0);
  else
    return (x >= lo && x <= hi) ? g : T(0);  // clip
}

template <BinaryOp Op, class T>
SYMGRAD_HD T binary_f(T a, T b) {
  if constexpr (Op == BinaryOp::add)
    return a + b;
  else if constexpr (Op == BinaryOp::sub)
    return a - b;
  else if constexpr (Op == BinaryOp::mul)
    return a * b;
  else if constexpr (Op == BinaryOp::div)
    return a / b;
  else if constexpr (Op == BinaryOp::maximum)
    return m::max(a, b);
  else if constexpr (Op == BinaryOp::minimum)
    return m::min(a, b);
  else if constexpr (Op == BinaryOp::power)
    return m::pow(a, b);
  else if constexpr (Op == BinaryOp::rsub)
    return b - a;
  else if constexpr (Op == BinaryOp::rdiv)
    return b / a;
  else
    return m::pow(b, a);  // rpower
}
// d/da and d/db given a, b, y = f(a, b) and g.
template <BinaryOp Op, class T>
SYMGRAD_HD T binary_grad_a(T a, T b, T y, T g) {
  if constexpr (Op == BinaryOp::add || Op == BinaryOp::sub)
    return g;
  else if constexpr (Op == BinaryOp::mul)
    return g * b;
  else if constexpr (Op == BinaryOp::div)
    return g / b;
  else if constexpr (Op == BinaryOp::maximum)
    return a >= b ? g : T(0);
  else if constexpr (Op == BinaryOp::minimum)
    return b >= a ? g : T(0);
  else if constexpr (Op == BinaryOp::power)
    return g * b * m::pow(a, b - T(1));
  else if constexpr (Op == BinaryOp::rsub)
    return -g;
  else if constexpr (Op == BinaryOp::rdiv)
    return -g * y / a;
  else
    return g * y * m::log(b);  // rpower: d(b^a)/da
}
template <BinaryOp Op, class T>
SYMGRAD_HD T binary_grad_b(T a, T b, T y, T g) {
  if constexpr (Op == BinaryOp::add)
    return g;
  else if constexpr (Op == BinaryOp::sub)
    return -g;
  else if constexpr (Op == BinaryOp::mul)
    return g * a;
  else if constexpr (Op == BinaryOp::div)
    return -g * y / b;
  else if constexpr (Op == BinaryOp::maximum)
    return b > a ? g : T(0);
  else if constexpr (Op == BinaryOp::minimum)
    return a > b ? g : T(0);
  else if constexpr (Op == BinaryOp::power)
    return g * y * m::log(a);
  else if constexpr (Op == BinaryOp::rsub)
    return g;
  else if constexpr (Op == BinaryOp::rdiv)
    return g / a;
  else
    return g * a * m::pow(b, a - T(1));  // rpower
}

// ---- elementwise bodies: operator()(i) does element i ----

template <UnaryOp Op, class T>
struct UnaryBody {
  const T* x;
  T* y;
  T lo, hi;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const { store(y + i, unary_f<Op>(x[i], lo, hi), req); }
};
template <UnaryOp Op, class T>
struct UnaryGradBody {
  const T *g, *x, *y;
  T* dx;
  T lo, hi;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    // x or y may be absent (null) when the function does not need it
    T xi = x ? x[i] : T(0), yi = y ? y[i] : T(0);
    store(dx + i, unary_grad<Op>(xi, yi, g[i], lo, hi), req);
  }
};
// a op b; a scalar operand is given as b_scalar with b == nullptr.
template <BinaryOp Op, class T>
struct BinaryBody {
  const T *a, *b;
  T b_scalar;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const { store(y + i, binary_f<Op>(a[i], b ? b[i] : b_scalar), req); }
};
template <BinaryOp Op, class T>
struct BinaryGradBody {
  const T *g, *a, *b, *y;
  T b_scalar;
  T *da, *db;
  OpReq req_a, req_b;
  SYMGRAD_HD void operator()(index_t i) const {
    T bi = b ? b[i] : b_scalar, yi = y ? y[i] : T(0);
    if (da) store(da + i, binary_grad_a<Op>(a[i], bi, yi, g[i]), req_a);
    if (db) store(db + i, binary_grad_b<Op>(a[i], bi, yi, g[i]), req_b);
  }
};
// Sum of up to 8 arrays (add_n and gradient sums).
template <class T>
struct SumBody {
  const T* x[8];
  int count;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    T s = x[0][i];
    for (int k = 1; k < count; ++k) s += x[k][i];
    store(y + i, s, req);
  }
};
template <class T>
struct FillBody {
  T* y;
  T v;
  SYMGRAD_HD void operator()(index_t i) const { y[i] = v; }
};
template <class S, class D>
struct CastBody {
  const S* x;
  D* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const { store(y + i, static_cast<D>(x[i]), req); }
};

}  // namespace SYMGRAD_NS::cuda
