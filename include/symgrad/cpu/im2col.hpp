// The CPU convolution machinery shared by Convolution, Deconvolution and their gradients: the
// geometry of one convolution (spatial sizes as 3-d), im2col / col2im between a sample's group of
// channels and its columns, the direct loops of depthwise convolutions, and the split of a batch
// into chunks of samples over the thread pool.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "gemm.hpp"
#include "parallel.hpp"

namespace SYMGRAD_NS::host::conv {

// Geometry of one convolution for the kernels: spatial sizes as 3-d (missing dims are 1).
struct Geo {
  std::int64_t N = 0, C = 0, F = 0, G = 1;
  std::array<std::int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, k{1, 1, 1}, s{1, 1, 1}, d{1, 1, 1}, p{0, 0, 0};
  std::int64_t in_size() const { return in[0] * in[1] * in[2]; }
  std::int64_t out_size() const { return out[0] * out[1] * out[2]; }
  std::int64_t k_size() const { return k[0] * k[1] * k[2]; }
  std::int64_t cg() const { return C / G; }
  std::int64_t fg() const { return F / G; }
  std::int64_t col_rows() const { return cg() * k_size(); }
};

// The outputs o in [lo, hi) whose input o·s + base lies in [0, in), for one axis of out outputs.
struct Span {
  std::int64_t lo, hi;
};
inline Span valid_span(std::int64_t base, std::int64_t s, std::int64_t in, std::int64_t out) {
  auto ceil_div = [](std::int64_t n, std::int64_t d) { return n >= 0 ? (n + d - 1) / d : -((-n) / d); };
  return {std::max<std::int64_t>(0, ceil_div(-base, s)), std::min(out, ceil_div(in - base, s))};
}

// Rows [r0, r1) of col (cg·k, out) from one sample's group of channels x (cg, in); row r is
// channel r / k, kernel offset r % k.
template <class T>
void im2col_rows(const Geo& g, const T* x, T* col, std::int64_t r0, std::int64_t r1) {
  const std::int64_t P = g.out_size(), ks = g.k_size();
  for (std::int64_t row = r0; row < r1; ++row) {
    const std::int64_t c = row / ks, off = row % ks;
    const std::int64_t a = off / (g.k[1] * g.k[2]), b = (off / g.k[2]) % g.k[1], e = off % g.k[2];
    T* dst = col + row * P;
    const T* src = x + c * g.in_size();
    const std::int64_t base = -g.p[2] + e * g.d[2];
    for (std::int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      const std::int64_t i0 = o0 * g.s[0] - g.p[0] + a * g.d[0];
      for (std::int64_t o1 = 0; o1 < g.out[1]; ++o1) {
        const std::int64_t i1 = o1 * g.s[1] - g.p[1] + b * g.d[1];
        T* drow = dst + (o0 * g.out[1] + o1) * g.out[2];
        if (i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1]) {
          std::fill_n(drow, g.out[2], T(0));
          continue;
        }
        const T* srow = src + (i0 * g.in[1] + i1) * g.in[2];
        if (g.s[2] == 1 && base >= 0 && base + g.out[2] <= g.in[2]) {
          std::copy_n(srow + base, g.out[2], drow);
          continue;
        }
        const Span v = valid_span(base, g.s[2], g.in[2], g.out[2]);
        const std::int64_t lo = std::min(v.lo, g.out[2]), hi = std::max(v.hi, lo);  // 0 ≤ lo ≤ hi ≤ out
        std::fill(drow, drow + lo, T(0));
        for (std::int64_t o2 = lo; o2 < hi; ++o2) drow[o2] = srow[o2 * g.s[2] + base];
        std::fill(drow + hi, drow + g.out[2], T(0));
      }
    }
  }
}

// col (cg·k, out) from one sample's group of channels x (cg, in), rows spread over the threads.
template <class T>
void im2col(const Geo& g, const T* x, T* col) {
  const auto rows = static_cast<std::size_t>(g.col_rows());
  const auto grain =
      static_cast<std::size_t>(std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, g.out_size())));
  host::parallel_for(rows, grain, 1, [&](std::size_t r0, std::size_t r1) {
    im2col_rows(g, x, col, std::int64_t(r0), std::int64_t(r1));
  });
}

