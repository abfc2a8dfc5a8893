// The per-element work of the CUDA kernels, written once for host and device. The library
// (kernels/*.cu) runs each body over a grid; the CPU test suite runs the same bodies in a plain
// loop and compares them with the CPU operators, so the index arithmetic and the math of every
// device kernel are checked on machines without a GPU. Plain C++: no xtensor, no CUDA types.
#pragma once
#include <cmath>
#include <cstdint>

#include "../core/req.hpp"
#include "codes.hpp"

#if defined(__CUDACC__)
#define SYMGRAD_HD __host__ __device__ __forceinline__
#else
#define SYMGRAD_HD inline
#endif

namespace SYMGRAD_NS::cuda {

namespace m {  // float and double math on host and device
SYMGRAD_HD float exp(float x) { return ::expf(x); }
SYMGRAD_HD double exp(double x) { return ::exp(x); }
SYMGRAD_HD float log(float x) { return ::logf(x); }
SYMGRAD_HD double log(double x) { return ::log(x); }
SYMGRAD_HD float log1p(float x) { return ::log1pf(x); }
SYMGRAD_HD double log1p(double x) { return ::log1p(x); }
SYMGRAD_HD float expm1(float x) { return ::expm1f(x); }
SYMGRAD_HD double expm1(double x) { return ::expm1(x); }
SYMGRAD_HD float sqrt(float x) { return ::sqrtf(x); }
SYMGRAD_HD double sqrt(double x) { return ::sqrt(x); }
SYMGRAD_HD float tanh(float x) { return ::tanhf(x); }
SYMGRAD_HD double tanh(double x) { return ::tanh(x); }
SYMGRAD_HD float sin(float x) { return ::sinf(x); }
SYMGRAD_HD double sin(double x) { return ::sin(x); }
SYMGRAD_HD float cos(float x) { return ::cosf(x); }
SYMGRAD_HD double cos(double x) { return ::cos(x); }
SYMGRAD_HD float pow(float a, float b) { return ::powf(a, b); }
SYMGRAD_HD double pow(double a, double b) { return ::pow(a, b); }
SYMGRAD_HD float erf(float x) { return ::erff(x); }
SYMGRAD_HD double erf(double x) { return ::erf(x); }
SYMGRAD_HD float abs(float x) { return ::fabsf(x); }
SYMGRAD_HD double abs(double x) { return ::fabs(x); }
template <class T>
SYMGRAD_HD T sign(T x) {
  return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
}
template <class T>
SYMGRAD_HD T max(T a, T b) {
  return a > b ? a : b;
}
template <class T>
SYMGRAD_HD T min(T a, T b) {
  return a < b ? a : b;
}
}  // namespace m

// Writes v to *p as req says (write or add; null never reaches a kernel).
template <class T>
SYMGRAD_HD void store(T* p, T v, OpReq req) {
  if (req == OpReq::add)
    *p += v;
  else
    *p = v;
}

// A uniform draw in [0, 1) for counter k under `base` (SplitMix64 finaliser): Dropout's masks
// (CPU and GPU draw the same numbers for the same base).
SYMGRAD_HD double uniform_at(std::uint64_t base, std::uint64_t k) {
  std::uint64_t z = base + 0x9E3779B97F4A7C15ull * (k + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// Adds v to *p; atomically on the device, where several threads may hit one element.
template <class T>
SYMGRAD_HD void atomic_add(T* p, T v) {
#if defined(__CUDA_ARCH__)
  atomicAdd(p, v);
#else
  *p += v;
#endif
}

template <UnaryOp Op, class T>
SYMGRAD_HD T unary_f(T x, T lo, T hi) {
  if constexpr (Op == UnaryOp::identity)
    return x;
  else if constexpr (Op == UnaryOp::negative)
    return -x;
  else if constexpr (Op == UnaryOp::square)
    return x * x;
  else if constexpr (Op == UnaryOp::sqrt)
    return m::sqrt(x);
  else if constexpr (Op == UnaryOp::exp)
    return m::exp(x);
  else if constexpr (Op == UnaryOp::log)
    return m::log(x);
  else if constexpr (Op == UnaryOp::abs)
    return m::abs(x);
  else if constexpr (Op == UnaryOp::relu)
    return x < T(0) ? T(0) : x;
  else if constexpr (Op == UnaryOp::sigmoid)
    return T(1) / (T(1) + m::exp(-x));
  else if constexpr (Op == UnaryOp::tanh)
    return m::tanh(x);
  else if constexpr (Op == UnaryOp::softrelu)
    return x > T(20) ? x : m::log1p(m::exp(x));
  else if constexpr (Op == UnaryOp::softsign)
    return x / (T(1) + m::abs(x));
  else if constexpr (Op == UnaryOp::reciprocal)
    return T(1) / x;
  else if constexpr (Op == UnaryOp::rsqrt)
    return T(1) / m::sqrt(x);
  else if constexpr (Op == UnaryOp::log1p)
    return m::log1p(x);
  else if constexpr (Op == UnaryOp::expm1)
    return m::expm1(x);
  else if constexpr (Op == UnaryOp::sin)
    return m::sin(x);
  else if constexpr (Op == UnaryOp::cos)
    return m::cos(x);
  else if constexpr (Op == UnaryOp::sign)
    return m::sign(x);
  else
    return x < lo ? lo : (x > hi ? hi : x);  // clip
}
// d/dx given x, y = f(x) and the incoming gradient g.
template <UnaryOp Op, class T>
SYMGRAD_HD T unary_grad(T x, T y, T g, T lo, T hi) {
  if constexpr (Op == UnaryOp::identity)
    return g;
  else if constexpr (Op == UnaryOp::negative)
    return -g;
  else if constexpr (Op == UnaryOp::square)
    return T(2) * x * g;
  else if constexpr (Op == UnaryOp::sqrt)
    return g / (T(2) * y);
  else if constexpr (Op == UnaryOp::exp)
    return g * y;
  else if constexpr (Op == UnaryOp::log)
    return g / x;
  else if constexpr (Op == UnaryOp::abs)
    return g * m::sign(x);
  else if constexpr (Op == UnaryOp::relu)
    return y > T(0) ? g : T(0);
  else if constexpr (Op == UnaryOp::sigmoid)
    return g * y * (T(1) - y);
  else if constexpr (Op == UnaryOp::tanh)
    return g * (T(1) - y * y);
  else if constexpr (Op == UnaryOp::softrelu)
    return g * (T(1) - m::exp(-y));
  else if constexpr (Op == UnaryOp::softsign) {
    T d = T(1) + m::abs(x);
    return g / (d * d);
  } else if constexpr (Op == UnaryOp::reciprocal)
    return -g * y * y;
  else if constexpr (Op == UnaryOp::rsqrt)
    return T(-0.5) * g * y / x;
  else if constexpr (Op == UnaryOp::log1p)
    return g / (T(1) + x);
  else if constexpr (Op == UnaryOp::expm1)
    return g * (y + T(1));
  else if constexpr (Op == UnaryOp::sin)
    return g * m::cos(x);
  else if constexpr (Op == UnaryOp::cos)
    return -g * m::sin(x);
  else if constexpr (Op == UnaryOp::sign)
    return T(0);
  else
    return (x >= lo && x <= hi) ? g : T(0);  // clip
}

template <BinaryOp Op, class T>
SYMGRAD_HD T binary_f(T a, T b) {
  if constexpr (Op == BinaryOp::add)
    return a + b;
  else if constexpr (Op == BinaryOp::sub)
    return a - b;
  else if constexpr (Op == BinaryOp::mul)
    return a * b;
  else if constexpr (Op == BinaryOp::div)
    return a / b;
  else if constexpr (Op == BinaryOp::maximum)
    return m::max(a, b);
  else if constexpr (Op == BinaryOp::minimum)
    return m::min(a, b);
  else if constexpr (Op == BinaryOp::power)
    return m::pow(a, b);
  else if constexpr (Op == BinaryOp::rsub)
    return b - a;
  else if constexpr (Op == BinaryOp::rdiv)
    return b / a;
  else
    return m::pow(b, a);  // rpower
}
// d/da and d/db given a, b, y = f(a, b) and g.
template <BinaryOp Op, class T>
SYMGRAD_HD T binary_grad_a(T a, T b, T y, T g) {
  if constexpr (Op == BinaryOp::add || Op == BinaryOp::sub)
    return g;
  else if constexpr (Op == BinaryOp::mul)
    return g * b;
  else if constexpr (Op == BinaryOp::div)
    return g / b;
  else if constexpr (Op == BinaryOp::maximum)
    return a >= b ? g : T(0);
  else if constexpr (Op == BinaryOp::minimum)
    return b >= a ? g : T(0);
  else if constexpr (Op == BinaryOp::power)
    return g * b * m::pow(a, b - T(1));
  else if constexpr (Op == BinaryOp::rsub)
    return -g;
  else if constexpr (Op == BinaryOp::rdiv)
    return -g * y / a;
  else
    return g * y * m::log(b);  // rpower: d(b^a)/da
}
template <BinaryOp Op, class T>
SYMGRAD_HD T binary_grad_b(T a, T b, T y, T g) {
  if constexpr (Op == BinaryOp::add)
    return g;
  else if constexpr (Op == BinaryOp::sub)
    return -g;
  else if constexpr (Op == BinaryOp::mul)
    return g * a;
  else if constexpr (Op == BinaryOp::div)
    return -g * y / b;
  else if constexpr (Op == BinaryOp::maximum)
    return b > a ? g : T(0);
  else if constexpr (Op == BinaryOp::minimum)
    return a > b ? g : T(0);
  else if constexpr (Op == BinaryOp::power)
    return g * y * m::log(a);
  else if constexpr (Op == BinaryOp::rsub)
    return g;
  else if constexpr (Op == BinaryOp::rdiv)
    return g / a;
  else
    return g * a * m::pow(b, a - T(1));  // rpower
}

// ---- elementwise bodies: operator()(i) does element i ----

template <UnaryOp Op, class T>
struct UnaryBody {
  const T* x;
  T* y;
  T lo, hi;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const { store(y + i, unary_f<Op>(x[i], lo, hi), req); }
};
template <UnaryOp Op, class T>
struct UnaryGradBody {
  const T *g, *x, *y;
  T* dx;
  T lo, hi;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    // x or y may be absent (null) when the function does not need it
    T xi = x ? x[i] : T(0), yi = y ? y[i] : T(0);
    store(dx + i, unary_grad<Op>(xi, yi, g[i], lo, hi), req);
  }
};
// a op b; a scalar operand is given as b_scalar with b == nullptr.
template <BinaryOp Op, class T>
struct BinaryBody {
  const T *a, *b;
  T b_scalar;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const { store(y + i, binary_f<Op>(a[i], b ? b[i] : b_scalar), req); }
};
template <BinaryOp Op, class T>
struct BinaryGradBody {
  const T *g, *a, *b, *y;
  T b_scalar;
  T *da, *db;
  OpReq req_a, req_b;
  SYMGRAD_HD void operator()(index_t i) const {
    T bi = b ? b[i] : b_scalar, yi = y ? y[i] : T(0);
    if (da) store(da + i, binary_grad_a<Op>(a[i], bi, yi, g[i]), req_a);
    if (db) store(db + i, binary_grad_b<Op>(a[i], bi, yi, g[i]), req_b);
  }
};
// Sum of up to 8 arrays (add_n and gradient sums).
template <class T>
struct SumBody {
  const T* x[8];
  int count;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    T s = x[0][i];
    for (int k = 1; k < count; ++k) s += x[k][i];
    store(y + i, s, req);
  }
};
template <class T>
struct FillBody {
  T* y;
  T v;
  SYMGRAD_HD void operator()(index_t i) const { y[i] = v; }
};
template <class S, class D>
struct CastBody {
  const S* x;
  D* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const { store(y + i, static_cast<D>(x[i]), req); }
};

// ---- broadcasting: out[i] = a[ia] op b[ib] with the operands' strides (0 on broadcast axes) ----
struct BroadcastIndex {
  int ndim = 0;
  index_t shape[kMaxDims] = {};     // output shape
  index_t stride_a[kMaxDims] = {};  // element strides of a and b in output coordinates
  index_t stride_b[kMaxDims] = {};
  SYMGRAD_HD void offsets(index_t i, index_t& ia, index_t& ib) const {
    ia = 0, ib = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      index_t c = i % shape[d];
      i /= shape[d];
      ia += c * stride_a[d];
      ib += c * stride_b[d];
    }
  }
};
template <BinaryOp Op, class T>
struct BroadcastBody {
  BroadcastIndex ix;
  const T *a, *b;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t ia, ib;
    ix.offsets(i, ia, ib);
    store(y + i, binary_f<Op>(a[ia], b[ib]), req);
  }
};

