// Kernels that run on the device of their arrays, so that an operator whose work is the same on
// every device has one forward: host::gemm and the library's loops on the CPU, cuBLAS and the
// CUDA kernels on gpu(n). Shapes are row-major; `req` is write or add (null does nothing).
#pragma once
#include <cstdint>

#include "../ndarray/ndarray.hpp"

namespace SYMGRAD_NS::ops::dev {

// C (m×n, leading dimension ldc) = op(A)·op(B) + beta·C, in C's dtype on C's device; `c` is the
// array that holds C (for its device and dtype), `a`, `b`, `cp` the first elements.
void gemm(const NDArray& c, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n, std::int64_t k,
          const void* a, std::int64_t lda, const void* b, std::int64_t ldb, double beta, void* cp,
          std::int64_t ldc);

// y viewed as (rows, channels, inner) (=) or (+=) bias[channel], as req says: FullyConnected's rows
// (inner 1), a convolution's pixels (rows = batch, inner = pixels).
void channel_bias(const NDArray& y, const NDArray& bias, std::int64_t rows, std::int64_t channels,
                  std::int64_t inner, OpReq req);

// db[channel] (=) or (+=) the sum of dy, viewed as (rows, channels, inner), over rows and inner.
void sum_channel_bias(const NDArray& dy, const NDArray& db, std::int64_t rows, std::int64_t channels,
                      std::int64_t inner, OpReq req);

}  // namespace SYMGRAD_NS::ops::dev
