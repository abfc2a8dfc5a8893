// The kernels of ops/device_kernels.hpp.
#pragma once
#include <algorithm>
#include <cstdint>

#include "../cpu/gemm.hpp"
#include "../cpu/simd.hpp"
#include "device_kernels.hpp"
#include "gpu_util.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DEVICE_KERNELS)
namespace SYMGRAD_NS::ops::dev {

SYMGRAD_INLINE void gemm(const NDArray& c, bool trans_a, bool trans_b, std::int64_t m, std::int64_t n,
                         std::int64_t k, const void* a, std::int64_t lda, const void* b, std::int64_t ldb,
                         double beta, void* cp, std::int64_t ldc) {
#if SYMGRAD_WITH_CUDA
  if (c.context().device_type == DeviceType::gpu) {
    cuda::gemm(c.context().device_id, c.dtype(), trans_a, trans_b, m, n, k, 1.0, a, lda, b, ldb, beta, cp,
               ldc);
    return;
  }
#endif
  dispatch_float(c.dtype(), "gemm", [&](auto t) {
    using T = decltype(t);
    host::gemm<T>(trans_a, trans_b, m, n, k, T(1), static_cast<const T*>(a), lda, static_cast<const T*>(b),
                  ldb, static_cast<T>(beta), static_cast<T*>(cp), ldc);
  });
}

SYMGRAD_INLINE void channel_bias(const NDArray& y, const NDArray& bias, std::int64_t rows,
                                 std::int64_t channels, std::int64_t inner, OpReq req) {
  if (req == OpReq::null) return;
#if SYMGRAD_WITH_CUDA
  if (y.context().device_type == DeviceType::gpu) {  // a broadcast copy: bias strides (0, 1, 0)
    on_gpu::strided_copy(Shape{rows, channels, inner}, bias, host::Strides{0, 1, 0}, 0, y,
                         host::Strides{channels * inner, inner, 1}, 0, req);
    return;
  }
#endif
  dispatch_float(y.dtype(), "bias", [&](auto t) {
    using T = decltype(t);
    const T* b = bias.data<T>();
    T* p = y.data<T>();
    if (inner == 1) {  // rows of `channels` values: the bias row copied or added
      for (std::int64_t r = 0; r < rows; ++r, p += channels) {
        if (req == OpReq::write)
          std::copy_n(b, channels, p);
        else
          for (std::int64_t c = 0; c < channels; ++c) p[c] += b[c];
      }
      return;
    }
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < channels; ++c, p += inner) {
        if (req == OpReq::write)
          std::fill_n(p, inner, b[c]);
        else
          for (std::int64_t i = 0; i < inner; ++i) p[i] += b[c];
      }
  });
}

SYMGRAD_INLINE void sum_channel_bias(const NDArray& dy, const NDArray& db, std::int64_t rows,
                                     std::int64_t channels, std::int64_t inner, OpReq req) {
  if (req == OpReq::null) return;
#if SYMGRAD_WITH_CUDA
  if (dy.context().device_type == DeviceType::gpu) {
    cuda::ReduceIndex ix;
    ix.nkept = 1, ix.kept_shape[0] = channels, ix.kept_stride[0] = inner;
    ix.nred = 2, ix.red_shape[0] = rows, ix.red_stride[0] = channels * inner;
    ix.red_shape[1] = inner, ix.red_stride[1] = 1, ix.red_size = rows * inner;
    cuda::reduce(dy.context().device_id, dy.dtype(), cuda::ReduceOp::sum, ix, channels, dy.raw_data(),
                 db.raw_data(), 1.0, req);
    return;
  }
#endif
  dispatch_float(dy.dtype(), "bias gradient", [&](auto t) {
    using T = decltype(t);
    T* out = db.data<T>();
    if (req == OpReq::write) std::fill_n(out, channels, T(0));
    const T* g = dy.data<T>();
    if (inner == 1) {  // rows of dy added into db, vectorised
      for (std::int64_t r = 0; r < rows; ++r) {
        const T* row = g + r * channels;
        std::int64_t j = 0;
        if constexpr (host::has_simd<T>) {
          constexpr auto L = static_cast<std::int64_t>(host::lanes<T>());
          for (; j + L <= channels; j += L)
            (host::Batch<T>::load_unaligned(out + j) + host::Batch<T>::load_unaligned(row + j))
                .store_unaligned(out + j);
        }
        for (; j < channels; ++j) out[j] += row[j];
      }
      return;
    }
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < channels; ++c) {
        const T* p = g + (r * channels + c) * inner;
        T s = T(0);
        for (std::int64_t i = 0; i < inner; ++i) s += p[i];
        out[c] += s;
      }
  });
}

}  // namespace SYMGRAD_NS::ops::dev
#endif
