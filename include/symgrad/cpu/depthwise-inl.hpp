// The vectorised depthwise convolution of cpu/depthwise.hpp.
//
// Per (sample, filter) plane: the input channel is first copied into a zero-padded scratch plane,
// each row split into its `stride` phases (phase p holds padded columns p, p + s, p + 2s, ...), so
// that tap e of output column o reads phase e % s at column o + e / s: every tap is a contiguous,
// unaligned vector load, with no bounds checks in the inner loop (the padding and a tail of zeros
// are in the scratch). Then blocks of R output rows × U vectors of outputs (R·U = 8 or 9, enough
// independent FMA chains to hide their latency) accumulate every tap, its weight broadcast once per
// plane, in registers and are stored once. The scratch is zeroed once per call and thread; each
// plane's copy writes only the input's positions.
// A row's last, partial vector is stored whole when the next row follows (it overwrites the
// start of that row, which is written later), except when accumulating.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "depthwise.hpp"
#include "parallel.hpp"
#include "simd.hpp"

namespace SYMGRAD_NS::host::conv {

namespace dw_detail {

inline constexpr std::int64_t kMaxTaps = 64;

inline constexpr std::int64_t kMaxStride = 8;

// The scratch plane's layout for vectors of `lanes` elements.
struct Layout {
  std::int64_t H, W, OH, OW, KH, KW, sh, sw, ph, pw;
  std::int64_t rows;              // padded input rows
  std::int64_t phase;             // elements of one phase of a row
  std::int64_t offset[kMaxTaps];  // tap a·KW + e: its element relative to the output row's first
  // Column j of phase p holds input column j·sw + p - pw: inside the input for j in [lo[p], hi[p]).
  // With stride 2, both phases are inside for j in [both_lo, both_hi).
  std::int64_t lo[kMaxStride], hi[kMaxStride], both_lo = 0, both_hi = 0;
  std::int64_t row() const { return sw * phase; }
  std::int64_t size() const { return rows * row(); }
};

inline Layout layout(const Geo& g, std::int64_t lanes) {
  Layout l{};
  l.H = g.in[1], l.W = g.in[2], l.OH = g.out[1], l.OW = g.out[2];
  l.KH = g.k[1], l.KW = g.k[2], l.sh = g.s[1], l.sw = g.s[2], l.ph = g.p[1], l.pw = g.p[2];
  l.rows = std::max(l.H + 2 * l.ph, (l.OH - 1) * l.sh + l.KH);
  const std::int64_t ow_vec = (l.OW + lanes - 1) / lanes * lanes;
  l.phase = std::max((l.W + 2 * l.pw + l.sw - 1) / l.sw, ow_vec + (l.KW - 1) / l.sw);
  if (l.KH * l.KW > kMaxTaps || l.sw > kMaxStride) return l;  // not depthwise_simd_fits
  for (std::int64_t a = 0; a < l.KH; ++a)
    for (std::int64_t e = 0; e < l.KW; ++e)
      l.offset[a * l.KW + e] = a * l.row() + (e % l.sw) * l.phase + e / l.sw;
  for (std::int64_t p = 0; p < l.sw; ++p) {
    const std::int64_t first = p - l.pw;
    l.lo[p] = first >= 0 ? 0 : (-first + l.sw - 1) / l.sw;
    l.hi[p] = std::max(l.lo[p], std::min(l.phase, (l.W - first + l.sw - 1) / l.sw));
  }
  if (l.sw == 2) {
    l.both_lo = (l.pw + 1) / 2;
    l.both_hi = std::max(l.both_lo, std::min(l.phase, (l.W + l.pw) / 2));
  }
  return l;
}

// Copies input plane x (H, W) into the scratch plane's rows ph .. ph + H - 1, split into phases;
// the padding around it is left as it is (zero).
template <class T>
void fill(const Layout& l, const T* x, T* pad) {
  for (std::int64_t i = 0; i < l.H; ++i) {
    const T* __restrict src = x + i * l.W;
    T* __restrict dst = pad + (i + l.ph) * l.row();
    if (l.sw == 1) {
      for (std::int64_t j = 0; j < l.W; ++j) dst[l.pw + j] = src[j];
      continue;
    }
    if (l.sw == 2) {  // both phases at once (vectorised with shuffles), then the edges
      const T* __restrict s = src - l.pw;
      T* __restrict d0 = dst;
      T* __restrict d1 = dst + l.phase;
      for (std::int64_t j = l.both_lo; j < l.both_hi; ++j) {
        d0[j] = s[2 * j];
        d1[j] = s[2 * j + 1];
      }
    }
    for (std::int64_t p = 0; p < l.sw; ++p) {
      T* d = dst + p * l.phase;
      const T* s = src + p - l.pw;
      for (std::int64_t j = l.lo[p]; j < std::min(l.hi[p], l.both_lo); ++j) d[j] = s[j * l.sw];
      for (std::int64_t j = std::max(l.lo[p], l.both_hi); j < l.hi[p]; ++j) d[j] = s[j * l.sw];
    }
  }
}

// Rows [oh, oh + R) of the output plane y, columns [o, o + U·L) (the last vector may be partial):
// R·U accumulators, each tap's weight broadcast once and every load used once. A partial vector is
// stored whole when enough of the plane follows it (its spill into the next row is overwritten
// later: plane() visits columns right to left and rows downwards), else through a buffer.
template <int R, int U, class T>
inline void block(const Layout& l, const T* pad, const Batch<T>* wb, T* y, std::int64_t oh, std::int64_t o,
                  bool accumulate) {
  using B = Batch<T>;
  constexpr std::int64_t L = lanes<T>();
  const std::int64_t ntaps = l.KH * l.KW;
  B acc[R][U];
  for (int r = 0; r < R; ++r)
    for (int u = 0; u < U; ++u) acc[r][u] = B(T(0));
  const T* in = pad + oh * l.sh * l.row() + o;
  const std::int64_t rs = l.sh * l.row();
  for (std::int64_t t = 0; t < ntaps; ++t) {
    const B wv = wb[t];
    const T* src = in + l.offset[t];
    for (int r = 0; r < R; ++r)
      for (int u = 0; u < U; ++u)
        acc[r][u] = xsimd::fma(wv, B::load_unaligned(src + r * rs + u * L), acc[r][u]);
  }
  for (int r = 0; r < R; ++r) {
    T* yrow = y + (oh + r) * l.OW;
    for (int u = 0; u < U; ++u) {
      const std::int64_t c = o + u * L, valid = std::min(L, l.OW - c);
      const bool room = (l.OH - oh - r - 1) * l.OW >= L;  // the plane's later rows hold a vector
      if (valid == L || (!accumulate && room)) {
        if (accumulate) acc[r][u] += B::load_unaligned(yrow + c);
        acc[r][u].store_unaligned(yrow + c);
      } else {
        alignas(64) T tmp[L];
        acc[r][u].store_aligned(tmp);
        for (std::int64_t i = 0; i < valid; ++i) yrow[c + i] = accumulate ? yrow[c + i] + tmp[i] : tmp[i];
      }
    }
  }
}

// Output rows [oh, oh + R): vectors in blocks of U from the left, the leftover ones at the right
// end one at a time; visited right to left.
template <int R, int U, class T>
inline void rows(const Layout& l, const T* pad, const Batch<T>* wb, T* y, std::int64_t oh, bool accumulate) {
  constexpr std::int64_t L = lanes<T>();
  const std::int64_t nv = (l.OW + L - 1) / L, full = nv / U * U;
  for (std::int64_t v = nv - 1; v >= full; --v) block<R, 1>(l, pad, wb, y, oh, v * L, accumulate);
  for (std::int64_t v = full - U; v >= 0; v -= U) block<R, U>(l, pad, wb, y, oh, v * L, accumulate);
}

// All rows in blocks of R (the remainder one at a time), U vectors per block: R·U = 8 or 9
// independent accumulators, enough to hide the FMA latency.
// The last n < R rows, in one block.
template <int R, int U, class T>
inline void rows_tail(const Layout& l, const T* pad, const Batch<T>* wb, T* y, std::int64_t n,
                      bool accumulate) {
  if constexpr (R > 1) {
    if (n == R - 1) return rows<R - 1, U>(l, pad, wb, y, l.OH - n, accumulate);
    rows_tail<R - 1, U>(l, pad, wb, y, n, accumulate);
  }
}
template <int R, int U, class T>
inline void rows_all(const Layout& l, const T* pad, const Batch<T>* wb, T* y, bool accumulate) {
  std::int64_t oh = 0;
  for (; oh + R <= l.OH; oh += R) rows<R, U>(l, pad, wb, y, oh, accumulate);
  if (oh < l.OH) rows_tail<R, U>(l, pad, wb, y, l.OH - oh, accumulate);
}

// One (sample, filter) plane y (OH, OW), its input already in the scratch.
template <class T>
void plane(const Layout& l, const T* pad, const T* w, T* y, bool accumulate) {
  constexpr std::int64_t L = lanes<T>();
  Batch<T> wb[kMaxTaps];
  const std::int64_t ntaps = l.KH * l.KW;
  for (std::int64_t t = 0; t < ntaps; ++t) wb[t] = Batch<T>(w[t]);
  const std::int64_t nv = (l.OW + L - 1) / L;
  if (nv >= 4)
    rows_all<2, 4>(l, pad, wb, y, accumulate);
  else if (nv == 3)
    rows_all<3, 3>(l, pad, wb, y, accumulate);
  else if (nv == 2)
    rows_all<4, 2>(l, pad, wb, y, accumulate);
  else
    rows_all<8, 1>(l, pad, wb, y, accumulate);
}

}  // namespace dw_detail

inline bool depthwise_simd_fits(const Geo& g) {
  return g.in[0] == 1 && g.out[0] == 1 && g.k[0] == 1 && g.d[1] == 1 && g.d[2] == 1 && g.cg() == 1 &&
         g.k[1] * g.k[2] <= dw_detail::kMaxTaps && g.s[2] <= dw_detail::kMaxStride;
}

inline std::size_t depthwise_scratch(const Geo& g, std::size_t lanes) {
  return static_cast<std::size_t>(dw_detail::layout(g, static_cast<std::int64_t>(lanes)).size());
}

template <class T, class After>
void depthwise_forward(const Geo& g, const T* x, const T* w, T* y, bool accumulate, T* scratch,
                       std::size_t threads, const After& after) {
  const auto l = dw_detail::layout(g, static_cast<std::int64_t>(lanes<T>()));
  const std::int64_t planes = g.N * g.F, fg = g.fg(), KS = l.KH * l.KW, IS = l.H * l.W, P = l.OH * l.OW;
  const auto nt = static_cast<std::int64_t>(std::max<std::size_t>(1, threads));
  auto chunk = [&](std::size_t c) {
    T* pad = scratch + static_cast<std::int64_t>(c) * l.size();
    std::fill_n(pad, l.size(), T(0));
    const T* last = nullptr;
    for (std::int64_t pl = planes * std::int64_t(c) / nt; pl < planes * (std::int64_t(c) + 1) / nt; ++pl) {
      const std::int64_t n = pl / g.F, f = pl % g.F;
      const T* xp = x + (n * g.C + f / fg) * IS;
      if (xp != last) dw_detail::fill(l, xp, pad), last = xp;
      dw_detail::plane(l, pad, w + f * KS, y + pl * P, accumulate);
      after(pl);
    }
  };
  if (nt == 1) return chunk(0);
  ThreadPool::instance().run(static_cast<std::size_t>(nt), chunk);
}

namespace dw_detail {
// The forward geometry whose output is the data gradient of g (stride 1): in and out swapped,
// pad k - 1 - p.
inline Geo transposed(const Geo& g) {
  Geo t = g;
  t.C = g.F, t.F = g.C, t.G = g.F;
  t.in = g.out, t.out = g.in;
  for (std::size_t a = 0; a < 3; ++a) t.p[a] = g.k[a] - 1 - g.p[a];
  return t;
}
}  // namespace dw_detail

inline bool depthwise_grad_fits(const Geo& g) {
  for (std::size_t a = 0; a < 3; ++a)
    if (g.s[a] != 1 || g.p[a] > g.k[a] - 1) return false;
  return g.F == g.C && depthwise_simd_fits(g) && depthwise_simd_fits(dw_detail::transposed(g));
}

inline std::size_t depthwise_grad_scratch(const Geo& g, std::size_t lanes, std::size_t threads) {
  return static_cast<std::size_t>(g.F * g.k_size()) +
         threads * depthwise_scratch(dw_detail::transposed(g), lanes);
}

template <class T>
void depthwise_backward_data(const Geo& g, const T* dy, const T* w, T* dx, T* scratch, std::size_t threads) {
  const std::int64_t KS = g.k_size();
  for (std::int64_t f = 0; f < g.F; ++f)  // the flipped filters
    for (std::int64_t t = 0; t < KS; ++t) scratch[f * KS + t] = w[f * KS + KS - 1 - t];
  depthwise_forward(dw_detail::transposed(g), dy, scratch, dx, true, scratch + g.F * KS, threads);
}

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_CPU_DEPTHWISE)
SYMGRAD_INLINE DepthwiseKernel& depthwise_kernel() {
  static DepthwiseKernel k = DepthwiseKernel::simd;
  return k;
}
#endif

}  // namespace SYMGRAD_NS::host::conv
