// Operators and kernels of ops/norm.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <utility>

#include "../cpu/parallel.hpp"
#include "../cuda/bodies_norm.hpp"
#include "../symbol/compose.hpp"
#include "gpu_util.hpp"
#include "norm.hpp"
#include "op_table.hpp"
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
inline View l2_view(const Shape& s, L2Mode m) {
  return m == L2Mode::instance  ? view(s, 1, s.ndim())
         : m == L2Mode::channel ? view(s, 1, 2)
                                : view(s, 2, s.ndim());
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

inline void check_eps(const char* op, double eps, const char* example) {
  if (!(eps >= 0) || !std::isfinite(eps))
    throw ValueError(std::string(op) + ": eps must be a small non-negative number such as " + example +
                     ", got " + attr::format(eps));
}
// LRN over (N, C, S), one task per (n, c) plane: f(n, c, j0, j1), [j0, j1) the channels of c's window.
inline void lrn_planes(const Shape& s, std::int64_t nsize, auto&& f) {
  const std::int64_t N = s[0], C = s[1], h = nsize / 2;
  host::ThreadPool::instance().run(static_cast<std::size_t>(N * C), [&](std::size_t p) {
    const std::int64_t n = std::int64_t(p) / C, c = std::int64_t(p) % C;
    f(n, c, std::max<std::int64_t>(c - h, 0), std::min(c + h + 1, C));
  });
}

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

class LayerNorm final : public Operator {
 public:
  ~LayerNorm() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LayerNorm(LayerNormParam p) : p_(p) { norm_detail::check_eps("LayerNorm", p_.eps, "1e-5"); }
  explicit LayerNorm(const AttrMap& m) {
    attr::Reader r("LayerNorm", m);
    r.get("axis", p_.axis);
    r.get("eps", p_.eps);
    r.get("output_mean_var", p_.output_mean_var);
    r.finish();
    norm_detail::check_eps("LayerNorm", p_.eps, "1e-5");
  }
  const LayerNormParam& param() const { return p_; }
  std::string type_name() const override { return "LayerNorm"; }
  std::vector<std::string> arguments() const override { return {"data", "gamma", "beta"}; }
  std::vector<std::string> outputs() const override { return {"output", "mean", "std"}; }
  std::size_t num_visible_outputs() const override { return p_.output_mean_var ? 3 : 1; }
  AttrMap attrs() const override {
    AttrMap m;
    if (p_.axis != -1) m["axis"] = attr::format(p_.axis);
    if (p_.eps != 1e-5) m["eps"] = attr::format(p_.eps);
    if (p_.output_mean_var) m["output_mean_var"] = attr::format(true);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    const int a = p_.axis < 0 ? p_.axis + d.ndim() : p_.axis;
    if (a < 0 || a >= d.ndim())
      ShapeCtx::fail(
          "axis " + std::to_string(p_.axis) + " is out of range for " + c.in_name(0) + " " + d.str() +
          (d.ndim()
               ? "; use an axis in [" + std::to_string(-d.ndim()) + ", " + std::to_string(d.ndim() - 1) + "]"
               : "; LayerNorm needs data with at least one axis"));
    const std::string why = "axis " + std::to_string(p_.axis) + " of " + c.in_name(0) + " " + d.str();
    c.assign_in(1, Shape{d[a]}, why);
    c.assign_in(2, Shape{d[a]}, why);
    Shape stats = d;
    stats[a] = 1;
    c.assign_out(0, d);
    c.assign_out(1, stats);
    c.assign_out(2, stats);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    // as MXNet, gradients arriving at mean and std are ignored
    auto b = grad_node(std::make_shared<MomentsNormBackward>(true, p_.axis, p_.eps), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1], out_entry(n, 1), out_entry(n, 2)});
    return {out_entry(b, 0), out_entry(b, 1), out_entry(b, 2)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[0].shape(), true, p_.axis, p_.eps);
    dispatch_float(in[0].dtype(), "LayerNorm", [&](auto t) {
      using T = decltype(t);
      m.forward(in[0].data<T>(), in[1].data<T>(), in[2].data<T>(), out[0].data<T>(), out[1].data<T>(),
                out[2].data<T>(), req[0]);
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[0].shape(), true, p_.axis, p_.eps);
    cuda::moments_norm(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(m), in[0].raw_data(),
                       in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), out[1].raw_data(),
                       out[2].raw_data(), req[0]);
  }
#endif

 private:
  LayerNormParam p_;
};

