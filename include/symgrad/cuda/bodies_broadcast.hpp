// Per-element bodies of the CUDA kernels for broadcasting binary operators and their gradients
// (see bodies.hpp).
#pragma once
#include "bodies_base.hpp"
#include "bodies_elemwise.hpp"

namespace SYMGRAD_NS::cuda {

// ---- broadcasting: out[i] = a[ia] op b[ib] with the operands' strides (0 on broadcast axes) ----
struct BroadcastIndex {
  int ndim = 0;
  index_t shape[kMaxDims] = {};     // output shape
  index_t stride_a[kMaxDims] = {};  // element strides of a and b in output coordinates
  index_t stride_b[kMaxDims] = {};
  SYMGRAD_HD void offsets(index_t i, index_t& ia, index_t& ib) const {
    ia = 0, ib = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      index_t c = i % shape[d];
      i /= shape[d];
      ia += c * stride_a[d];
      ib += c * stride_b[d];
    }
  }
};
template <BinaryOp Op, class T>
struct BroadcastBody {
  BroadcastIndex ix;
  const T *a, *b;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t ia, ib;
    ix.offsets(i, ia, ib);
    store(y + i, binary_f<Op>(a[ia], b[ib]), req);
  }
};

// dA, dB of a broadcast operation: each output element adds its share (atomically: many output
// elements meet in one broadcast operand element). da/db are zero-filled first for req write.
template <BinaryOp Op, class T>
struct BroadcastGradBody {
  BroadcastIndex ix;
  const T *g, *a, *b, *y;
  T *da, *db;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t ia, ib;
    ix.offsets(i, ia, ib);
    T av = a[ia], bv = b[ib];
    if (da) atomic_add(da + ia, binary_grad_a<Op>(av, bv, y[i], g[i]));
    if (db) atomic_add(db + ib, binary_grad_b<Op>(av, bv, y[i], g[i]));
  }
};

}  // namespace SYMGRAD_NS::cuda
