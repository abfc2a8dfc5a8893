// Per-element bodies of the CUDA kernels for convolution (im2col/col2im), pooling, BatchNorm and
// strided copies; as in bodies.hpp, the library runs them over a grid and the CPU tests run them
// in a loop against the CPU operators.
#pragma once
#include "bodies.hpp"

namespace SYMGRAD_NS::cuda {

// ---- convolution: one sample's group of channels, spatial sizes as 3-d (missing dims are 1) ----
struct ConvGeo {
  index_t C = 1;  // channels of the group
  index_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1},
          p[3] = {0, 0, 0};
  SYMGRAD_HD index_t in_size() const { return in[0] * in[1] * in[2]; }
  SYMGRAD_HD index_t out_size() const { return out[0] * out[1] * out[2]; }
  SYMGRAD_HD index_t k_size() const { return k[0] * k[1] * k[2]; }
};
// col (C·k, out) from x (C, in): element idx is row idx / P (channel, kernel offset), column idx % P.
template <class T>
struct Im2colBody {
  ConvGeo g;
  const T* x;
  T* col;
  SYMGRAD_HD void operator()(index_t idx) const {
    index_t P = g.out_size(), ks = g.k_size();
    index_t row = idx / P, o = idx % P;
    index_t c = row / ks, off = row % ks;
    index_t kk[3] = {off / (g.k[1] * g.k[2]), (off / g.k[2]) % g.k[1], off % g.k[2]};
    index_t oo[3] = {o / (g.out[1] * g.out[2]), (o / g.out[2]) % g.out[1], o % g.out[2]};
    index_t pos = 0;
    for (int a = 0; a < 3; ++a) {
      index_t i = oo[a] * g.s[a] - g.p[a] + kk[a] * g.d[a];
      if (i < 0 || i >= g.in[a]) {
        col[idx] = T(0);
        return;
      }
      pos = pos * g.in[a] + i;
    }
    col[idx] = x[c * g.in_size() + pos];
  }
};
// dx (C, in) += the columns that read each input element (a gather: one thread per element).
template <class T>
struct Col2imBody {
  ConvGeo g;
  const T* col;
  T* dx;
  SYMGRAD_HD void operator()(index_t idx) const {
    index_t IS = g.in_size(), P = g.out_size(), ks = g.k_size();
    index_t c = idx / IS, pos = idx % IS;
    index_t ii[3] = {pos / (g.in[1] * g.in[2]), (pos / g.in[2]) % g.in[1], pos % g.in[2]};
    T sum = T(0);
    for (index_t off = 0; off < ks; ++off) {
      index_t kk[3] = {off / (g.k[1] * g.k[2]), (off / g.k[2]) % g.k[1], off % g.k[2]};
      index_t o = 0;
      bool hit = true;
      for (int a = 0; a < 3 && hit; ++a) {
        index_t t = ii[a] + g.p[a] - kk[a] * g.d[a];
        if (t < 0 || t % g.s[a] != 0 || t / g.s[a] >= g.out[a])
          hit = false;
        else
          o = o * g.out[a] + t / g.s[a];
      }
      if (hit) sum += col[(c * ks + off) * P + o];
    }
    dx[idx] += sum;
  }
};