class InstanceNorm final : public Operator {
 public:
  ~InstanceNorm() override;  // the key function: vtable and kernels are compiled with the unit
  explicit InstanceNorm(InstanceNormParam p) : p_(p) {
    norm_detail::check_eps("InstanceNorm", p_.eps, "1e-3");
  }
  explicit InstanceNorm(const AttrMap& m) {
    attr::Reader r("InstanceNorm", m);
    r.get("eps", p_.eps);
    r.finish();
    norm_detail::check_eps("InstanceNorm", p_.eps, "1e-3");
  }
  const InstanceNormParam& param() const { return p_; }
  std::string type_name() const override { return "InstanceNorm"; }
  std::vector<std::string> arguments() const override { return {"data", "gamma", "beta"}; }
  std::vector<std::string> outputs() const override { return {"output", "mean", "var"}; }
  std::size_t num_visible_outputs() const override { return 1; }
  AttrMap attrs() const override {
    AttrMap m;
    if (p_.eps != 1e-3) m["eps"] = attr::format(p_.eps);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() < 3)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has rank " + std::to_string(d.ndim()) +
                     "; InstanceNorm needs (batch, channel, spatial...), rank 3 or more");
    const std::string why = "the channel axis 1 of " + c.in_name(0) + " " + d.str();
    c.assign_in(1, Shape{d[1]}, why);
    c.assign_in(2, Shape{d[1]}, why);
    c.assign_out(0, d);
    c.assign_out(1, Shape{d[0], d[1]});
    c.assign_out(2, Shape{d[0], d[1]});
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<MomentsNormBackward>(false, 1, p_.eps), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1], out_entry(n, 1), out_entry(n, 2)});
    return {out_entry(b, 0), out_entry(b, 1), out_entry(b, 2)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[0].shape(), false, 1, p_.eps);
    dispatch_float(in[0].dtype(), "InstanceNorm", [&](auto t) {
      using T = decltype(t);
      m.forward(in[0].data<T>(), in[1].data<T>(), in[2].data<T>(), out[0].data<T>(), out[1].data<T>(),
                out[2].data<T>(), req[0]);
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const norm_detail::Moments m(in[0].shape(), false, 1, p_.eps);
    cuda::moments_norm(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(m), in[0].raw_data(),
                       in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), out[1].raw_data(),
                       out[2].raw_data(), req[0]);
  }
#endif

 private:
  InstanceNormParam p_;
};

class L2NormalizationBackward final : public norm_detail::Backward {
 public:
  ~L2NormalizationBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit L2NormalizationBackward(L2Mode m)
      : Backward("_backward_L2Normalization", {"ograd", "output", "norm"}, {"data_grad"}), mode_(m) {}
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto v = norm_detail::l2_view(in[1].shape(), mode_);
    dispatch_float(in[0].dtype(), "L2Normalization", [&](auto t) {
      using T = decltype(t);
      const T *dy = in[0].data<T>(), *y = in[1].data<T>(), *norm = in[2].data<T>();
      T* dx = out[0].data<T>();
      norm_detail::for_groups(v, [&](std::int64_t g) {
        const std::int64_t f = v.first(g);
        double s = 0;
        for (std::int64_t r = 0; r < v.R; ++r) s += double(dy[f + r * v.inner]) * double(y[f + r * v.inner]);
        for (std::int64_t r = 0; r < v.R; ++r) {
          const std::int64_t k = f + r * v.inner;
          norm_detail::put(dx[k], (double(dy[k]) - double(y[k]) * s) / double(norm[g]), req[0]);
        }
      });
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto v = norm_detail::l2_view(in[1].shape(), mode_);
    cuda::l2_normalization_grad(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(v), in[0].raw_data(),
                                in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), req[0]);
  }
#endif

 private:
  L2Mode mode_;
};

