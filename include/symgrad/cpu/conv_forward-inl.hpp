// The CPU forward of a convolution, shared by Convolution and the inference-fused convolution
// (ops/conv_fused-inl.hpp): per sample and group, im2col (skipped for a 1x1, stride-1, unpadded
// kernel, whose columns are the input itself) and one GEMM, or the depthwise kernels; then an
// output pass (the epilogue: bias, folded batch normalisation, residual add, clamp) over each
// sample while it is still in cache, instead of one pass over the whole output per operator.
#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>

#include "conv_gemm-inl.hpp"
#include "depthwise-inl.hpp"
#include "im2col.hpp"
#include "parallel.hpp"
#include "simd.hpp"

namespace SYMGRAD_NS::host::conv {

// Planes [f0, f1) of sample n: dst = epilogue(src); src may be dst.
template <class T>
void apply_epilogue(const Epilogue<T>& e, const T* src, T* dst, std::int64_t n, std::int64_t F,
                    std::int64_t f0, std::int64_t f1, std::int64_t P) {
  using B = Batch<T>;
  constexpr std::int64_t L = static_cast<std::int64_t>(lanes<T>());
  for (std::int64_t f = f0; f < f1; ++f) {
    const std::int64_t off = (n * F + f) * P;
    const T* s = src + off;
    T* d = dst + off;
    const T* r = e.residual ? e.residual + off : nullptr;
    std::int64_t p = 0;
    for (; p + L <= P; p += L)  // qualified: xsimd's own load/store (found by ADL) are the aligned ones
      host::store(d + p, epilogue_value(e, f, host::load<B>(s + p), r ? host::load<B>(r + p) : B(T(0))));
    for (; p < P; ++p) d[p] = epilogue_value(e, f, s[p], r ? r[p] : T(0));
  }
}

// The epilogue over every plane of y (N, F, P) (src may be y), spread over the thread pool.
template <class T>
void apply_epilogue_all(const Epilogue<T>& e, const T* src, T* y, std::int64_t N, std::int64_t F,
                        std::int64_t P) {
  const std::int64_t planes = N * F;
  const std::size_t tasks = std::min<std::size_t>(
      host::num_threads(), std::max<std::size_t>(1, std::size_t(planes * P) / kParallelGrain));
  auto run = [&](std::size_t c) {
    const std::int64_t a = planes * std::int64_t(c) / std::int64_t(tasks),
                       b = planes * std::int64_t(c + 1) / std::int64_t(tasks);
    for (std::int64_t pl = a; pl < b;) {  // runs of planes within one sample
      const std::int64_t n = pl / F, f0 = pl % F, f1 = std::min(F, f0 + (b - pl));
      apply_epilogue(e, src, y, n, F, f0, f1, P);
      pl += f1 - f0;
    }
  };
  if (tasks <= 1)
    run(0);
  else
    host::ThreadPool::instance().run(tasks, run);
}

// Workspace elements forward() needs (columns per sample thread, or the depthwise scratch).
inline std::int64_t forward_workspace(const Geo& g) {
  if (g.cg() == 1)
    return std::max<std::int64_t>(
        g.col_rows() * g.out_size(),
        depthwise_simd_fits(g)
            ? std::int64_t(host::num_threads() * depthwise_scratch(g, host::lanes<float>()))
            : 0);
  // either kernel (the choice may change after bind): im2col's columns, or the own GEMM's panels
  return std::max(std::int64_t(sample_threads(g.N)) * g.col_rows() * g.out_size(),
                  conv_gemm_scratch<float>(g, host::num_threads()));
}

template <class T>
void forward_with(ConvGemm c, const Geo& g, const T* xs, const T* ws, T* y, bool accumulate, T* col,
                  const Epilogue<T>& epi);

// y (N, F, out) = (or += with `accumulate`) the convolution of x (N, C, in) with w (F, C/G, k),
// then the epilogue on y. `col` is forward_workspace(g) elements. Depthwise convolutions use the
// kernels of cpu/depthwise.hpp; the others the GEMM conv_gemm() chooses (cpu/conv_gemm.hpp).
template <class T>
void forward(const Geo& g, const T* xs, const T* ws, T* y, bool accumulate, T* col, const Epilogue<T>& epi) {
  const std::int64_t P = g.out_size(), Fg = g.fg();
  if (g.cg() == 1) {
    if (depthwise_kernel() == DepthwiseKernel::simd && depthwise_simd_fits(g)) {
      const std::size_t threads = std::min<std::size_t>(host::num_threads(), std::size_t(g.N * g.F));
      if (epi.empty()) return depthwise_forward(g, xs, ws, y, accumulate, col, threads);
      return depthwise_forward(g, xs, ws, y, accumulate, col, threads, [&](std::int64_t pl) {
        apply_epilogue(epi, y, y, pl / g.F, g.F, pl % g.F, pl % g.F + 1, P);
      });
    } else {  // direct loops, threads over output planes
      const std::int64_t IS = g.in_size(), KS = g.k_size(), S = g.s[2];
      host::ThreadPool::instance().run(static_cast<std::size_t>(g.N * g.F), [&](std::size_t pl) {
        const std::int64_t n = std::int64_t(pl) / g.F, f = std::int64_t(pl) % g.F;
        T* yp = y + (n * g.F + f) * P;
        const T* xp = xs + (n * g.C + f / Fg) * IS;
        if (!accumulate) std::fill_n(yp, P, T(0));
        depthwise_rows(g, [&](std::int64_t orow, std::int64_t irow, std::int64_t wi, std::int64_t lo,
                              std::int64_t hi, std::int64_t base) {
          const T wv = ws[f * KS + wi];
          for (std::int64_t o = lo; o < hi; ++o) yp[orow + o] += wv * xp[irow + o * S + base];
        });
      });
    }
    if (!epi.empty()) apply_epilogue_all(epi, y, y, g.N, g.F, P);
    return;
  }
  ConvGemm choice = conv_gemm();
  if (choice == ConvGemm::tuned) {  // timed on this call's arrays when writing; else as remembered
    auto run = [&](ConvGemm c) { forward_with(c, g, xs, ws, y, accumulate, col, epi); };
    auto time = [](void* ctx, ConvGemm c) {
      const auto t0 = std::chrono::steady_clock::now();
      (*static_cast<decltype(run)*>(ctx))(c);
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    choice = tuned_choice(tune_key(g, sizeof(T), host::num_threads()), accumulate ? nullptr : +time, &run);
  }
  forward_with(choice, g, xs, ws, y, accumulate, col, epi);
}

// forward() with the GEMM `c` (own or blas) for convolutions that are not depthwise.
template <class T>
void forward_with(ConvGemm c, const Geo& g, const T* xs, const T* ws, T* y, bool accumulate, T* col,
                  const Epilogue<T>& epi) {
  if (c == ConvGemm::own)
    return conv_gemm_forward(g, xs, ws, y, accumulate, col, epi.empty() ? nullptr : &epi,
                             host::num_threads());
  const std::int64_t P = g.out_size(), K = g.col_rows(), Fg = g.fg(), Cg = g.cg();
  const T beta = accumulate ? T(1) : T(0);
  const bool one_by_one = g.k_size() == 1 && g.s == std::array<std::int64_t, 3>{1, 1, 1} &&
                          g.p == std::array<std::int64_t, 3>{0, 0, 0};
  const std::size_t nt = sample_threads(g.N);
  for_sample_chunks(nt, [&](std::size_t c) {
    T* colc = col + std::int64_t(c) * K * P;
    const auto [n0, n1] = sample_range(g.N, c, nt);
    for (std::int64_t n = n0; n < n1; ++n) {
      for (std::int64_t gr = 0; gr < g.G; ++gr) {
        const T* xg = xs + (n * g.C + gr * Cg) * g.in_size();
        const T* src = xg;
        if (!one_by_one) {
          im2col(g, xg, colc);
          src = colc;
        }
        host::gemm<T>(false, false, Fg, P, K, T(1), ws + gr * Fg * K, K, src, P, beta,
                      y + (n * g.F + gr * Fg) * P, P);
      }
      if (epi.empty()) continue;
      if (nt > 1) {  // this thread's sample, while it is in cache
        apply_epilogue(epi, y, y, n, g.F, 0, g.F, P);
      } else {  // one sample at a time: the pass is threaded too
        Epilogue<T> e = epi;
        if (e.residual) e.residual += n * g.F * P;
        apply_epilogue_all(e, y + n * g.F * P, y + n * g.F * P, 1, g.F, P);
      }
    }
  });
}

}  // namespace SYMGRAD_NS::host::conv