// ---- pooling over planes (N·C), spatial sizes as 3-d ----
enum class PoolKind : int { max, avg, sum };
struct PoolGeo {
  index_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, p[3] = {0, 0, 0};
  PoolKind kind = PoolKind::max;
  bool count_pad = true;  // avg divides by the window clipped to the padded input
  SYMGRAD_HD index_t in_size() const { return in[0] * in[1] * in[2]; }
  SYMGRAD_HD index_t out_size() const { return out[0] * out[1] * out[2]; }
  // window of output o along axis a: [lo, hi) in the input; `padded` its extent in the padded input
  SYMGRAD_HD void window(int a, index_t o, index_t& lo, index_t& hi, index_t& padded) const {
    index_t start = o * s[a] - p[a];
    index_t end = start + k[a] < in[a] + p[a] ? start + k[a] : in[a] + p[a];
    lo = start > 0 ? start : 0;
    hi = end < in[a] ? end : in[a];
    padded = end - start;
  }
};
template <class T>
struct PoolBody {
  PoolGeo g;
  const T* x;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t idx) const {
    index_t OS = g.out_size(), pl = idx / OS, o = idx % OS;
    index_t oo[3] = {o / (g.out[1] * g.out[2]), (o / g.out[2]) % g.out[1], o % g.out[2]};
    index_t lo[3], hi[3], pd[3];
    for (int a = 0; a < 3; ++a) g.window(a, oo[a], lo[a], hi[a], pd[a]);
    const T* xp = x + pl * g.in_size();
    // max starts from the lowest finite value (an empty window keeps it), as the CPU does
    T v = g.kind == PoolKind::max ? (sizeof(T) == 4 ? T(-3.4028234663852886e38) : T(-1.7976931348623157e308))
                                  : T(0);
    for (index_t a = lo[0]; a < hi[0]; ++a)
      for (index_t b = lo[1]; b < hi[1]; ++b)
        for (index_t c = lo[2]; c < hi[2]; ++c) {
          T xv = xp[(a * g.in[1] + b) * g.in[2] + c];
          if (g.kind == PoolKind::max)
            v = v < xv ? xv : v;
          else
            v += xv;
        }
    if (g.kind == PoolKind::avg) {
      index_t n = g.count_pad ? pd[0] * pd[1] * pd[2] : (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
      v = n > 0 ? v / T(n) : T(0);
    }
    store(y + idx, v, req);
  }
};
// dx += the output gradient spread over each window (max: to its first largest element).
template <class T>
struct PoolGradBody {
  PoolGeo g;
  const T *dy, *x;
  T* dx;
  SYMGRAD_HD void operator()(index_t idx) const {
    index_t OS = g.out_size(), IS = g.in_size(), pl = idx / OS, o = idx % OS;
    index_t oo[3] = {o / (g.out[1] * g.out[2]), (o / g.out[2]) % g.out[1], o % g.out[2]};
    index_t lo[3], hi[3], pd[3];
    for (int a = 0; a < 3; ++a) g.window(a, oo[a], lo[a], hi[a], pd[a]);
    const T* xp = x + pl * IS;
    T* dxp = dx + pl * IS;
    if (g.kind == PoolKind::max) {
      index_t best = -1;
      T bv = T(0);
      for (index_t a = lo[0]; a < hi[0]; ++a)
        for (index_t b = lo[1]; b < hi[1]; ++b)
          for (index_t c = lo[2]; c < hi[2]; ++c) {
            index_t i = (a * g.in[1] + b) * g.in[2] + c;
            if (best < 0 || xp[i] > bv) best = i, bv = xp[i];
          }
      if (best >= 0) atomic_add(dxp + best, dy[idx]);
      return;
    }
    T scale = T(1);
    if (g.kind == PoolKind::avg) {
      index_t n = g.count_pad ? pd[0] * pd[1] * pd[2] : (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
      scale = n > 0 ? T(1) / T(n) : T(0);
    }
    T v = dy[idx] * scale;
    for (index_t a = lo[0]; a < hi[0]; ++a)
      for (index_t b = lo[1]; b < hi[1]; ++b)
        for (index_t c = lo[2]; c < hi[2]; ++c) atomic_add(dxp + (a * g.in[1] + b) * g.in[2] + c, v);
  }
};

// ---- BatchNorm: data viewed as (outer, C, inner) ----
struct BnGeo {
  index_t outer = 1, C = 1, inner = 1;
  SYMGRAD_HD index_t channel(index_t e) const { return (e / inner) % C; }
};
// Per channel: the batch's mean and variance (and the moving averages' update), or the moving
// statistics; writes them to mean/var (the operator's extra outputs).
template <class T>
struct BnStatsBody {
  BnGeo g;
  const T* x;
  T *gamma, *moving_mean, *moving_var, *mean, *var;
  double momentum;
  bool batch_stats, fix_gamma;
  SYMGRAD_HD void operator()(index_t c) const {
    double mu, va;
    if (batch_stats) {
      double M = double(g.outer * g.inner), s = 0, q = 0;
      for (index_t o = 0; o < g.outer; ++o)
        for (index_t i = 0; i < g.inner; ++i) s += double(x[(o * g.C + c) * g.inner + i]);
      mu = s / M;
      for (index_t o = 0; o < g.outer; ++o)
        for (index_t i = 0; i < g.inner; ++i) {
          double d = double(x[(o * g.C + c) * g.inner + i]) - mu;
          q += d * d;
        }
      va = q / M;
      moving_mean[c] = T(double(moving_mean[c]) * momentum + mu * (1 - momentum));
      moving_var[c] = T(double(moving_var[c]) * momentum + va * (1 - momentum));
    } else {
      mu = double(moving_mean[c]);
      va = double(moving_var[c]);
    }
    if (fix_gamma) gamma[c] = T(1);
    mean[c] = T(mu);
    var[c] = T(va);
  }
};
template <class T>
struct BnApplyBody {
  BnGeo g;
  const T *x, *gamma, *beta, *mean, *var;
  double eps;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t c = g.channel(e);
    double scale = double(gamma[c]) / ::sqrt(double(var[c]) + eps),
           shift = double(beta[c]) - double(mean[c]) * scale;
    store(y + e, T(double(x[e]) * scale + shift), req);
  }
};
// Per channel: Σ dy and Σ dy·x̂ into sums[2c], sums[2c + 1]; the gamma and beta gradients.
template <class T>
struct BnGradStatsBody {
  BnGeo g;
  const T *dy, *x, *mean, *var;
  double eps;
  bool fix_gamma;
  double* sums;
  T *dgamma, *dbeta;
  OpReq req_gamma, req_beta;
  SYMGRAD_HD void operator()(index_t c) const {
    double mu = double(mean[c]), invstd = 1.0 / ::sqrt(double(var[c]) + eps), sdy = 0, sdyx = 0;
    for (index_t o = 0; o < g.outer; ++o)
      for (index_t i = 0; i < g.inner; ++i) {
        index_t e = (o * g.C + c) * g.inner + i;
        sdy += double(dy[e]);
        sdyx += double(dy[e]) * (double(x[e]) - mu) * invstd;
      }
    sums[2 * c] = sdy;
    sums[2 * c + 1] = sdyx;
    if (req_gamma != OpReq::null) store(dgamma + c, fix_gamma ? T(0) : T(sdyx), req_gamma);
    if (req_beta != OpReq::null) store(dbeta + c, T(sdy), req_beta);
  }
};
template <class T>
struct BnGradApplyBody {
  BnGeo g;
  const T *dy, *x, *gamma, *mean, *var;
  const double* sums;
  double eps;
  bool fix_gamma, use_global_stats;
  T* dx;
  OpReq req;
  SYMGRAD_HD void operator()(index_t e) const {
    index_t c = g.channel(e);
    double invstd = 1.0 / ::sqrt(double(var[c]) + eps), ga = fix_gamma ? 1.0 : double(gamma[c]);
    double d;
    if (use_global_stats) {
      d = double(dy[e]) * ga * invstd;
    } else {
      double M = double(g.outer * g.inner), xh = (double(x[e]) - double(mean[c])) * invstd;
      d = ga * invstd / M * (M * double(dy[e]) - sums[2 * c] - xh * sums[2 * c + 1]);
    }
    store(dx + e, T(d), req);
  }
};

