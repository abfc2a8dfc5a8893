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
#include "im2col.hpp"
#include "parallel.hpp"
#include "simd.hpp"

namespace SYMGRAD_NS::host::conv {

// The output pass (Epilogue) on x, one value or vector of filter f's plane, with r the residual
// there (read only when e has one): the formula every kernel's output pass uses.
template <class T, class V>
inline V epilogue_value(const Epilogue<T>& e, std::int64_t f, V x, V r) {
  const T a = e.scale ? e.scale[f] : T(1), b = e.shift ? e.shift[f] : T(0);
  if constexpr (is_batch<V>::value) {
    x = x * V(a) + V(b);
    if (e.residual) x = x + r;
    if (e.clamp) x = xsimd::min(xsimd::max(x, V(e.lo)), V(e.hi));
  } else {
    x = x * a + b;
    if (e.residual) x = x + r;
    if (e.clamp) x = std::min(std::max(x, e.lo), e.hi);
  }
  return x;
}

namespace cg_detail {

inline constexpr std::int64_t kKc = 512;  // rows of col per block, at most
inline constexpr int kMr = 6;             // filters per micro-kernel call
inline constexpr int kGroup = 8;          // panels per sliver pass, where the weights do not fit L2

template <class T>
constexpr int vec() {
  return static_cast<int>(lanes<T>());
}

// Rows [k0, k1) of col for the pixels [p0, p0 + n) of one sample's group x (Cg, in), into
// bp[(k - k0) · nr + j]; columns n ≤ j < nr are zero.
template <class T>
void pack(const Geo& g, const T* x, std::int64_t k0, std::int64_t k1, std::int64_t p0, std::int64_t n, int nr,
          T* bp) {
  struct Run {
    std::int64_t j0, len, o0, o1, o2;
  };
  Run runs[2 * 16 + 2];
  int nruns = 0;
  for (std::int64_t j = 0; j < n;) {  // runs of pixels along the last output axis
    const std::int64_t p = p0 + j, o2 = p % g.out[2], q = p / g.out[2];
    const std::int64_t len = std::min(n - j, g.out[2] - o2);
    runs[nruns++] = {j, len, q / g.out[1], q % g.out[1], o2};
    j += len;
  }
  const std::int64_t KS = g.k_size(), K12 = g.k[1] * g.k[2], IS = g.in_size();
  // k = ((c · k0 + a) · k1 + b) · k2 + e, stepped without divisions
  std::int64_t c = k0 / KS, a = (k0 % KS) / K12, b = (k0 % K12) / g.k[2], e = k0 % g.k[2];
  for (std::int64_t k = k0; k < k1; ++k) {
    T* dst = bp + (k - k0) * nr;
    const T* xc = x + c * IS;
    for (int ri = 0; ri < nruns; ++ri) {
      const Run& u = runs[ri];
      T* d = dst + u.j0;
      const std::int64_t i0 = u.o0 * g.s[0] - g.p[0] + a * g.d[0], i1 = u.o1 * g.s[1] - g.p[1] + b * g.d[1];
      if (i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1]) {
        for (std::int64_t t = 0; t < u.len; ++t) d[t] = T(0);
        continue;
      }
      const T* row = xc + (i0 * g.in[1] + i1) * g.in[2];
      const std::int64_t base = u.o2 * g.s[2] - g.p[2] + e * g.d[2];
      if (u.len == nr && g.s[2] == 1 && base >= 0 && base + nr <= g.in[2]) {  // one full run inside
        using B = Batch<T>;
        for (int v = 0; v < nr; v += int(lanes<T>()))
          B::load_unaligned(row + base + v).store_unaligned(d + v);
        continue;
      }
      if (base >= 0 && base + (u.len - 1) * g.s[2] < g.in[2]) {  // inside the image: no bounds
        if (g.s[2] == 1)
          for (std::int64_t t = 0; t < u.len; ++t) d[t] = row[base + t];
        else
          for (std::int64_t t = 0; t < u.len; ++t) d[t] = row[base + t * g.s[2]];
        continue;
      }
      for (std::int64_t t = 0; t < u.len; ++t) {
        const std::int64_t i = base + t * g.s[2];
        d[t] = i >= 0 && i < g.in[2] ? row[i] : T(0);
      }
    }
    for (std::int64_t j = n; j < nr; ++j) dst[j] = T(0);
    if (++e == g.k[2]) {
      e = 0;
      if (++b == g.k[1]) {
        b = 0;
        if (++a == g.k[0]) a = 0, ++c;
      }
    }
  }
}

// Where a micro-kernel's tile goes, and what happens to it there.
template <class T>
struct Tile {
  T* c;                  // the tile's first element in y; rows ldc apart
  std::int64_t ldc;      // = P
  std::int64_t n;        // valid columns (≤ NB vectors)
  std::int64_t f;        // the tile's first filter (global, for scale and shift)
  bool add;              // add to what c holds (later blocks, or accumulate)
  const Epilogue<T>* e;  // the last block: the output pass, with the residual at `res`
  const T* res;
};

// Tile (M filters, NB vectors of pixels) += weights a (filter i's row, from the block's first
// column, at a + i · lda: the weights in place, nothing packed) · panel bp, over kc rows: row k at
// bp + k · ldb, or with Gather at bp + off[k].
template <int M, int NB, bool Gather, class T>
void micro(std::int64_t kc, const T* a, std::int64_t lda, const T* bp, std::int64_t ldb,
           const std::int64_t* off, const Tile<T>& t) {
  using B = Batch<T>;
  constexpr int L = vec<T>(), NR = NB * L;
  B acc[M][NB];
  for (int i = 0; i < M; ++i)
    for (int v = 0; v < NB; ++v) acc[i][v] = B(T(0));
#pragma GCC unroll 4
  for (std::int64_t k = 0; k < kc; ++k) {
    B b[NB];
    const T* row = Gather ? bp + off[k] : bp + k * ldb;
    for (int v = 0; v < NB; ++v) b[v] = B::load_unaligned(row + v * L);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      const B w(a[i * lda + k]);
      for (int v = 0; v < NB; ++v) acc[i][v] = xsimd::fma(w, b[v], acc[i][v]);
    }
  }
  const Epilogue<T>* e = t.e;
  for (int i = 0; i < M; ++i) {
    T* c = t.c + i * t.ldc;
    const T* r = e && e->residual ? t.res + i * t.ldc : nullptr;
    auto finish = [&](B x, std::int64_t off, auto load) {
      if (t.add) x = x + load(c + off);
      return e ? epilogue_value(*e, t.f + i, x, r ? load(r + off) : B(T(0))) : x;
    };
    if (t.n == NR) {
      auto full = [](const T* p) { return B::load_unaligned(p); };
      for (int v = 0; v < NB; ++v) finish(acc[i][v], v * L, full).store_unaligned(c + v * L);
    } else {  // a short panel: through a buffer, t.n columns
      alignas(64) T buf[L], in[L];
      for (int v = 0; v < NB; ++v) {
        const std::int64_t m = std::clamp<std::int64_t>(t.n - v * L, 0, L);
        auto partial = [&](const T* p) {
          std::fill_n(in, L, T(0));
          std::copy_n(p, m, in);
          return B::load_unaligned(in);
        };
        finish(acc[i][v], v * L, partial).store_unaligned(buf);
        std::copy_n(buf, m, c + v * L);
      }
    }
  }
}