// dA, dB of a broadcast operation: each output element adds its share (atomically: many output
// elements meet in one broadcast operand element). da/db are zero-filled first for req write.
template <BinaryOp Op, class T>
struct BroadcastGradBody {
  BroadcastIndex ix;
  const T *g, *a, *b, *y;
  T *da, *db;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t ia, ib;
    ix.offsets(i, ia, ib);
    T av = a[ia], bv = b[ib];
    if (da) atomic_add(da + ia, binary_grad_a<Op>(av, bv, y[i], g[i]));
    if (db) atomic_add(db + ib, binary_grad_b<Op>(av, bv, y[i], g[i]));
  }
};

// ---- reductions: out[o] = sum (or mean) over the reduced coordinates of in ----
// `kept` holds the output coordinates (their sizes and input strides), `red` the reduced ones.
struct ReduceIndex {
  int nkept = 0, nred = 0;
  index_t kept_shape[kMaxDims] = {}, kept_stride[kMaxDims] = {};
  index_t red_shape[kMaxDims] = {}, red_stride[kMaxDims] = {};
  index_t red_size = 1;
  SYMGRAD_HD index_t base(index_t o) const {
    index_t off = 0;
    for (int d = nkept - 1; d >= 0; --d) {
      off += (o % kept_shape[d]) * kept_stride[d];
      o /= kept_shape[d];
    }
    return off;
  }
  SYMGRAD_HD index_t inner(index_t r) const {
    index_t off = 0;
    for (int d = nred - 1; d >= 0; --d) {
      off += (r % red_shape[d]) * red_stride[d];
      r /= red_shape[d];
    }
    return off;
  }
};
enum class ReduceOp : int { sum, mean, max, min, prod };
template <ReduceOp Op, class T>
struct ReduceBody {
  ReduceIndex ix;
  const T* x;
  T* y;
  T scale;  // multiplies the sum (mean: 1/n; sum of gradients: 1)
  OpReq req;
  SYMGRAD_HD void operator()(index_t o) const {
    index_t b = ix.base(o);
    T acc = x[b + ix.inner(0)];
    for (index_t r = 1; r < ix.red_size; ++r) {
      T v = x[b + ix.inner(r)];
      if constexpr (Op == ReduceOp::sum || Op == ReduceOp::mean)
        acc += v;
      else if constexpr (Op == ReduceOp::max)
        acc = v > acc || v != v ? v : acc;
      else if constexpr (Op == ReduceOp::min)
        acc = v < acc || v != v ? v : acc;
      else
        acc *= v;
    }
    if constexpr (Op == ReduceOp::sum || Op == ReduceOp::mean) acc *= scale;
    store(y + o, acc, req);
  }
};

