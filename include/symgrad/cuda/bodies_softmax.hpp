// Per-row bodies of the CUDA kernels for softmax along one axis and the output layers'
// gradients (SoftmaxOutput, the regression outputs); see bodies.hpp.
#pragma once
#include "bodies_base.hpp"

namespace SYMGRAD_NS::cuda {

// ---- softmax along one axis: rows are (outer, inner) pairs, `len` elements `inner` apart ----
struct RowIndex {
  index_t outer = 1, len = 1, inner = 1;
  SYMGRAD_HD index_t start(index_t row) const { return (row / inner) * len * inner + row % inner; }
};
template <class T>
struct SoftmaxBody {
  RowIndex ix;
  const T* x;
  T* y;
  T inv_temperature;
  bool log;
  OpReq req;
  SYMGRAD_HD void operator()(index_t row) const {
    index_t s = ix.start(row), st = ix.inner;
    T mx = x[s];
    for (index_t k = 1; k < ix.len; ++k) mx = m::max(mx, x[s + k * st]);
    T sum = T(0);
    for (index_t k = 0; k < ix.len; ++k) sum += m::exp((x[s + k * st] - mx) * inv_temperature);
    if (log) {
      T lse = m::log(sum);
      for (index_t k = 0; k < ix.len; ++k)
        store(y + s + k * st, (x[s + k * st] - mx) * inv_temperature - lse, req);
    } else {
      T inv = T(1) / sum;
      for (index_t k = 0; k < ix.len; ++k)
        store(y + s + k * st, m::exp((x[s + k * st] - mx) * inv_temperature) * inv, req);
    }
  }
};
// Backward from the output y: softmax dx = y (g - Σ g y) / T; log_softmax dx = (g - e^y Σ g) / T.
template <class T>
struct SoftmaxGradBody {
  RowIndex ix;
  const T *g, *y;
  T* dx;
  T inv_temperature;
  bool log;
  OpReq req;
  SYMGRAD_HD void operator()(index_t row) const {
    index_t s = ix.start(row), st = ix.inner;
    T dot = T(0);
    for (index_t k = 0; k < ix.len; ++k) dot += log ? g[s + k * st] : g[s + k * st] * y[s + k * st];
    for (index_t k = 0; k < ix.len; ++k) {
      index_t j = s + k * st;
      T v = log ? g[j] - m::exp(y[j]) * dot : y[j] * (g[j] - dot);
      store(dx + j, v * inv_temperature, req);
    }
  }
};

// SoftmaxOutput's gradient with class labels, rows as in RowIndex (ops/output.hpp has the CPU
// form): (p - onehot(label), with label smoothing) * scale, times p when out_grad. A label equal
// to ignore_label gives a zero row when use_ignore; any other label that is not a class index
// sets *bad.
SYMGRAD_HD index_t class_index(double v, index_t classes) {
  if (!(v >= 0) || v >= static_cast<double>(classes) || v != ::floor(v)) return -1;
  return static_cast<index_t>(v);
}
template <class T, class L>
struct SoftmaxOutputGradBody {
  RowIndex ix;
  const T* p;
  const L* label;
  T* dx;
  T scale;
  index_t ignore_label;
  bool use_ignore, out_grad;
  double smooth_alpha;
  int* bad;
  OpReq req;
  SYMGRAD_HD void operator()(index_t row) const {
    index_t s = ix.start(row), st = ix.inner, C = ix.len;
    double lv = static_cast<double>(label[row]);
    index_t k = class_index(lv, C);
    bool ignored = static_cast<index_t>(lv) == ignore_label;
    if (k < 0 && !ignored) *bad = 1;
    T off = smooth_alpha > 0 ? static_cast<T>(smooth_alpha / static_cast<double>(C - 1)) : T(0);
    T on = smooth_alpha > 0 ? static_cast<T>(1.0 - smooth_alpha) : T(1);
    for (index_t c = 0; c < C; ++c) {
      index_t j = s + c * st;
      T v;
      if (ignored && use_ignore)
        v = T(0);
      else if (k < 0)
        v = p[j] - off;
      else
        v = p[j] - (c == k ? on : off);
      v *= scale;
      if (out_grad) v *= p[j];
      store(dx + j, v, req);
    }
  }
};
// Labels that are not ignore_label (SoftmaxOutput's normalization='valid').
template <class L>
struct CountValidBody {
  const L* label;
  index_t ignore_label;
  int* count;
  SYMGRAD_HD void operator()(index_t i) const {
    if (static_cast<index_t>(static_cast<double>(label[i])) != ignore_label) atomic_add(count, 1);
  }
};
// SoftmaxOutput with a label per probability: (p - label) * scale, times p when out_grad.
template <class T, class L>
struct ProbLabelGradBody {
  const T* p;
  const L* label;
  T* dx;
  T scale;
  bool out_grad;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    T v = scale * (p[i] - static_cast<T>(label[i]));
    if (out_grad) v *= p[i];
    store(dx + i, v, req);
  }
};
// Linear/logistic/MAE regression outputs: (y - label) * scale, or its sign for MAE.
template <class T, class L>
struct RegressionGradBody {
  const T* y;
  const L* label;
  T* dx;
  T scale;
  bool mae;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    T d = y[i] - static_cast<T>(label[i]);
    store(dx + i, (mae ? m::sign(d) : d) * scale, req);
  }
};

}  // namespace SYMGRAD_NS::cuda