class L2Normalization final : public Operator {
 public:
  ~L2Normalization() override;  // the key function: vtable and kernels are compiled with the unit
  explicit L2Normalization(L2NormalizationParam p) : p_(p) {
    norm_detail::check_eps("L2Normalization", p_.eps, "1e-10");
  }
  explicit L2Normalization(const AttrMap& m) {
    attr::Reader r("L2Normalization", m);
    r.get("eps", p_.eps);
    std::string mode = "instance";
    r.get("mode", mode);
    r.finish();
    p_.mode = parse_mode(mode);
    norm_detail::check_eps("L2Normalization", p_.eps, "1e-10");
  }
  static L2Mode parse_mode(const std::string& s) {
    if (s == "instance") return L2Mode::instance;
    if (s == "channel") return L2Mode::channel;
    if (s == "spatial") return L2Mode::spatial;
    throw ValueError("L2Normalization: mode must be instance, channel or spatial, got '" + s + "'");
  }
  static const char* mode_name(L2Mode m) {
    return m == L2Mode::instance ? "instance" : m == L2Mode::channel ? "channel" : "spatial";
  }
  const L2NormalizationParam& param() const { return p_; }
  std::string type_name() const override { return "L2Normalization"; }
  std::vector<std::string> outputs() const override { return {"output", "norm"}; }
  std::size_t num_visible_outputs() const override { return 1; }
  AttrMap attrs() const override {
    AttrMap m;
    if (p_.eps != 1e-10) m["eps"] = attr::format(p_.eps);
    if (p_.mode != L2Mode::instance) m["mode"] = mode_name(p_.mode);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() < 1) ShapeCtx::fail(c.in_name(0) + " is a scalar; L2Normalization needs at least one axis");
    if (p_.mode != L2Mode::instance && d.ndim() < 3)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has rank " + std::to_string(d.ndim()) + "; mode '" +
                     mode_name(p_.mode) + "' needs (batch, channel, spatial...), rank 3 or more");
    Shape norm = p_.mode == L2Mode::instance  ? Shape{d[0]}
                 : p_.mode == L2Mode::spatial ? Shape{d[0], d[1]}
                                              : d;
    if (p_.mode == L2Mode::channel) norm[1] = 1;
    c.assign_out(0, d);
    c.assign_out(1, norm);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<L2NormalizationBackward>(p_.mode), n, "backward",
                       {og[0], out_entry(n, 0), out_entry(n, 1)});
    return {out_entry(b, 0)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const auto v = norm_detail::l2_view(in[0].shape(), p_.mode);
    dispatch_float(in[0].dtype(), "L2Normalization", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T *y = out[0].data<T>(), *norm = out[1].data<T>();
      norm_detail::for_groups(v, [&](std::int64_t g) {
        const std::int64_t f = v.first(g);
        double s = 0;
        for (std::int64_t r = 0; r < v.R; ++r) s += double(x[f + r * v.inner]) * double(x[f + r * v.inner]);
        const double nrm = std::sqrt(s + p_.eps);
        norm[g] = T(nrm);
        if (req[0] != OpReq::null)
          for (std::int64_t r = 0; r < v.R; ++r)
            norm_detail::put(y[f + r * v.inner], double(x[f + r * v.inner]) / nrm, req[0]);
      });
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const auto v = norm_detail::l2_view(in[0].shape(), p_.mode);
    cuda::l2_normalization(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(v, 1, true, p_.eps),
                           in[0].raw_data(), out[0].raw_data(), out[1].raw_data(), req[0]);
  }
#endif

 private:
  L2NormalizationParam p_;
};

class LRNBackward final : public norm_detail::Backward {
 public:
  ~LRNBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LRNBackward(LRNParam p)
      : Backward("_backward_LRN", {"ograd", "data", "tmp_norm"}, {"data_grad"}), p_(p) {}
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& s = in[1].shape();
    const std::int64_t C = s[1], S = s[2] * s[3];
    const double k = 2 * p_.alpha * p_.beta / double(p_.nsize);
    dispatch_float(in[0].dtype(), "LRN", [&](auto t) {
      using T = decltype(t);
      const T *dy = in[0].data<T>(), *x = in[1].data<T>(), *tn = in[2].data<T>();
      T* dx = out[0].data<T>();
      norm_detail::lrn_planes(
          s, p_.nsize, [&](std::int64_t n, std::int64_t c, std::int64_t j0, std::int64_t j1) {
            const std::int64_t o = (n * C + c) * S;
            for (std::int64_t i = 0; i < S; ++i) {
              double acc = 0;
              for (std::int64_t j = j0; j < j1; ++j) {
                const std::int64_t q = (n * C + j) * S + i;
                acc += double(dy[q]) * double(x[q]) * std::pow(double(tn[q]), -p_.beta - 1);
              }
              norm_detail::put(
                  dx[o + i],
                  double(dy[o + i]) * std::pow(double(tn[o + i]), -p_.beta) - k * double(x[o + i]) * acc,
                  req[0]);
            }
          });
    });
  }

 private:
  LRNParam p_;
};