// The gradient of a reduction at input element i: y_stride maps input coordinates to the
// output element (0 on reduced axes).
struct ReduceGradIndex {
  int ndim = 0;
  index_t shape[kMaxDims] = {}, y_stride[kMaxDims] = {};
  SYMGRAD_HD index_t out_of(index_t i) const {
    index_t o = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      o += (i % shape[d]) * y_stride[d];
      i /= shape[d];
    }
    return o;
  }
};
template <ReduceOp Op, class T>
struct ReduceGradBody {
  ReduceGradIndex ix;
  const T *g, *x, *y;
  T* dx;
  T inv_count;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t o = ix.out_of(i);
    T v = g[o];
    if constexpr (Op == ReduceOp::mean)
      v *= inv_count;
    else if constexpr (Op == ReduceOp::max || Op == ReduceOp::min)
      v = x[i] == y[o] ? v : T(0);
    else if constexpr (Op == ReduceOp::prod)
      v = v * y[o] / x[i];
    store(dx + i, v, req);
  }
};

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

// ---- Embedding: out[i, :] = w[idx[i], :]; dw[idx[i], :] += g[i, :] ----
template <class T, class I>
struct EmbeddingBody {
  const I* idx;
  const T* w;
  T* y;
  index_t input_dim, dim;
  int* bad;
  OpReq req;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t i = e / dim, d = e % dim;
    auto k = static_cast<index_t>(idx[i]);
    if (k < 0 || k >= input_dim || static_cast<I>(k) != idx[i]) {
      *bad = 1;
      k = k < 0 ? 0 : input_dim - 1;
    }
    store(y + e, w[k * dim + d], req);
  }
};
template <class T, class I>
struct EmbeddingGradBody {
  const I* idx;
  const T* g;
  T* dw;
  index_t input_dim, dim;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t i = e / dim, d = e % dim;
    auto k = static_cast<index_t>(idx[i]);
    if (k >= 0 && k < input_dim) atomic_add(dw + k * dim + d, g[e]);
  }
};

