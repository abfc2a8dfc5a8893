// The kernels of cpu/conv_gemm.hpp. For one sample and group the convolution is
// Y (F, P) = W (F, K) · col (K, P), col[k, p] the input pixel under kernel offset k of output
// pixel p (im2col's matrix). Work is split into panels of NR = 2 vectors of output pixels (one
// vector for the last, short panel); per panel and block of at most kKc rows of col:
//   * pack: the block's rows for the panel's pixels, copied from the image row by row (a stride-1
//     run is a plain copy; outside the padded image, zeros), kKc × NR elements, in L1;
//   * micro-kernel: for each 6 filters, 12 accumulators (6 × 2 vectors) over the block, the
//     weights broadcast from their rows in place (no packing of W);
//   * first block: written (or added to y with `accumulate`); later blocks: added; last block:
//     the epilogue (scale, shift, residual, clamp) in registers, then the store.
// Threads take contiguous ranges of (sample, group, panel) tasks, so batch 1 uses every core.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "conv_gemm.hpp"
#include "conv_gemm_kernels.hpp"
#include "im2col.hpp"
#include "parallel.hpp"
#include "simd.hpp"

namespace SYMGRAD_NS::host::conv {

namespace cg_detail {

// Stride 1: the panels are read from a zero-padded copy of the input, a row of col at a fixed
// offset from the panel's first pixel, so nothing is packed. Rows per block at
// most 128: a panel's rows (two cache lines each) stay in L1.
inline constexpr std::int64_t kDirectKc = 256;
inline bool direct_fits(const Geo& g) {
  return g.s == std::array<std::int64_t, 3>{1, 1, 1} && g.k_size() > 1;
}
// The padded copy's plane size, and the elements of direct_forward's scratch: offsets (as
// int64), padded images and a slack of 2 vectors read past the last row.
inline std::int64_t padded_plane(const Geo& g) {
  return (g.in[0] + 2 * g.p[0]) * (g.in[1] + 2 * g.p[1]) * (g.in[2] + 2 * g.p[2]);
}
// Narrow outputs (fewer than 48 columns, not a multiple of the panel) are computed over the
// padded width, every panel full, into a buffer that a last pass compacts into y with the
// epilogue; wide ones by segments of each output row, straight into y.
template <class T>
bool direct_wide(const Geo& g) {
  return g.out[2] % (2 * vec<T>()) != 0 && g.out[2] < 48;
}
template <class T>
std::int64_t direct_positions(const Geo& g) {  // padded positions of one image, in whole panels
  const std::int64_t D1 = g.in[1] + 2 * g.p[1], D2 = g.in[2] + 2 * g.p[2];
  const std::int64_t q = ((g.out[0] - 1) * D1 + g.out[1] - 1) * D2 + g.out[2];
  return (q + 2 * vec<T>() - 1) / (2 * vec<T>()) * (2 * vec<T>());
}
template <class T>
std::int64_t direct_scratch(const Geo& g) {
  const std::int64_t offs = (g.col_rows() * 8 + sizeof(T) - 1) / sizeof(T) + 16;
  const std::int64_t slack = (g.in[1] + 2 * g.p[1]) * (g.in[2] + 2 * g.p[2]) + 4 * vec<T>() + 16;
  return offs + g.N * g.C * padded_plane(g) + slack +
         (direct_wide<T>(g) ? g.N * g.F * direct_positions<T>(g) : 0);
}

template <class T>
void direct_forward(const Geo& g, const T* xs, const T* ws, T* y, bool accumulate, T* scratch,
                    const Epilogue<T>* e, std::size_t threads) {
  constexpr int L = vec<T>();
  const std::int64_t P = g.out_size(), K = g.col_rows(), Fg = g.fg(), Cg = g.cg();
  const std::int64_t kc = block_rows(K, Fg, kDirectKc), slivers = (Fg + kMr - 1) / kMr;
  const std::int64_t D1 = g.in[1] + 2 * g.p[1], D2 = g.in[2] + 2 * g.p[2], PS = padded_plane(g);
  auto* off = reinterpret_cast<std::int64_t*>(scratch);
  T* xp = scratch + (K * 8 + sizeof(T) - 1) / sizeof(T) + 16;
  // the padded images, plane by plane
  const std::int64_t planes = g.N * g.C;
  host::ThreadPool::instance().run(std::min<std::size_t>(threads, std::size_t(planes)), [&](std::size_t th) {
    const std::size_t nt = std::min<std::size_t>(threads, std::size_t(planes));
    for (std::int64_t pl = planes * std::int64_t(th) / std::int64_t(nt);
         pl < planes * std::int64_t(th + 1) / std::int64_t(nt); ++pl) {
      const T* src = xs + pl * g.in_size();
      T* dst = xp + pl * PS;
      for (std::int64_t i0 = 0; i0 < g.in[0] + 2 * g.p[0]; ++i0)
        for (std::int64_t i1 = 0; i1 < D1; ++i1) {
          T* d = dst + (i0 * D1 + i1) * D2;
          const std::int64_t s0 = i0 - g.p[0], s1 = i1 - g.p[1];
          if (s0 < 0 || s0 >= g.in[0] || s1 < 0 || s1 >= g.in[1]) {
            std::fill_n(d, D2, T(0));
            continue;
          }
          std::fill_n(d, g.p[2], T(0));
          std::copy_n(src + (s0 * g.in[1] + s1) * g.in[2], g.in[2], d + g.p[2]);
          std::fill_n(d + g.p[2] + g.in[2], g.p[2], T(0));
        }
    }
  });
  std::fill_n(xp + planes * PS, D1 * D2 + 4 * L + 16, T(0));
  const bool wide = direct_wide<T>(g);
  const std::int64_t Q = wide ? direct_positions<T>(g) : 0;
  T* tmp = xp + planes * PS + D1 * D2 + 4 * L + 16;  // wide: (N, F, Q)
  {                                                  // offset of each row of col from its panel's first pixel
    std::int64_t k = 0;
    for (std::int64_t c = 0; c < Cg; ++c)
      for (std::int64_t a = 0; a < g.k[0]; ++a)
        for (std::int64_t b = 0; b < g.k[1]; ++b)
          for (std::int64_t q = 0; q < g.k[2]; ++q, ++k)
            off[k] = c * PS + (a * g.d[0] * D1 + b * g.d[1]) * D2 + q * g.d[2];
  }
  const std::int64_t rows = wide ? 1 : g.out[0] * g.out[1],
                     segs = wide ? Q / (2 * L) : (g.out[2] + 2 * L - 1) / (2 * L);
  const std::int64_t tasks = g.N * g.G * rows * segs;
  threads = std::max<std::size_t>(1, std::min<std::size_t>(threads, std::size_t(tasks)));
  std::int64_t k0 = 0, k1 = 0;
  auto body = [&](std::size_t th) {
    const std::int64_t t0 = tasks * std::int64_t(th) / std::int64_t(threads),
                       t1 = tasks * std::int64_t(th + 1) / std::int64_t(threads);
    for (std::int64_t task = t0; task < t1; ++task) {
      const std::int64_t sg = task % segs, r = (task / segs) % rows, ng = task / (segs * rows);
      const std::int64_t gr = ng % g.G, n = ng / g.G, f_base = gr * Fg;
      const T* xg = xp + (n * g.C + gr * Cg) * PS;
      T* yg;
      const T* rg = nullptr;
      const T* b;
      std::int64_t cols, ldc;
      if (wide) {  // padded positions [sg · 2L, (sg + 1) · 2L) into the buffer
        yg = tmp + (n * g.F + f_base) * Q + sg * 2 * L;
        b = xg + sg * 2 * L;
        cols = 2 * L;
        ldc = Q;
      } else {  // columns [o2, o2 + cols) of output row r, straight into y
        const std::int64_t o0 = r / g.out[1], o1 = r % g.out[1], o2 = sg * 2 * L, p0 = r * g.out[2] + o2;
        cols = std::min<std::int64_t>(2 * L, g.out[2] - o2);
        yg = y + (n * g.F + f_base) * P + p0;
        rg = e && e->residual ? e->residual + (n * g.F + f_base) * P + p0 : nullptr;
        b = xg + (o0 * D1 + o1) * D2 + o2;
        ldc = P;
      }
      const Epilogue<T>* te = wide || k1 != K ? nullptr : e;
      const bool add = k0 > 0 || (accumulate && !wide);
      for (std::int64_t sv = 0; sv < slivers; ++sv) {
        const std::int64_t f = sv * kMr;
        const int m = static_cast<int>(std::min<std::int64_t>(kMr, Fg - f));
        const Tile<T> t{yg + f * ldc, ldc, cols, f_base + f, add, te, rg ? rg + f * P : nullptr};
        const T* a = ws + (f_base + f) * K + k0;
        if (cols > L)
          micro_rows<2, true>(m, k1 - k0, a, K, b, 0, t, off + k0);
        else
          micro_rows<1, true>(m, k1 - k0, a, K, b, 0, t, off + k0);
      }
    }
  };
  for (k0 = 0; k0 < K; k0 = k1) {
    k1 = std::min(K, k0 + kc);
    if (threads == 1)
      body(0);
    else
      host::ThreadPool::instance().run(threads, body);
  }
  if (!wide) return;
  // the real positions of the buffer into y, with the epilogue
  const std::int64_t NF = g.N * g.F;
  const std::size_t nt = std::min<std::size_t>(threads, std::size_t(NF));
  auto compact = [&](std::size_t th) {
    for (std::int64_t pl = NF * std::int64_t(th) / std::int64_t(nt);
         pl < NF * std::int64_t(th + 1) / std::int64_t(nt); ++pl) {
      const std::int64_t f = pl % g.F;
      const T* src = tmp + pl * Q;
      T* dst = y + pl * P;
      const T* res = e && e->residual ? e->residual + pl * P : nullptr;
      for (std::int64_t o0 = 0; o0 < g.out[0]; ++o0)
        for (std::int64_t o1 = 0; o1 < g.out[1]; ++o1) {
          const T* s = src + (o0 * D1 + o1) * D2;
          const std::int64_t base = (o0 * g.out[1] + o1) * g.out[2];
          for (std::int64_t o2 = 0; o2 < g.out[2]; ++o2) {
            const T v = s[o2] + (accumulate ? dst[base + o2] : T(0));
            dst[base + o2] = e ? epilogue_value(*e, f, v, res ? res[base + o2] : T(0)) : v;
          }
        }
    }
  };
  if (nt <= 1)
    compact(0);
  else
    host::ThreadPool::instance().run(nt, compact);
}

}  // namespace cg_detail

// Scratch elements conv_gemm_forward needs with `threads` threads: a group of panels per thread.
template <class T>
std::int64_t conv_gemm_scratch(const Geo& g, std::size_t threads) {
  const std::int64_t kc = cg_detail::block_rows(g.col_rows(), g.fg());
  const std::int64_t panels = std::int64_t(threads) * cg_detail::kGroup * kc * 2 * cg_detail::vec<T>();
  if (cg_detail::strided_one_by_one(g))  // the subsampled input, then a 1x1 stride-1 convolution
    return g.N * g.C * g.out_size() + 16 + conv_gemm_scratch<T>(cg_detail::subsampled(g), threads);
  return std::max(panels, cg_detail::direct_fits(g) ? cg_detail::direct_scratch<T>(g) : 0);
}

// y (N, F, out) = (or += with `accumulate`) the convolution of x with w, then the epilogue e
// (null: none); `scratch` holds conv_gemm_scratch<T>(g, threads) elements.
template <class T>
void conv_gemm_forward(const Geo& g, const T* xs, const T* ws, T* y, bool accumulate, T* scratch,
                       const Epilogue<T>* e, std::size_t threads) {
  using namespace cg_detail;
  if (direct_fits(g)) return direct_forward(g, xs, ws, y, accumulate, scratch, e, threads);
  if (strided_one_by_one(g)) {  // the pixels the kernel reads, gathered once; then stride 1
    const std::int64_t planes = g.N * g.C, OS = g.out_size();
    T* xsub = scratch;
    auto gather = [&](std::size_t th, std::size_t nt) {
      for (std::int64_t pl = planes * std::int64_t(th) / std::int64_t(nt);
           pl < planes * std::int64_t(th + 1) / std::int64_t(nt); ++pl) {
        const T* src = xs + pl * g.in_size();
        T* dst = xsub + pl * OS;
        for (std::int64_t a = 0; a < g.out[0]; ++a)
          for (std::int64_t b = 0; b < g.out[1]; ++b) {
            const T* row = src + (a * g.s[0] * g.in[1] + b * g.s[1]) * g.in[2];
            T* d = dst + (a * g.out[1] + b) * g.out[2];
            for (std::int64_t c = 0; c < g.out[2]; ++c) d[c] = row[c * g.s[2]];
          }
      }
    };
    const std::size_t nt = std::min<std::size_t>(threads, std::size_t(planes));
    if (nt <= 1)
      gather(0, 1);
    else
      host::ThreadPool::instance().run(nt, [&](std::size_t th) { gather(th, nt); });
    return conv_gemm_forward(subsampled(g), xsub, ws, y, accumulate, xsub + planes * OS + 16, e, threads);
  }
  constexpr int L = vec<T>();
  const std::int64_t P = g.out_size(), K = g.col_rows(), Fg = g.fg(), Cg = g.cg(), IS = g.in_size();
  const std::int64_t kc = block_rows(K, Fg), full = P / (2 * L), panels = full + (P % (2 * L) + L - 1) / L;
  const std::int64_t tasks = g.N * g.G * panels, slivers = (Fg + kMr - 1) / kMr;
  const bool one_by_one = g.k_size() == 1 && g.s == std::array<std::int64_t, 3>{1, 1, 1} &&
                          g.p == std::array<std::int64_t, 3>{0, 0, 0};
  threads = std::max<std::size_t>(1, std::min<std::size_t>(threads, std::size_t(tasks)));
  // Where a block of weights would not stay in L2, each sliver runs over a group of panels (of
  // one sample and group), so the weights are read once per group instead of once per panel.
  const std::int64_t group = Fg * kc * std::int64_t(sizeof(T)) > (256 << 10) ? kGroup : 1;
  std::int64_t k0 = 0, k1 = 0;
  // Per block of rows: the threads' panels.
  auto body = [&](std::size_t th) {
    T* bp = scratch + std::int64_t(th) * kGroup * kc * 2 * L;
    const std::int64_t t0 = tasks * std::int64_t(th) / std::int64_t(threads),
                       t1 = tasks * std::int64_t(th + 1) / std::int64_t(threads);
    struct Panel {
      const T* b;
      std::int64_t ldb, cols, p0;
      int nb;
    };
    Panel pan[kGroup];
    for (std::int64_t task = t0; task < t1;) {
      const std::int64_t ng = task / panels, gr = ng % g.G, n = ng / g.G, f_base = gr * Fg;
      const std::int64_t end = std::min({t1, (ng + 1) * panels, task + group});
      const T* xg = xs + (n * g.C + gr * Cg) * IS;
      int np = 0;
      for (std::int64_t tk = task; tk < end; ++tk, ++np) {
        const std::int64_t pb = tk % panels, p0 = pb < full ? pb * 2 * L : full * 2 * L + (pb - full) * L;
        const int nb = pb < full ? 2 : 1;
        const std::int64_t cols = std::min<std::int64_t>(nb * L, P - p0);
        // A 1x1 kernel's full panels are rows of the image itself; the others are packed.
        const bool direct = one_by_one && cols == nb * L;
        T* buf = bp + np * kc * 2 * L;
        if (!direct) pack(g, xg, k0, k1, p0, cols, nb * L, buf);
        pan[np] = {direct ? xg + k0 * P + p0 : buf, direct ? P : nb * L, cols, p0, nb};
      }
      for (std::int64_t sv = 0; sv < slivers; ++sv) {
        const std::int64_t f = sv * kMr;
        const int m = static_cast<int>(std::min<std::int64_t>(kMr, Fg - f));
        const T* a = ws + (f_base + f) * K + k0;
        for (int j = 0; j < np; ++j) {
          const Panel& q = pan[j];
          const std::int64_t at = (n * g.F + f_base + f) * P + q.p0;
          const Tile<T> t{y + at,
                          P,
                          q.cols,
                          f_base + f,
                          k0 > 0 || accumulate,
                          k1 == K ? e : nullptr,
                          e && e->residual ? e->residual + at : nullptr};
          if (q.nb == 2)
            micro_rows<2>(m, k1 - k0, a, K, q.b, q.ldb, t);
          else
            micro_rows<1>(m, k1 - k0, a, K, q.b, q.ldb, t);
        }
      }
      task = end;
    }
  };
  for (k0 = 0; k0 < K; k0 = k1) {
    k1 = std::min(K, k0 + kc);
    if (threads == 1)
      body(0);
    else
      host::ThreadPool::instance().run(threads, body);
  }
}

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_CPU_CONV_GEMM)
SYMGRAD_INLINE ConvGemm& conv_gemm() {
  static ConvGemm k = [] {
    const char* v = std::getenv("SYMGRAD_CONV_GEMM");
    const std::string s = v ? v : "";
    return s == "own" ? ConvGemm::own : s == "blas" ? ConvGemm::blas : ConvGemm::tuned;
  }();
  return k;
}
SYMGRAD_INLINE TuneKey tune_key(const Geo& g, std::size_t elem_size, std::size_t threads) {
  TuneKey key;
  std::size_t i = 0;
  for (std::int64_t x : {g.N, g.C, g.F, g.G, std::int64_t(elem_size), std::int64_t(threads)}) key.v[i++] = x;
  for (const auto* a : {&g.in, &g.k, &g.s, &g.d, &g.p, &g.out})
    for (std::size_t j = 0; j < 3 && i < key.v.size(); ++j) key.v[i++] = (*a)[j];
  return key;
}
SYMGRAD_INLINE ConvGemm tuned_choice(const TuneKey& key, double (*time)(void*, ConvGemm), void* ctx) {
  static std::mutex m;
  static std::map<TuneKey, ConvGemm> table;
  {
    std::lock_guard<std::mutex> lock(m);
    if (auto it = table.find(key); it != table.end()) return it->second;
  }
  if (!time) return ConvGemm::blas;
  double best[2] = {1e300, 1e300};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 2; ++c)
      best[c] = std::min(best[c], time(ctx, c == 0 ? ConvGemm::own : ConvGemm::blas));
  const ConvGemm pick = best[0] < best[1] ? ConvGemm::own : ConvGemm::blas;
  std::lock_guard<std::mutex> lock(m);
  return table.emplace(key, pick).first->second;
}
#endif

}  // namespace SYMGRAD_NS::host::conv
