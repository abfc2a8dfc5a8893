// The library's own convolution GEMM (cpu/conv_gemm-inl.hpp): the columns of im2col are never
// built; each thread packs a panel of 8 or 16 output pixels straight from the image into a small
// buffer in L1, and a register-blocked micro-kernel (6 filters × the panel) multiplies the
// weights, read in place, into it. The output pass (bias, folded batch norm, residual, clamp) is
// applied to the registers before the last store. This header declares the process-wide choice
// between it and im2col + BLAS, which tests use to run both on the same inputs.
#pragma once
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

// blas: im2col (skipped for 1x1 kernels) and the BLAS GEMM, the default; own: the kernel of
// cpu/conv_gemm-inl.hpp for every convolution forward that is not depthwise. The own kernel is
// slower than OpenBLAS on most layer shapes so far (bench/RESULTS.md), so it is not the default.
enum class ConvGemm { own, blas };

// The process's choice (libsymgrad, cpu/conv_gemm-inl.hpp). Not synchronised: set it before
// running executors, as the tests do.
ConvGemm& conv_gemm();

}  // namespace SYMGRAD_NS::host::conv
