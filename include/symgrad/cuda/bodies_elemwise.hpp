// Per-element bodies of the CUDA kernels for the elementwise operators: the unary and binary
// functions and their gradients by code (the formulas of core/formulas.hpp, which the CPU
// functors use too), the bodies that run them, a sum, a fill and a cast.
#pragma once
#include <cstddef>
#include <tuple>

#include "../core/formulas.hpp"
#include "bodies_base.hpp"

namespace SYMGRAD_NS::cuda {

// The formulas (core/formulas.hpp) in the order of the codes (cuda/codes.hpp); test_gpu_bodies
// checks every code against the CPU operator of the same name.
using UnaryFormulas = std::tuple<fm::identity, fm::negative, fm::square, fm::sqrt, fm::exp, fm::log, fm::abs,
                                 fm::relu, fm::sigmoid, fm::tanh, fm::softrelu, fm::softsign, fm::reciprocal,
                                 fm::rsqrt, fm::log1p, fm::expm1, fm::sin, fm::cos, fm::sign, fm::clip>;
using BinaryFormulas = std::tuple<fm::add, fm::sub, fm::mul, fm::div, fm::maximum, fm::minimum, fm::power,
                                  fm::rsub, fm::rdiv, fm::rpower, fm::equal, fm::not_equal, fm::greater,
                                  fm::greater_equal, fm::lesser, fm::lesser_equal>;
static_assert(std::tuple_size_v<UnaryFormulas> == static_cast<int>(UnaryOp::clip) + 1);
static_assert(std::tuple_size_v<BinaryFormulas> == static_cast<int>(BinaryOp::lesser_equal) + 1);
template <UnaryOp Op>
using UnaryFormula = std::tuple_element_t<static_cast<std::size_t>(Op), UnaryFormulas>;
template <BinaryOp Op>
using BinaryFormula = std::tuple_element_t<static_cast<std::size_t>(Op), BinaryFormulas>;

// y = f(x); clip's bounds lo, hi (unused by the other functions).
template <UnaryOp Op, class T>
SYMGRAD_HD T unary_f(T x, T lo, T hi) {
  if constexpr (Op == UnaryOp::clip)
    return fm::clip::f(x, lo, hi);
  else
    return UnaryFormula<Op>::f(x);
}
// d/dx given x, y = f(x) and the incoming gradient g.
template <UnaryOp Op, class T>
SYMGRAD_HD T unary_grad(T x, T y, T g, T lo, T hi) {
  if constexpr (Op == UnaryOp::clip)
    return fm::clip::grad(x, y, g, lo, hi);
  else
    return UnaryFormula<Op>::grad(x, y, g);
}
template <BinaryOp Op, class T>
SYMGRAD_HD T binary_f(T a, T b) {
  return BinaryFormula<Op>::f(a, b);
}
// d/da and d/db given a, b, y = f(a, b) and g.
template <BinaryOp Op, class T>
SYMGRAD_HD T binary_grad_a(T a, T b, T y, T g) {
  return BinaryFormula<Op>::grad_a(a, b, y, g);
}
template <BinaryOp Op, class T>
SYMGRAD_HD T binary_grad_b(T a, T b, T y, T g) {
  return BinaryFormula<Op>::grad_b(a, b, y, g);
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
