// What the normalisation operators (ops/norm.hpp) share: data viewed as groups of elements, the
// moments of a group with the forward and backward of LayerNorm and InstanceNorm written once over
// them, and the base of their backward operators.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../cpu/parallel.hpp"
#include "../cuda/bodies_norm.hpp"
#include "gpu_util.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

namespace norm_detail {
// Data viewed as (outer, R, inner): group g = o·inner + i holds R elements `inner` apart from first(g).
struct View {
  std::int64_t outer = 1, R = 1, inner = 1;
  std::int64_t groups() const { return outer * inner; }
  std::int64_t first(std::int64_t g) const { return g / inner * R * inner + g % inner; }
};
// R spans the axes [a, b) of s.
inline View view(const Shape& s, int a, int b) {
  View v;
  for (int i = 0; i < s.ndim(); ++i) (i < a ? v.outer : i < b ? v.R : v.inner) *= s[i];
  return v;
}
// f(g) for every group, in parallel chunks of some thousand elements.
template <class F>
void for_groups(const View& v, F&& f) {
  const auto grain =
      static_cast<std::size_t>(std::max<std::int64_t>(1, 4096 / std::max<std::int64_t>(v.R, 1)));
  host::parallel_for(static_cast<std::size_t>(v.groups()), grain, 1, [&](std::size_t b, std::size_t e) {
    for (auto g = static_cast<std::int64_t>(b); g < static_cast<std::int64_t>(e); ++g) f(g);
  });
}
template <class T>
void put(T& dst, double v, OpReq req) {
  dst = req == OpReq::add ? T(double(dst) + v) : T(v);
}

// LayerNorm (groups along `axis`; γ by position r in the group, the second statistic is the std)
// and InstanceNorm (groups (n, c) over the spatial axes; γ by g mod C, the second statistic is σ²).
struct Moments {
  View v;
  std::int64_t C = 1;
  bool layer = true;
  double eps = 0;
  Moments(const Shape& s, bool layer_norm, int axis, double e) : layer(layer_norm), eps(e) {
    const int a = layer ? (axis < 0 ? axis + s.ndim() : axis) : 1;
    v = layer ? view(s, a, a + 1) : view(s, 2, s.ndim());
    C = s[a];
  }
  std::int64_t channel(std::int64_t g, std::int64_t r) const { return layer ? r : g % C; }
  double inv_std(double stat) const { return layer ? 1.0 / stat : 1.0 / std::sqrt(stat + eps); }

  template <class T>
  void forward(const T* x, const T* gamma, const T* beta, T* y, T* mean, T* stat, OpReq req) const {
    for_groups(v, [&](std::int64_t g) {
      const T* xg = x + v.first(g);
      double s = 0, q = 0;
      for (std::int64_t r = 0; r < v.R; ++r) s += double(xg[r * v.inner]);
      const double mu = s / double(v.R);
      for (std::int64_t r = 0; r < v.R; ++r)
        q += (double(xg[r * v.inner]) - mu) * (double(xg[r * v.inner]) - mu);
      const double var = q / double(v.R), inv = 1.0 / std::sqrt(var + eps);
      mean[g] = T(mu);
      stat[g] = T(layer ? std::sqrt(var + eps) : var);
      if (req == OpReq::null) return;
      T* yg = y + v.first(g);
      for (std::int64_t r = 0; r < v.R; ++r) {
        const std::int64_t c = channel(g, r);
        put(yg[r * v.inner], (double(xg[r * v.inner]) - mu) * inv * double(gamma[c]) + double(beta[c]), req);
      }
    });
  }