// ---- strided copies: y[i] (C order over `shape`) (+)= x[offset + Σ coord·stride] ----
// Slice, SliceChannel, Concat and transpose are strided copies in one direction or the other.
struct StridedIndex {
  int ndim = 0;
  index_t shape[kMaxDims] = {};
  index_t src_stride[kMaxDims] = {}, dst_stride[kMaxDims] = {};
  index_t src_offset = 0, dst_offset = 0;
  SYMGRAD_HD void offsets(index_t i, index_t& s, index_t& d) const {
    s = src_offset, d = dst_offset;
    for (int a = ndim - 1; a >= 0; --a) {
      index_t c = i % shape[a];
      i /= shape[a];
      s += c * src_stride[a];
      d += c * dst_stride[a];
    }
  }
};
// Dropout: element i is kept (scaled) when the draw for its counter is >= p. The counter is i, or
// with shared axes (ix.ndim > 0) i's offset in the drawn shape (the src side of ix).
template <class T>
struct DropoutBody {
  StridedIndex ix;
  const T* x;
  T* y;
  T* mask;
  std::uint64_t base;
  double p;
  T scale;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t k = i, unused = 0;
    if (ix.ndim > 0) ix.offsets(i, k, unused);
    T m = uniform_at(base, static_cast<std::uint64_t>(k)) >= p ? scale : T(0);
    mask[i] = m;
    if (req != OpReq::null) store(y + i, x[i] * m, req);  // the mask is still wanted
  }
};

