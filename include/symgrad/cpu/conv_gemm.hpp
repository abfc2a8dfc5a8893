// The library's own convolution GEMM (cpu/conv_gemm-inl.hpp): the columns of im2col are never
// built; each thread packs a panel of 8 or 16 output pixels straight from the image into a small
// buffer in L1, and a register-blocked micro-kernel (6 filters × the panel) multiplies the
// weights, read in place, into it. The output pass (bias, folded batch norm, residual, clamp) is
// applied to the registers before the last store. This header declares the process-wide choice
// between it and im2col + BLAS, which tests use to run both on the same inputs.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/config.hpp"
#include "im2col.hpp"

namespace SYMGRAD_NS::host::conv {

// The output pass of a convolution (bias, BatchNorm folded for inference, residual add, relu or
// clip): y[f, p] = clamp(src[f, p] · scale[f] + shift[f] + residual[f, p], lo, hi). A null scale
// is 1, a null shift 0, a null residual none; without `clamp` the bounds are not applied (relu:
// lo 0, hi +inf; clip(a, b): lo a, hi b).
template <class T>
struct Epilogue {
  const T* scale = nullptr;
  const T* shift = nullptr;
  const T* residual = nullptr;  // laid out as the output (N, F, P)
  bool clamp = false;
  T lo = -std::numeric_limits<T>::infinity(), hi = std::numeric_limits<T>::infinity();

  bool empty() const { return !scale && !shift && !residual && !clamp; }
};

// tuned (the default): per layer shape, the faster of the two, timed on the first forward that
// writes (not adds to) its output, then remembered for the process; own: the kernel of
// cpu/conv_gemm-inl.hpp for every convolution forward that is not depthwise; blas: im2col (skipped
// for 1x1 kernels) and the BLAS GEMM. The two round differently, so outputs may differ in the
// last bits between processes that tuned differently (as with cuDNN's autotuning).
enum class ConvGemm { tuned, own, blas };

// The process's choice (libsymgrad, cpu/conv_gemm-inl.hpp), initially from the environment
// variable SYMGRAD_CONV_GEMM (tuned, own or blas; unset: tuned). Not synchronised: set it before
// running executors, as the tests do.
ConvGemm& conv_gemm();

// The tuned choice for g and elements of `elem_size` bytes, if one was made.
struct TuneKey {
  std::array<std::int64_t, 24> v{};
  bool operator<(const TuneKey& o) const { return v < o.v; }
};
TuneKey tune_key(const Geo& g, std::size_t elem_size, std::size_t threads);
// Looks the key up; when absent and `time` is given, calls time(choice) → seconds for own and
// blas (three times each, the least counts), stores and returns the faster. Thread-safe.
ConvGemm tuned_choice(const TuneKey& key, double (*time)(void*, ConvGemm), void* ctx);

}  // namespace SYMGRAD_NS::host::conv
