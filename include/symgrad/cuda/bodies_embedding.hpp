// Per-element bodies of the CUDA kernels for Embedding and its gradient (see bodies.hpp).
#pragma once
#include "bodies_base.hpp"

namespace SYMGRAD_NS::cuda {

// ---- Embedding: out[i, :] = w[idx[i], :]; dw[idx[i], :] += g[i, :] ----
template <class T, class I>
struct EmbeddingBody {
  const I* idx;
  const T* w;
  T* y;
  index_t input_dim, dim;
  int* bad;
  OpReq req;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t i = e / dim, d = e % dim;
    auto k = static_cast<index_t>(idx[i]);
    if (k < 0 || k >= input_dim || static_cast<I>(k) != idx[i]) {
      *bad = 1;
      k = k < 0 ? 0 : input_dim - 1;
    }
    store(y + e, w[k * dim + d], req);
  }
};
template <class T, class I>
struct EmbeddingGradBody {
  const I* idx;
  const T* g;
  T* dw;
  index_t input_dim, dim;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t i = e / dim, d = e % dim;
    auto k = static_cast<index_t>(idx[i]);
    if (k >= 0 && k < input_dim) atomic_add(dw + k * dim + d, g[e]);
  }
};

}  // namespace SYMGRAD_NS::cuda