// ---- optimizer steps (train/optimizer.hpp has the CPU forms) ----
template <class T>
SYMGRAD_HD T clip_to(T x, T bound) {
  return x > bound ? bound : (x < -bound ? -bound : x);
}
// SGD: mom = momentum·mom − lr·wd·w − lr·clip(rescale·g); w += mom (mom = 0 without momentum).
template <class T>
struct SgdBody {
  T *w, *mom;
  const T* g;
  T lr, lr_wd, rescale, clip, momentum;
  bool clips;
  SYMGRAD_HD void operator()(index_t i) const {
    T step = clips ? lr * clip_to(rescale * g[i], clip) : lr * rescale * g[i];
    T m = (mom ? momentum * mom[i] : T(0)) - lr_wd * w[i] - step;
    if (mom) mom[i] = m;
    w[i] = w[i] + m;
  }
};
// Adam with the bias correction folded into lr, as MXNet.
template <class T>
struct AdamBody {
  T *w, *mean, *var;
  const T* g;
  T lr, wd, rescale, clip, beta1, beta2, eps;
  bool clips;
  SYMGRAD_HD void operator()(index_t i) const {
    T gr = g[i] * rescale + w[i] * wd;
    if (clips) gr = clip_to(gr, clip);
    mean[i] = beta1 * mean[i] + (T(1) - beta1) * gr;
    var[i] = beta2 * var[i] + (T(1) - beta2) * gr * gr;
    w[i] = w[i] - lr * mean[i] / (m::sqrt(var[i]) + eps);
  }
};

}  // namespace SYMGRAD_NS::cuda