// Adds col (cg·k, out) back into dx (cg, in); channels spread over the threads (each channel's
// rows touch only its own plane).
template <class T>
void col2im(const Geo& g, const T* col, T* dx) {
  const std::int64_t P = g.out_size(), ks = g.k_size();
  const auto grain =
      static_cast<std::size_t>(std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, ks * P)));
  host::parallel_for(static_cast<std::size_t>(g.cg()), grain, 1, [&](std::size_t c0, std::size_t c1) {
    for (std::int64_t c = std::int64_t(c0); c < std::int64_t(c1); ++c) {
      T* dst = dx + c * g.in_size();
      for (std::int64_t off = 0; off < ks; ++off) {
        const std::int64_t a = off / (g.k[1] * g.k[2]), b = (off / g.k[2]) % g.k[1], e = off % g.k[2];
        const T* src = col + (c * ks + off) * P;
        const std::int64_t base = -g.p[2] + e * g.d[2], S = g.s[2];
        const Span v = valid_span(base, S, g.in[2], g.out[2]);
        for (std::int64_t o0 = 0; o0 < g.out[0]; ++o0) {
          const std::int64_t i0 = o0 * g.s[0] - g.p[0] + a * g.d[0];
          if (i0 < 0 || i0 >= g.in[0]) continue;
          for (std::int64_t o1 = 0; o1 < g.out[1]; ++o1) {
            const std::int64_t i1 = o1 * g.s[1] - g.p[1] + b * g.d[1];
            if (i1 < 0 || i1 >= g.in[1]) continue;
            const T* srow = src + (o0 * g.out[1] + o1) * g.out[2];
            T* drow = dst + (i0 * g.in[1] + i1) * g.in[2] + base;
            if (S == 1) {
              for (std::int64_t o2 = v.lo; o2 < v.hi; ++o2) drow[o2] += srow[o2];
            } else {
              for (std::int64_t o2 = v.lo; o2 < v.hi; ++o2) drow[o2 * S] += srow[o2];
            }
          }
        }
      }
    }
  });
}

// Depthwise convolutions (one input channel per group, e.g. num_group == channels) run directly:
// each (sample, filter) plane is a sum of shifted input rows scaled by one weight, with no
// columns and no GEMM. visit(g, y, x, f) calls f(out_row, in_row, weight_index, o_lo, o_hi, base)
// for every kernel offset and output row, where out_row[o] pairs with in_row[o·s + base] for o in
// [o_lo, o_hi), the range whose input lies inside the data.
template <class F>
void depthwise_rows(const Geo& g, F&& f) {
  std::int64_t widx = 0;
  for (std::int64_t a = 0; a < g.k[0]; ++a)
    for (std::int64_t b = 0; b < g.k[1]; ++b)
      for (std::int64_t e = 0; e < g.k[2]; ++e, ++widx) {
        const std::int64_t base = e * g.d[2] - g.p[2];
        const auto [lo, hi] = valid_span(base, g.s[2], g.in[2], g.out[2]);
        if (lo >= hi) continue;
        for (std::int64_t o0 = 0; o0 < g.out[0]; ++o0) {
          const std::int64_t i0 = o0 * g.s[0] - g.p[0] + a * g.d[0];
          if (i0 < 0 || i0 >= g.in[0]) continue;
          for (std::int64_t o1 = 0; o1 < g.out[1]; ++o1) {
            const std::int64_t i1 = o1 * g.s[1] - g.p[1] + b * g.d[1];
            if (i1 < 0 || i1 >= g.in[1]) continue;
            f((o0 * g.out[1] + o1) * g.out[2], (i0 * g.in[1] + i1) * g.in[2], widx, lo, hi, base);
          }
        }
      }
}

// With at least as many samples as threads, the samples are spread over the library's threads,
// each with its own columns (and weight-gradient partial sums) and single-threaded BLAS calls;
// otherwise one sample at a time, with im2col/col2im and the GEMMs threaded inside.
inline std::size_t sample_threads(std::int64_t N) {
  const std::size_t nt = host::num_threads();
  return nt > 1 && N >= static_cast<std::int64_t>(nt) ? nt : 1;
}
// The samples of chunk c out of nt.
inline std::pair<std::int64_t, std::int64_t> sample_range(std::int64_t N, std::size_t c, std::size_t nt) {
  return {N * std::int64_t(c) / std::int64_t(nt), N * std::int64_t(c + 1) / std::int64_t(nt)};
}
// Runs body(chunk) for each chunk of samples: on the thread pool with single-threaded BLAS when
// nt > 1, else inline.
template <class F>
void for_sample_chunks(std::size_t nt, F&& body) {
  if (nt == 1) return body(std::size_t{0});
  host::BlasSingleThreaded one;
  host::ThreadPool::instance().run(nt, body);
}

}  // namespace SYMGRAD_NS::host::conv
