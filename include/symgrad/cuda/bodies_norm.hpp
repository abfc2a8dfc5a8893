// Per-group bodies of the CUDA kernels for LayerNorm, InstanceNorm and L2Normalization
// (ops/norm.hpp has the formulas). Data is viewed as groups of R elements `inner` apart; one body
// call handles one group (or, for the parameter gradients, one channel), with the CPU operator's
// double accumulators, so the results match it to rounding. As in bodies.hpp, the library runs
// them over a grid and the CPU tests run them in a loop.
#pragma once
#include "bodies.hpp"

namespace SYMGRAD_NS::cuda {

// Group g holds the R elements first(g) + r·inner. `layer`: LayerNorm (γ by r, the second
// statistic is the std); else InstanceNorm (γ by g mod C, the second statistic is σ²).
struct NormGeo {
  index_t outer = 1, R = 1, inner = 1;
  index_t C = 1;
  bool layer = true;
  double eps = 0;
  SYMGRAD_HD index_t groups() const { return outer * inner; }
  SYMGRAD_HD index_t first(index_t g) const { return g / inner * R * inner + g % inner; }
  SYMGRAD_HD index_t channel(index_t g, index_t r) const { return layer ? r : g % C; }
  SYMGRAD_HD double inv_std(double stat) const { return layer ? 1.0 / stat : 1.0 / m::sqrt(stat + eps); }
};

template <class T>
SYMGRAD_HD void put(T* dst, double v, OpReq req) {
  *dst = req == OpReq::add ? T(double(*dst) + v) : T(v);
}

// Group g's mean and statistic, and y (unless req is null).
template <class T>
struct MomentsBody {
  NormGeo n;
  const T *x, *gamma, *beta;
  T *y, *mean, *stat;
  OpReq req;
  SYMGRAD_HD void operator()(index_t g) const {
    const T* xg = x + n.first(g);
    double s = 0, q = 0;
    for (index_t r = 0; r < n.R; ++r) s += double(xg[r * n.inner]);
    const double mu = s / double(n.R);
    for (index_t r = 0; r < n.R; ++r) q += (double(xg[r * n.inner]) - mu) * (double(xg[r * n.inner]) - mu);
    const double var = q / double(n.R), inv = 1.0 / m::sqrt(var + n.eps);
    mean[g] = T(mu);
    stat[g] = T(n.layer ? m::sqrt(var + n.eps) : var);
    if (req == OpReq::null) return;
    T* yg = y + n.first(g);
    for (index_t r = 0; r < n.R; ++r) {
      const index_t c = n.channel(g, r);
      put(yg + r * n.inner, (double(xg[r * n.inner]) - mu) * inv * double(gamma[c]) + double(beta[c]), req);
    }
  }
};

// dx of group g: (d − mean(d) − x̂·mean(d·x̂))/s with d = dy·γ.
template <class T>
struct MomentsGradBody {
  NormGeo n;
  const T *dy, *x, *gamma, *mean, *stat;
  T* dx;
  OpReq req;
  SYMGRAD_HD void operator()(index_t g) const {
    const index_t f = n.first(g);
    const double mu = double(mean[g]), inv = n.inv_std(double(stat[g]));
    double s1 = 0, s2 = 0;
    for (index_t r = 0; r < n.R; ++r) {
      const index_t k = f + r * n.inner;
      const double d = double(dy[k]) * double(gamma[n.channel(g, r)]);
      s1 += d;
      s2 += d * (double(x[k]) - mu) * inv;
    }
    s1 /= double(n.R);
    s2 /= double(n.R);
    for (index_t r = 0; r < n.R; ++r) {
      const index_t k = f + r * n.inner;
      const double d = double(dy[k]) * double(gamma[n.channel(g, r)]);
      put(dx + k, (d - s1 - (double(x[k]) - mu) * inv * s2) * inv, req);
    }
  }
};

// dγ_c = Σ dy·x̂ and dβ_c = Σ dy over channel c's elements (either pointer may be null).
template <class T>
struct MomentsParamGradBody {
  NormGeo n;
  const T *dy, *x, *mean, *stat;
  T *dgamma, *dbeta;
  OpReq req_gamma, req_beta;
  SYMGRAD_HD void operator()(index_t c) const {
    double sg = 0, sb = 0;
    auto sum = [&](index_t g, index_t r0, index_t r1) {
      const double mu = double(mean[g]), inv = n.inv_std(double(stat[g]));
      for (index_t r = r0; r < r1; ++r) {
        const index_t k = n.first(g) + r * n.inner;
        sg += double(dy[k]) * (double(x[k]) - mu) * inv;
        sb += double(dy[k]);
      }
    };
    if (n.layer)
      for (index_t g = 0; g < n.groups(); ++g) sum(g, c, c + 1);
    else
      for (index_t g = c; g < n.groups(); g += n.C) sum(g, 0, n.R);
    if (dgamma) put(dgamma + c, sg, req_gamma);
    if (dbeta) put(dbeta + c, sb, req_beta);
  }
};

// L2Normalization of group g: norm = sqrt(Σx² + eps), y = x/norm.
template <class T>
struct L2NormBody {
  NormGeo n;
  const T* x;
  T *y, *norm;
  OpReq req;
  SYMGRAD_HD void operator()(index_t g) const {
    const index_t f = n.first(g);
    double s = 0;
    for (index_t r = 0; r < n.R; ++r) s += double(x[f + r * n.inner]) * double(x[f + r * n.inner]);
    const double nrm = m::sqrt(s + n.eps);
    norm[g] = T(nrm);
    if (req != OpReq::null)
      for (index_t r = 0; r < n.R; ++r) put(y + f + r * n.inner, double(x[f + r * n.inner]) / nrm, req);
  }
};
// dx = (dy − y·Σ dy·y)/norm over group g.
template <class T>
struct L2NormGradBody {
  NormGeo n;
  const T *dy, *y, *norm;
  T* dx;
  OpReq req;
  SYMGRAD_HD void operator()(index_t g) const {
    const index_t f = n.first(g);
    double s = 0;
    for (index_t r = 0; r < n.R; ++r) s += double(dy[f + r * n.inner]) * double(y[f + r * n.inner]);
    for (index_t r = 0; r < n.R; ++r) {
      const index_t k = f + r * n.inner;
      put(dx + k, (double(dy[k]) - double(y[k]) * s) / double(norm[g]), req);
    }
  }
};

}  // namespace SYMGRAD_NS::cuda