  template <class T>
  void backward(const T* dy, const T* x, const T* gamma, const T* mean, const T* stat, T* dx, T* dgamma,
                T* dbeta, std::span<const OpReq> req) const {
    if (req[0] != OpReq::null)
      for_groups(v, [&](std::int64_t g) {
        const std::int64_t f = v.first(g);
        const double mu = double(mean[g]), inv = inv_std(double(stat[g]));
        double s1 = 0, s2 = 0;
        for (std::int64_t r = 0; r < v.R; ++r) {
          const std::int64_t k = f + r * v.inner;
          const double d = double(dy[k]) * double(gamma[channel(g, r)]);
          s1 += d;
          s2 += d * (double(x[k]) - mu) * inv;
        }
        s1 /= double(v.R);
        s2 /= double(v.R);
        for (std::int64_t r = 0; r < v.R; ++r) {
          const std::int64_t k = f + r * v.inner;
          const double d = double(dy[k]) * double(gamma[channel(g, r)]);
          put(dx[k], (d - s1 - (double(x[k]) - mu) * inv * s2) * inv, req[0]);
        }
      });
    if (req[1] == OpReq::null && req[2] == OpReq::null) return;
    host::ThreadPool::instance().run(static_cast<std::size_t>(C), [&](std::size_t cu) {
      const auto c = static_cast<std::int64_t>(cu);
      double sg = 0, sb = 0;
      auto sum = [&](std::int64_t g, std::int64_t r0, std::int64_t r1) {
        const double mu = double(mean[g]), inv = inv_std(double(stat[g]));
        for (std::int64_t r = r0; r < r1; ++r) {
          const std::int64_t k = v.first(g) + r * v.inner;
          sg += double(dy[k]) * (double(x[k]) - mu) * inv;
          sb += double(dy[k]);
        }
      };
      if (layer)
        for (std::int64_t g = 0; g < v.groups(); ++g) sum(g, c, c + 1);
      else
        for (std::int64_t g = c; g < v.groups(); g += C) sum(g, 0, v.R);
      if (req[1] != OpReq::null) put(dgamma[c], sg, req[1]);
      if (req[2] != OpReq::null) put(dbeta[c], sb, req[2]);
    });
  }
};

// The CUDA kernels' view of the groups (cuda/bodies_norm.hpp).
inline cuda::NormGeo gpu_geo(const View& v, std::int64_t C = 1, bool layer = true, double eps = 0) {
  return cuda::NormGeo{v.outer, v.R, v.inner, C, layer, eps};
}
inline cuda::NormGeo gpu_geo(const Moments& m) { return gpu_geo(m.v, m.C, m.layer, m.eps); }

// The backward operators: inputs (ograd, <forward input or output>, ...); the first gradient has
// the shape of input 1, the others (gamma, beta) that of input 2.
class Backward : public Operator {
 public:
  ~Backward() override;  // the key function: vtable and kernels are compiled with the unit
  Backward(std::string name, std::vector<std::string> args, std::vector<std::string> outs)
      : name_(std::move(name)), args_(std::move(args)), outs_(std::move(outs)) {}
  std::string type_name() const override { return name_; }
  std::vector<std::string> arguments() const override { return args_; }
  std::vector<std::string> outputs() const override { return outs_; }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t j = 0; j < outs_.size(); ++j) c.assign_out(j, c.in(j ? 2 : 1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }

 private:
  std::string name_;
  std::vector<std::string> args_, outs_;
};
}  // namespace norm_detail

// The gradient of LayerNorm and InstanceNorm.
class MomentsNormBackward final : public norm_detail::Backward {
 public:
  ~MomentsNormBackward() override;  // the key function: vtable and kernels are compiled with the unit
  MomentsNormBackward(bool layer, int axis, double eps)
      : Backward(layer ? "_backward_LayerNorm" : "_backward_InstanceNorm",
                 {"ograd", "data", "gamma", "mean", layer ? "std" : "var"},
                 {"data_grad", "gamma_grad", "beta_grad"}),
        layer_(layer),
        axis_(axis),
        eps_(eps) {}
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[1].shape(), layer_, axis_, eps_);
    dispatch_float(in[0].dtype(), type_name(), [&](auto t) {
      using T = decltype(t);
      auto o = [&](std::size_t i) { return req[i] != OpReq::null ? out[i].data<T>() : nullptr; };
      m.backward(in[0].data<T>(), in[1].data<T>(), in[2].data<T>(), in[3].data<T>(), in[4].data<T>(), o(0),
                 o(1), o(2), req);
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[1].shape(), layer_, axis_, eps_);
    auto o = [&](std::size_t i) {
      return req[i] != OpReq::null ? out[i].raw_data() : nullptr;
    };  // unbound when null
    cuda::moments_norm_grad(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(m), in[0].raw_data(),
                            in[1].raw_data(), in[2].raw_data(), in[3].raw_data(), in[4].raw_data(), o(0),
                            req[0], o(1), req[1], o(2), req[2]);
  }
#endif

 private:
  bool layer_;
  int axis_;
  double eps_;
};

// LayerNorm and InstanceNorm: inputs (data, gamma, beta), outputs (output, mean, std or var), one
// forward and one gradient over the groups of norm_detail::Moments. The operators give the rest:
// names, attributes, shape rule, and the axis and eps of their groups.
class MomentsNorm : public Operator {
 public:
  ~MomentsNorm() override;  // the key function: vtable and kernels are compiled with the unit
  explicit MomentsNorm(bool layer) : layer_(layer) {}
  std::vector<std::string> arguments() const override { return {"data", "gamma", "beta"}; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    // as MXNet, gradients arriving at the statistics are ignored
    auto b = grad_node(std::make_shared<MomentsNormBackward>(layer_, axis(), eps()), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1], out_entry(n, 1), out_entry(n, 2)});
    return {out_entry(b, 0), out_entry(b, 1), out_entry(b, 2)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[0].shape(), layer_, axis(), eps());
    dispatch_float(in[0].dtype(), type_name(), [&](auto t) {
      using T = decltype(t);
      m.forward(in[0].data<T>(), in[1].data<T>(), in[2].data<T>(), out[0].data<T>(), out[1].data<T>(),
                out[2].data<T>(), req[0]);
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[0].shape(), layer_, axis(), eps());
    cuda::moments_norm(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(m), in[0].raw_data(),
                       in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), out[1].raw_data(),
                       out[2].raw_data(), req[0]);
  }
#endif

 private:
  virtual int axis() const = 0;  // LayerNorm's axis; InstanceNorm's groups ignore it
  virtual double eps() const = 0;
  bool layer_;
};
}  // namespace SYMGRAD_NS::ops

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_NORM_COMMON)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE norm_detail::Backward::~Backward() = default;
SYMGRAD_INLINE MomentsNormBackward::~MomentsNormBackward() = default;
SYMGRAD_INLINE MomentsNorm::~MomentsNorm() = default;
}  // namespace SYMGRAD_NS::ops
#endif
