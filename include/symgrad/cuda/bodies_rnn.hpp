// Per-element bodies of the fused RNN operator's CUDA path (ops/rnn_kernels.hpp and
// rnn_backward.hpp have the CPU forms): one step's gate nonlinearities and state update, their
// derivatives, and the row/column helpers around the GEMMs.
#pragma once
#include "bodies.hpp"

namespace SYMGRAD_NS::cuda {

enum class RnnMode : int { lstm, gru, rnn_tanh, rnn_relu };  // ops::RNNMode's order

template <class T>
SYMGRAD_HD T sigmoid(T x) {
  return T(1) / (T(1) + m::exp(-x));
}

// One step for all N rows; element e = (n, j), j < H. g: this step's gates (N, G·H), activated
// in place; out: the layer output's row 0 for this step and direction (row stride D·H).
template <class T>
struct RnnStepBody {
  RnnMode mode;
  index_t H, G, DH;
  T* g;
  const T *h_prev, *c_prev, *hn;
  T *h, *c, *out;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t n = e / H, j = e % H, GH = G * H;
    T* gn = g + n * GH;
    T hv;
    if (mode == RnnMode::lstm) {
      T i = sigmoid(gn[j]), f = sigmoid(gn[H + j]), gg = m::tanh(gn[2 * H + j]), o = sigmoid(gn[3 * H + j]);
      gn[j] = i, gn[H + j] = f, gn[2 * H + j] = gg, gn[3 * H + j] = o;
      T cv = f * c_prev[e] + i * gg;
      c[e] = cv;
      hv = o * m::tanh(cv);
    } else if (mode == RnnMode::gru) {
      T r = sigmoid(gn[j]), z = sigmoid(gn[H + j]);
      T nn = m::tanh(gn[2 * H + j] + r * hn[e]);
      gn[j] = r, gn[H + j] = z, gn[2 * H + j] = nn;
      hv = (T(1) - z) * nn + z * h_prev[e];
    } else if (mode == RnnMode::rnn_tanh) {
      hv = m::tanh(gn[j]);
      gn[j] = hv;
    } else {
      hv = gn[j] > T(0) ? gn[j] : T(0);
      gn[j] = hv;
    }
    h[e] = hv;
    out[n * DH + j] = hv;
  }
};

// The step's gate derivatives from dh (+ this step's output gradient) and dc; updates dc (LSTM)
// and, for GRU, the hidden-side gate gradients dgh and the direct path z·dh.
template <class T>
struct RnnStepGradBody {
  RnnMode mode;
  index_t H, G, DH;
  const T *g, *c_prev, *h_prev, *cell_t, *hn_t, *dh, *dy;
  T *dg, *dgh, *dc, *direct;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t n = e / H, j = e % H, GH = G * H, gq = n * GH + j;
    T dhv = dh[e] + dy[n * DH + j];
    if (mode == RnnMode::lstm) {
      T i = g[gq], f = g[gq + H], gg = g[gq + 2 * H], o = g[gq + 3 * H];
      T tc = m::tanh(cell_t[e]);
      T dct = dc[e] + dhv * o * (T(1) - tc * tc);
      dg[gq] = dct * gg * i * (T(1) - i);
      dg[gq + H] = dct * c_prev[e] * f * (T(1) - f);
      dg[gq + 2 * H] = dct * i * (T(1) - gg * gg);
      dg[gq + 3 * H] = dhv * tc * o * (T(1) - o);
      dc[e] = dct * f;
    } else if (mode == RnnMode::gru) {
      T r = g[gq], z = g[gq + H], nn = g[gq + 2 * H];
      T hv = hn_t[e], hp = h_prev[e];
      T dnp = dhv * (T(1) - z) * (T(1) - nn * nn);
      T dr = dnp * hv * r * (T(1) - r), dz = dhv * (hp - nn) * z * (T(1) - z);
      dg[gq] = dr, dg[gq + H] = dz, dg[gq + 2 * H] = dnp;
      dgh[gq] = dr, dgh[gq + H] = dz, dgh[gq + 2 * H] = dnp * r;
      direct[e] = dhv * z;
    } else if (mode == RnnMode::rnn_tanh) {
      T a = g[gq];
      dg[gq] = dhv * (T(1) - a * a);
    } else {
      dg[gq] = g[gq] > T(0) ? dhv : T(0);
    }
  }
};

// y (rows, cols) with leading dimension ld: every row += v (element e = (row, col)).
template <class T>
struct AddRowsBody {
  T* y;
  const T* v;
  index_t cols, ld;
  SYMGRAD_HD void operator()(index_t e) const { y[(e / cols) * ld + e % cols] += v[e % cols]; }
};
// acc (cols) += the column sums of x (rows, cols) with leading dimension ld; a thread per column.
template <class T>
struct ColSumsBody {
  T* acc;
  const T* x;
  index_t rows, ld;
  SYMGRAD_HD void operator()(index_t j) const {
    T s = T(0);
    for (index_t r = 0; r < rows; ++r) s += x[r * ld + j];
    acc[j] += s;
  }
};

}  // namespace SYMGRAD_NS::cuda