// ---- LeakyReLU (ops/leaky_relu.hpp has the formulas); kinds in the CPU operator's order ----
enum class LeakyOp : int { leaky, prelu, elu, selu, gelu, rrelu };
struct LeakyGeo {
  LeakyOp kind = LeakyOp::leaky;
  double slope = 0.25;
  double lo = 0, width = 0;  // rrelu: m uniform in [lo, lo + width) in training, lo + width/2 else
  bool train = false;
  std::uint64_t base = 0;                    // rrelu's draws
  index_t C = 1, inner = 1, g0 = 1, g1 = 1;  // prelu: data as (N, C, inner), gamma as (g0, g1)
  SYMGRAD_HD index_t gamma_at(index_t i) const {
    index_t row = i / inner, n = row / C, c = row % C;
    return (g0 > 1 ? n : 0) * g1 + (g1 > 1 ? c : 0);
  }
};
inline constexpr double kSeluLambda = 1.0507009873554804934193349852946;
inline constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
inline constexpr double kInvSqrt2 = 0.70710678118654752440084436210485;
inline constexpr double kInvSqrt2Pi = 0.39894228040143267793994605993438;

template <class T>
struct LeakyBody {
  LeakyGeo g;
  const T* x;
  const T* gamma;  // prelu
  T* y;
  T* mask;  // rrelu
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    const T xi = x[i], slope = T(g.slope);
    T v;
    switch (g.kind) {
      case LeakyOp::elu:
        v = xi > 0 ? xi : T(slope * m::expm1(xi));
        break;
      case LeakyOp::selu:
        v = xi > 0 ? T(T(kSeluLambda) * xi) : T(T(kSeluLambda * kSeluAlpha) * m::expm1(xi));
        break;
      case LeakyOp::gelu:
        v = T(T(0.5) * xi * (T(1) + m::erf(xi * T(kInvSqrt2))));
        break;
      case LeakyOp::prelu:
        v = xi > 0 ? xi : T(gamma[g.gamma_at(i)] * xi);
        break;
      case LeakyOp::rrelu: {
        const T mi = g.train ? T(g.lo + g.width * uniform_at(g.base, static_cast<std::uint64_t>(i)))
                             : T(g.lo + g.width / 2);
        mask[i] = mi;
        v = xi > 0 ? xi : T(mi * xi);
        break;
      }
      default:
        v = xi > 0 ? xi : T(slope * xi);
        break;
    }
    if (req != OpReq::null) store(y + i, v, req);
  }
};
// dx (+)= dy·f'(x); prelu also dgamma += Σ dy·x over x <= 0 (atomically; the caller zeroes it
// for req write).
template <class T>
struct LeakyGradBody {
  LeakyGeo g;
  const T* dy;
  const T* x;
  const T* y;
  const T* aux;  // gamma (prelu) or the mask (rrelu)
  T* dx;         // null: not wanted
  T* dgamma;     // prelu; null: not wanted
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    if (g.kind == LeakyOp::prelu) {
      const index_t gi = g.gamma_at(i);
      if (dx) store(dx + i, x[i] > 0 ? dy[i] : T(aux[gi] * dy[i]), req);
      if (dgamma && x[i] <= 0) atomic_add(dgamma + gi, T(x[i] * dy[i]));
      return;
    }
    const T slope = T(g.slope);
    T d;
    switch (g.kind) {
      case LeakyOp::elu:
        d = y[i] > 0 ? T(1) : T(y[i] + slope);
        break;
      case LeakyOp::selu:
        d = y[i] > 0 ? T(kSeluLambda) : T(y[i] + T(kSeluLambda) * T(kSeluAlpha));
        break;
      case LeakyOp::gelu: {
        const double xv = double(x[i]);
        d = T(0.5 * (1 + m::erf(xv * kInvSqrt2)) + xv * m::exp(-0.5 * xv * xv) * kInvSqrt2Pi);
        break;
      }
      case LeakyOp::rrelu:
        d = y[i] > 0 ? T(1) : aux[i];
        break;
      default:
        d = y[i] > 0 ? T(1) : slope;
        break;
    }
    store(dx + i, T(d * dy[i]), req);
  }
};

template <class T>
struct StridedCopyBody {
  StridedIndex ix;
  const T* x;
  T* y;
  OpReq req;
  SYMGRAD_HD void operator()(index_t i) const {
    index_t s, d;
    ix.offsets(i, s, d);
    store(y + d, x[s], req);
  }
};

}  // namespace SYMGRAD_NS::cuda