template <int NB, bool Gather = false, class T>
void micro_rows(int m, std::int64_t kc, const T* a, std::int64_t lda, const T* bp, std::int64_t ldb,
                const Tile<T>& t, const std::int64_t* off = nullptr) {
  switch (m) {
    case 6:
      return micro<6, NB, Gather>(kc, a, lda, bp, ldb, off, t);
    case 5:
      return micro<5, NB, Gather>(kc, a, lda, bp, ldb, off, t);
    case 4:
      return micro<4, NB, Gather>(kc, a, lda, bp, ldb, off, t);
    case 3:
      return micro<3, NB, Gather>(kc, a, lda, bp, ldb, off, t);
    case 2:
      return micro<2, NB, Gather>(kc, a, lda, bp, ldb, off, t);
    default:
      return micro<1, NB, Gather>(kc, a, lda, bp, ldb, off, t);
  }
}

// Rows per block: K in equal blocks of at most kKc, fewer where Fg filters' rows of a block would
// not stay in L2 (about 256 KiB of float weights).
inline std::int64_t block_rows(std::int64_t K, std::int64_t Fg, std::int64_t cap = kKc) {
  const std::int64_t most =
      std::min(cap, std::clamp<std::int64_t>(131072 / std::max<std::int64_t>(Fg, 1), 128, kKc));
  const std::int64_t nb = (K + most - 1) / most;
  return (K + nb - 1) / nb;
}

// A 1x1 kernel with a stride (and no padding) reads only the pixels on the stride's grid: those
// are gathered into a (N, C, out) copy, on which it is a 1x1 stride-1 convolution.
inline bool strided_one_by_one(const Geo& g) {
  return g.k_size() == 1 && g.s != std::array<std::int64_t, 3>{1, 1, 1} &&
         g.p == std::array<std::int64_t, 3>{0, 0, 0};
}
inline Geo subsampled(const Geo& g) {
  Geo r = g;
  r.in = g.out;
  r.s = {1, 1, 1};
  return r;
}

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
