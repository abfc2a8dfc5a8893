// Depthwise convolution (one input channel per group) on the CPU, vectorised along the output
// row: the kernels are in cpu/depthwise-inl.hpp; this header declares the process-wide choice
// between them and the loops of cpu/im2col.hpp, which tests use to run both on the same inputs.
#pragma once
#include <cstddef>

#include "../core/config.hpp"
#include "im2col.hpp"

namespace SYMGRAD_NS::host::conv {

// simd: the vectorised kernel wherever it applies (depthwise_simd_fits), the default; loops: the
// direct loops of cpu/im2col.hpp (depthwise_rows) everywhere.
enum class DepthwiseKernel { simd, loops };

// The process's choice (libsymgrad, cpu/depthwise-inl.hpp). Not synchronised: set it before
// running executors, as the tests do.
DepthwiseKernel& depthwise_kernel();

// Whether the vectorised forward kernel handles g: 1-d or 2-d, dilation 1, at most 64 taps,
// a stride along the width of at most 8.
inline bool depthwise_simd_fits(const Geo& g);

// Scratch elements that each thread of depthwise_forward needs, for vectors of `lanes`.
inline std::size_t depthwise_scratch(const Geo& g, std::size_t lanes);

// y (N, F, out) (+)= the depthwise convolution of x (N, C, in) with w (F, k); F = C · multiplier.
// `scratch` holds threads · depthwise_scratch(g, lanes<T>()) elements; planes are spread over
// `threads` tasks of the pool. Requires depthwise_simd_fits(g). `after(plane)` runs after each
// output plane (n · F + f) is written, while it is in cache (the fused convolution's output pass).
struct NoPlaneHook {
  void operator()(std::int64_t) const {}
};
template <class T, class After = NoPlaneHook>
void depthwise_forward(const Geo& g, const T* x, const T* w, T* y, bool accumulate, T* scratch,
                       std::size_t threads, const After& after = {});

// The data gradient with the same kernel, where the stride is 1, each input channel has one
// filter and pad ≤ kernel - 1: dx is dy convolved with the flipped filters, padded by
// kernel - 1 - pad. depthwise_grad_fits(g) tells whether it applies to the forward geometry g;
// the scratch (elements) holds the flipped filters and the threads' padded planes.
inline bool depthwise_grad_fits(const Geo& g);
inline std::size_t depthwise_grad_scratch(const Geo& g, std::size_t lanes, std::size_t threads);
// dx (N, C, in) += the data gradient of dy (N, F, out) through filters w (F, k).
template <class T>
void depthwise_backward_data(const Geo& g, const T* dy, const T* w, T* dx, T* scratch, std::size_t threads);

}  // namespace SYMGRAD_NS::host::conv