class LRN final : public Operator {
 public:
  ~LRN() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LRN(LRNParam p) : p_(p) { check(); }
  explicit LRN(const AttrMap& m) {
    attr::Reader r("LRN", m);
    if (!r.find("nsize"))
      throw ValueError("LRN: the required attribute 'nsize' is missing; give an odd window such as nsize=5");
    r.get("nsize", p_.nsize);
    r.get("alpha", p_.alpha);
    r.get("beta", p_.beta);
    r.get("knorm", p_.knorm);
    r.finish();
    check();
  }
  const LRNParam& param() const { return p_; }
  std::string type_name() const override { return "LRN"; }
  std::vector<std::string> outputs() const override { return {"output", "tmp_norm"}; }
  std::size_t num_visible_outputs() const override { return 1; }
  AttrMap attrs() const override {
    AttrMap m;
    if (p_.alpha != 1e-4) m["alpha"] = attr::format(p_.alpha);
    if (p_.beta != 0.75) m["beta"] = attr::format(p_.beta);
    if (p_.knorm != 2) m["knorm"] = attr::format(p_.knorm);
    m["nsize"] = attr::format(p_.nsize);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() != 4)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has rank " + std::to_string(d.ndim()) +
                     "; LRN needs 4-d data (batch, channel, height, width)");
    if (d.dim_known(1) && d[1] < p_.nsize)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has " + std::to_string(d[1]) +
                     " channels, fewer than nsize=" + std::to_string(p_.nsize) +
                     "; use an nsize of at most the channel count");
    c.assign_out(0, d);
    c.assign_out(1, d);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b =
        grad_node(std::make_shared<LRNBackward>(p_), n, "backward", {og[0], n->inputs[0], out_entry(n, 1)});
    return {out_entry(b, 0)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const Shape& s = in[0].shape();
    const std::int64_t C = s[1], S = s[2] * s[3];
    const double scale = p_.alpha / double(p_.nsize);
    dispatch_float(in[0].dtype(), "LRN", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T *y = out[0].data<T>(), *tn = out[1].data<T>();
      norm_detail::lrn_planes(
          s, p_.nsize, [&](std::int64_t n, std::int64_t c, std::int64_t j0, std::int64_t j1) {
            const std::int64_t o = (n * C + c) * S;
            for (std::int64_t i = 0; i < S; ++i) {
              double acc = 0;
              for (std::int64_t j = j0; j < j1; ++j)
                acc += double(x[(n * C + j) * S + i]) * double(x[(n * C + j) * S + i]);
              const double v = p_.knorm + scale * acc;
              tn[o + i] = T(v);
              if (req[0] != OpReq::null)
                norm_detail::put(y[o + i], double(x[o + i]) * std::pow(v, -p_.beta), req[0]);
            }
          });
    });
  }

 private:
  void check() const {
    if (p_.nsize < 1 || p_.nsize % 2 == 0)
      throw ValueError(
          "LRN: nsize must be a positive odd number (the window is centred on each channel), got " +
          std::to_string(p_.nsize));
  }
  LRNParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_NORM)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol layer_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta,
                                 const LayerNormOptions& o) {
  return compose(std::make_shared<ops::LayerNorm>(ops::LayerNormParam{o.axis, o.eps, o.output_mean_var}),
                 {data, gamma, beta}, o.name);
}
SYMGRAD_INLINE Symbol layer_norm(const Symbol& data, const LayerNormOptions& o) {
  return layer_norm(data, Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol LayerNorm(const Symbol& data, const LayerNormOptions& o) { return layer_norm(data, o); }
SYMGRAD_INLINE Symbol instance_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta,
                                    const InstanceNormOptions& o) {
  return compose(std::make_shared<ops::InstanceNorm>(ops::InstanceNormParam{o.eps}), {data, gamma, beta},
                 o.name);
}
SYMGRAD_INLINE Symbol instance_norm(const Symbol& data, const InstanceNormOptions& o) {
  return instance_norm(data, Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol InstanceNorm(const Symbol& data, const InstanceNormOptions& o) {
  return instance_norm(data, o);
}
SYMGRAD_INLINE Symbol l2_normalization(const Symbol& data, const L2NormalizationOptions& o) {
  return compose(std::make_shared<ops::L2Normalization>(
                     ops::L2NormalizationParam{o.eps, ops::L2Normalization::parse_mode(o.mode)}),
                 {data}, o.name);
}
SYMGRAD_INLINE Symbol L2Normalization(const Symbol& data, const L2NormalizationOptions& o) {
  return l2_normalization(data, o);
}
SYMGRAD_INLINE Symbol lrn(const Symbol& data, const LRNOptions& o) {
  return compose(std::make_shared<ops::LRN>(ops::LRNParam{o.alpha, o.beta, o.knorm, o.nsize}), {data},
                 o.name);
}
SYMGRAD_INLINE Symbol LRN(const Symbol& data, const LRNOptions& o) { return lrn(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_norm(OpTable& t) {
  t["LayerNorm"] = reg::with_attrs<LayerNorm>;
  t["InstanceNorm"] = reg::with_attrs<InstanceNorm>;
  t["L2Normalization"] = reg::with_attrs<L2Normalization>;
  t["LRN"] = reg::with_attrs<LRN>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE norm_detail::Backward::~Backward() = default;
SYMGRAD_INLINE MomentsNormBackward::~MomentsNormBackward() = default;
SYMGRAD_INLINE L2NormalizationBackward::~L2NormalizationBackward() = default;
SYMGRAD_INLINE LRNBackward::~LRNBackward() = default;
SYMGRAD_INLINE LayerNorm::~LayerNorm() = default;
SYMGRAD_INLINE InstanceNorm::~InstanceNorm() = default;
SYMGRAD_INLINE L2Normalization::~L2Normalization() = default;
SYMGRAD_INLINE LRN::~LRN() = default;
}  // namespace SYMGRAD_NS::ops
#endif
