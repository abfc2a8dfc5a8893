// Per-element bodies of the CUDA kernels for sum and mean reductions and their gradients (see
// bodies.hpp).
#pragma once
#include "bodies_base.hpp"

namespace SYMGRAD_NS::cuda {

// ---- reductions: out[o] = sum (or mean) over the reduced coordinates of in ----
// `kept` holds the output coordinates (their sizes and input strides), `red` the reduced ones.
struct ReduceIndex {
  int nkept = 0, nred = 0;
  index_t kept_shape[kMaxDims] = {}, kept_stride[kMaxDims] = {};
  index_t red_shape[kMaxDims] = {}, red_stride[kMaxDims] = {};
  index_t red_size = 1;
  SYMGRAD_HD index_t base(index_t o) const {
    index_t off = 0;
    for (int d = nkept - 1; d >= 0; --d) {
      off += (o % kept_shape[d]) * kept_stride[d];
      o /= kept_shape[d];
    }
    return off;
  }
  SYMGRAD_HD index_t inner(index_t r) const {
    index_t off = 0;
    for (int d = nred - 1; d >= 0; --d) {
      off += (r % red_shape[d]) * red_stride[d];
      r /= red_shape[d];
    }
    return off;
  }
};
enum class ReduceOp : int { sum, mean, max, min, prod };
template <ReduceOp Op, class T>
struct ReduceBody {
  ReduceIndex ix;
  const T* x;
  T* y;
  T scale;  // multiplies the sum (mean: 1/n; sum of gradients: 1)
  OpReq req;
  SYMGRAD_HD void operator()(index_t o) const {
    index_t b = ix.base(o);
    T acc = x[b + ix.inner(0)];
    for (index_t r = 1; r < ix.red_size; ++r) {
      T v = x[b + ix.inner(r)];
      if constexpr (Op == ReduceOp::sum || Op == ReduceOp::mean)
        acc += v;
      else if constexpr (Op == ReduceOp::max)
        acc = v > acc || v != v ? v : acc;
      else if constexpr (Op == ReduceOp::min)
        acc = v < acc || v != v ? v : acc;
      else
        acc *= v;
    }
    if constexpr (Op == ReduceOp::sum || Op == ReduceOp::mean) acc *= scale;
    store(y + o, acc, req);
  }
};

// The gradient of a reduction at input element i: y_stride maps input coordinates to the
// output element (0 on reduced axes).
struct ReduceGradIndex {
  int ndim = 0;
  index_t shape[kMaxDims] = {}, y_stride[kMaxDims] = {};
  SYMGRAD_HD index_t out_of(index_t i) const {
    index_t o = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      o += (i % shape[d]) * y_stride[d];
      i /= shape[d];
    }
    return o;
  }
};
template <ReduceOp Op, class T>
struct ReduceGradBody {
  ReduceGradIndex ix;
  const T *g, *x, *y;
  T* dx;
  T inv_count;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t o = ix.out_of(i);
    T v = g[o];
    if constexpr (Op == ReduceOp::mean)
      v *= inv_count;
    else if constexpr (Op == ReduceOp::max || Op == ReduceOp::min)
      v = x[i] == y[o] ? v : T(0);
    else if constexpr (Op == ReduceOp::prod)
      v = v * y[o] / x[i];
    store(dx + i, v, req);
  }
};

}  // namespace SYMGRAD_NS::cuda
