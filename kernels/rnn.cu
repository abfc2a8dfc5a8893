// The fused RNN operator's step kernels (include/symgrad/cuda/bodies_rnn.hpp) and the row and
// column helpers around its cuBLAS GEMMs.
#include "common.cuh"
#include "symgrad/cuda/bodies_rnn.hpp"

namespace symgrad::cuda {

using detail::device;
using detail::float_types;
using detail::launch;

void rnn_step(int dev, DType t, RnnMode mode, index_t N, index_t H, index_t G, index_t DH, void* g,
              const void* h_prev, const void* c_prev, const void* hn, void* h, void* c, void* out) {
  auto& d = device(dev);
  float_types(t, "RNN", [&](auto z) {
    using T = decltype(z);
    launch(d, N * H,
           RnnStepBody<T>{mode, H, G, DH, static_cast<T*>(g), static_cast<const T*>(h_prev),
                          static_cast<const T*>(c_prev), static_cast<const T*>(hn), static_cast<T*>(h),
                          static_cast<T*>(c), static_cast<T*>(out)});
  });
}

void rnn_step_grad(int dev, DType t, RnnMode mode, index_t N, index_t H, index_t G, index_t DH, const void* g,
                   const void* c_prev, const void* h_prev, const void* cell_t, const void* hn_t,
                   const void* dh, const void* dy, void* dg, void* dgh, void* dc, void* direct) {
  auto& d = device(dev);
  float_types(t, "RNN backward", [&](auto z) {
    using T = decltype(z);
    launch(d, N * H,
           RnnStepGradBody<T>{mode, H, G, DH, static_cast<const T*>(g), static_cast<const T*>(c_prev),
                              static_cast<const T*>(h_prev), static_cast<const T*>(cell_t),
                              static_cast<const T*>(hn_t), static_cast<const T*>(dh),
                              static_cast<const T*>(dy), static_cast<T*>(dg), static_cast<T*>(dgh),
                              static_cast<T*>(dc), static_cast<T*>(direct)});
  });
}

void add_rows(int dev, DType t, index_t rows, index_t cols, index_t ld, void* y, const void* v) {
  auto& d = device(dev);
  float_types(t, "RNN", [&](auto z) {
    using T = decltype(z);
    launch(d, rows * cols, AddRowsBody<T>{static_cast<T*>(y), static_cast<const T*>(v), cols, ld});
  });
}

void col_sums(int dev, DType t, index_t rows, index_t cols, index_t ld, const void* x, void* acc) {
  auto& d = device(dev);
  float_types(t, "RNN backward", [&](auto z) {
    using T = decltype(z);
    launch(d, cols, ColSumsBody<T>{static_cast<T*>(acc), static_cast<const T*>(x), rows, ld});
  });
}

}  // namespace symgrad::cuda
