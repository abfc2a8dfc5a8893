// The RNN operator's CPU forward kernels (see rnn.hpp for the layouts).
#pragma once
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "../cpu/gemm.hpp"
#include "../cpu/simd.hpp"
#include "dropout-inl.hpp"
#include "operator.hpp"
#include "rnn.hpp"

namespace SYMGRAD_NS::ops {

namespace rnn_detail {

// y (rows, cols) with leading dimension ld: every row += v (cols).
template <class T>
void add_rows(T* y, std::int64_t rows, std::int64_t cols, std::int64_t ld, const T* v) {
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < cols; ++j) y[r * ld + j] += v[j];
}
// acc (cols) += column sums of x (rows, cols) with leading dimension ld.
template <class T>
void col_sums(T* acc, const T* x, std::int64_t rows, std::int64_t cols, std::int64_t ld) {
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < cols; ++j) acc[j] += x[r * ld + j];
}

template <class T, class V>
inline V sigm_v(const V& x) {
  if constexpr (host::is_batch<V>::value)
    return V(T(1)) / (V(T(1)) + xsimd::exp(-x));
  else
    return T(1) / (T(1) + std::exp(-x));
}
template <class V>
inline V tanh_v(const V& x) {
  if constexpr (host::is_batch<V>::value)
    return xsimd::tanh(x);
  else
    return std::tanh(x);
}

template <class T>
struct Forward {
  const RNNParam& p;
  RNNLayout lay;
  RNNReserve rv;
  const T* x;   // (T, N, C)
  const T* w;   // packed
  const T* h0;  // (L·D, N, H)
  const T* c0;  // LSTM
  T* y;         // (T, N, D·H)
  T* hy;        // may be null
  T* cy;        // may be null
  T* res;       // reserve
  const RunCtx& ctx;

  // One step's gate nonlinearities and new state for all N rows: SIMD across the hidden units,
  // rows split across threads. out: this step's row 0 in the layer output (row stride D·H).
  void gates_step(T* g, const T* h_prev, const T* c_prev, const T* hn, T* h, T* c, T* out) const {
    const std::int64_t N = rv.N, H = rv.H, GH = rv.G * rv.H, DH = rv.D * rv.H;
    const RNNMode mode = p.mode;
    auto row = [&](std::int64_t n, std::int64_t j, auto tag) {
      using V = typename decltype(tag)::type;
      using host::load, host::store;
      T* gn = g + n * GH;
      const std::int64_t k = n * H + j;
      V hv = host::broadcast<V>(T(0));
      switch (mode) {
        case RNNMode::lstm: {
          V i = sigm_v<T>(load<V>(gn + j)), f = sigm_v<T>(load<V>(gn + H + j));
          V gg = tanh_v(load<V>(gn + 2 * H + j)), o = sigm_v<T>(load<V>(gn + 3 * H + j));
          store(gn + j, i), store(gn + H + j, f), store(gn + 2 * H + j, gg), store(gn + 3 * H + j, o);
          V cv = f * load<V>(c_prev + k) + i * gg;
          store(c + k, cv);
          hv = o * tanh_v(cv);
          break;
        }
        case RNNMode::gru: {
          V r = sigm_v<T>(load<V>(gn + j)), z = sigm_v<T>(load<V>(gn + H + j));
          V nn = tanh_v(load<V>(gn + 2 * H + j) + r * load<V>(hn + k));
          store(gn + j, r), store(gn + H + j, z), store(gn + 2 * H + j, nn);
          hv = (host::broadcast<V>(T(1)) - z) * nn + z * load<V>(h_prev + k);
          break;
        }
        case RNNMode::rnn_tanh:
          hv = tanh_v(load<V>(gn + j)), store(gn + j, hv);
          break;
        case RNNMode::rnn_relu: {
          V a = load<V>(gn + j);
          if constexpr (host::is_batch<V>::value)
            hv = xsimd::max(a, V(T(0)));
          else
            hv = a > T(0) ? a : T(0);
          store(gn + j, hv);
          break;
        }
      }
      store(h + k, hv);
      store(out + n * DH + j, hv);
    };
    const std::size_t grain = static_cast<std::size_t>(std::max<std::int64_t>(1, 16384 / (GH > 0 ? GH : 1)));
    host::parallel_for(static_cast<std::size_t>(N), grain, 1, [&](std::size_t nb, std::size_t ne) {
      constexpr std::int64_t Lw = static_cast<std::int64_t>(host::lanes<T>());
      for (auto n = static_cast<std::int64_t>(nb); n < static_cast<std::int64_t>(ne); ++n) {
        std::int64_t j = 0;
        if constexpr (host::has_simd<T>)
          for (; j + Lw <= H; j += Lw) row(n, j, std::type_identity<host::Batch<T>>{});
        for (; j < H; ++j) row(n, j, std::type_identity<T>{});
      }
    });
  }

