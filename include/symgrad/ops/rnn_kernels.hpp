// The RNN operator's CPU forward and backward (see rnn.hpp for the layouts).
#pragma once
#include "dropout.hpp"
#include "rnn.hpp"

namespace symgrad::ops {

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

  void run() {
    const std::int64_t Tn = rv.T, N = rv.N, H = rv.H, G = rv.G, D = rv.D, L = rv.L, GH = G * H;
    for (std::int64_t l = 0; l < L; ++l) {
      const T* X = l == 0 ? x : res + rv.layer_out(l - 1);
      const std::int64_t in = lay.in(l);
      T* dest = l + 1 == L ? y : res + rv.layer_out(l);
      for (std::int64_t d = 0; d < D; ++d) {
        T* gates = res + rv.gates(l, d);
        const T *Wi = w + lay.w_i2h(l, d), *Wh = w + lay.w_h2h(l, d), *bi = w + lay.b_i2h(l, d), *bh = w + lay.b_h2h(l, d);
        // The input projection of every step at once.
        host::gemm<T>(false, true, Tn * N, GH, in, T(1), X, in, Wi, in, T(0), gates, GH);
        add_rows(gates, Tn * N, GH, GH, bi);
        if (p.mode == RNNMode::gru) add_rows(gates, Tn * N, 2 * H, GH, bh);  // b_hn goes inside r·(...)
        else add_rows(gates, Tn * N, GH, GH, bh);
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
          for (std::int64_t n = 0; n < N; ++n) {
            T* gn = g + n * GH;
            for (std::int64_t j = 0; j < H; ++j) {
              T hv{};
              switch (p.mode) {
                case RNNMode::lstm: {
                  T i = sigm(gn[j]), f = sigm(gn[H + j]), gg = std::tanh(gn[2 * H + j]), o = sigm(gn[3 * H + j]);
                  gn[j] = i, gn[H + j] = f, gn[2 * H + j] = gg, gn[3 * H + j] = o;
                  T cv = f * c_prev[n * H + j] + i * gg;
                  c[n * H + j] = cv;
                  hv = o * std::tanh(cv);
                  break;
                }
                case RNNMode::gru: {
                  T r = sigm(gn[j]), z = sigm(gn[H + j]);
                  T nn = std::tanh(gn[2 * H + j] + r * hn[n * H + j]);
                  gn[j] = r, gn[H + j] = z, gn[2 * H + j] = nn;
                  hv = (T(1) - z) * nn + z * h_prev[n * H + j];
                  break;
                }
                case RNNMode::rnn_tanh: hv = gn[j] = std::tanh(gn[j]); break;
                case RNNMode::rnn_relu: hv = gn[j] = gn[j] > T(0) ? gn[j] : T(0); break;
              }
              h[n * H + j] = hv;
              dest[(t * N + n) * D * H + d * H + j] = hv;
            }
          }
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

inline void RNN::forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                         std::span<const OpReq> req) const {
  const bool lstm = p_.mode == RNNMode::lstm;
  dispatch_float(in[0].dtype(), "RNN", [&](auto t) {
    using T = decltype(t);
    const Shape& xs = in[0].shape();
    auto lay = rnn_layout(p_, xs[2]);
    RNNReserve rv{xs[0], xs[1], lay.G, p_.state_size, p_.num_layers, p_.dirs()};
    if (req[0] == OpReq::add) throw Error("internal: RNN cannot add to its output");
    std::size_t k = 1;
    T* hy = req[k] == OpReq::null ? nullptr : out[k].data<T>();
    ++k;
    T* cy = nullptr;
    if (lstm) cy = req[k] == OpReq::null ? nullptr : out[k].data<T>(), ++k;
    rnn_detail::Forward<T>{p_,  lay,
                           rv,  in[0].data<T>(),
                           in[1].data<T>(), in[2].data<T>(),
                           lstm ? in[3].data<T>() : nullptr, out[0].data<T>(),
                           hy,  cy,
                           out[k].data<T>(), ctx}
        .run();
  });
}

}  // namespace symgrad::ops

#include "rnn_backward.hpp"
