// The building blocks of cpu/conv_gemm-inl.hpp: the output pass (epilogue_value), the packing
// of col's rows, the register-blocked micro-kernels and the block sizes (that file's first
// comment describes the scheme).
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

}  // namespace cg_detail
}  // namespace SYMGRAD_NS::host::conv