  void run() {
    const std::int64_t Tn = rv.T, N = rv.N, H = rv.H, G = rv.G, D = rv.D, L = rv.L, GH = G * H;
    for (std::int64_t l = 0; l < L; ++l) {
      const T* X = l == 0 ? x : res + rv.layer_out(l - 1);
      const std::int64_t in = lay.in(l);
      T* dest = l + 1 == L ? y : res + rv.layer_out(l);
      for (std::int64_t d = 0; d < D; ++d) {
        T* gates = res + rv.gates(l, d);
        const T *Wi = w + lay.w_i2h(l, d), *Wh = w + lay.w_h2h(l, d), *bi = w + lay.b_i2h(l, d),
                *bh = w + lay.b_h2h(l, d);
        // The input projection of every step at once.
        host::gemm<T>(false, true, Tn * N, GH, in, T(1), X, in, Wi, in, T(0), gates, GH);
        add_rows(gates, Tn * N, GH, GH, bi);
        if (p.mode == RNNMode::gru)
          add_rows(gates, Tn * N, 2 * H, GH, bh);  // b_hn goes inside r·(...)
        else
          add_rows(gates, Tn * N, GH, GH, bh);
        const T* h_prev = h0 + (l * D + d) * N * H;
        const T* c_prev = c0 ? c0 + (l * D + d) * N * H : nullptr;
        for (std::int64_t s = 0; s < Tn; ++s) {
          const std::int64_t t = d == 0 ? s : Tn - 1 - s;
          T* g = gates + t * N * GH;
          T* h = res + rv.hidden(l, d) + t * N * H;
          T* c = res + rv.cell(l, d) + t * N * H;
          T* hn = res + rv.hn(l, d) + t * N * H;
          if (p.mode == RNNMode::gru) {
            host::gemm<T>(false, true, N, 2 * H, H, T(1), h_prev, H, Wh, H, T(1), g, GH);
            host::gemm<T>(false, true, N, H, H, T(1), h_prev, H, Wh + 2 * H * H, H, T(0), hn, H);
            add_rows(hn, N, H, H, bh + 2 * H);
          } else {
            host::gemm<T>(false, true, N, GH, H, T(1), h_prev, H, Wh, H, T(1), g, GH);
          }
          gates_step(g, h_prev, c_prev, hn, h, c, dest + t * N * D * H + d * H);
          h_prev = h;
          c_prev = c;
        }
        if (hy) std::copy_n(h_prev, N * H, hy + (l * D + d) * N * H);
        if (cy && p.mode == RNNMode::lstm) std::copy_n(c_prev, N * H, cy + (l * D + d) * N * H);
      }
      if (l + 1 < L) {  // dropout between layers (training only); the mask is kept for backward
        T* mask = res + rv.mask(l);
        const std::int64_t cnt = Tn * N * D * H;
        if (ctx.is_train && p.p > 0) {
          const std::uint64_t base = ctx.rng->next();
          const T scale = static_cast<T>(1.0 / (1.0 - p.p));
          for (std::int64_t k = 0; k < cnt; ++k) {
            mask[k] = uniform_at(base, static_cast<std::uint64_t>(k)) >= p.p ? scale : T(0);
            dest[k] *= mask[k];
          }
        } else {
          std::fill_n(mask, cnt, T(1));
        }
      }
    }
  }
};

}  // namespace rnn_detail

}  // namespace SYMGRAD_NS::ops
