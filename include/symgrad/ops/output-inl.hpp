// Operators and kernels of ops/output.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <span>

#include "gpu_util.hpp"
#include "loss-inl.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "output.hpp"
#include "param_op.hpp"
#include "params.hpp"
#include "softmax-inl.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<SoftmaxOutputParam> =
    std::tuple{field("grad_scale", &SoftmaxOutputParam::grad_scale),
               field("ignore_label", &SoftmaxOutputParam::ignore_label),
               field("multi_output", &SoftmaxOutputParam::multi_output),
               field("use_ignore", &SoftmaxOutputParam::use_ignore),
               field("preserve_shape", &SoftmaxOutputParam::preserve_shape),
               field("normalization", &SoftmaxOutputParam::normalization),
               field("out_grad", &SoftmaxOutputParam::out_grad),
               field("smooth_alpha", &SoftmaxOutputParam::smooth_alpha)};

inline SoftmaxOutputShapes softmax_output_shapes(const Shape& d, const SoftmaxOutputParam& p) {
  SoftmaxOutputShapes r;
  if (p.multi_output) {
    r.g = axis_geometry(d, 1);
    std::int64_t R = d.known() ? d.size() / std::max<std::int64_t>(1, d[0] * d[1]) : dyn;
    r.index_label = Shape{d[0], R};
    Shape alt;
    for (int i = 0; i < d.ndim(); ++i)
      if (i != 1) alt.push_back(d[i]);
    r.index_label_alt = alt;
    Shape col = d;
    col[1] = 1;
    r.index_label_col = col;
  } else if (p.preserve_shape) {
    r.g = axis_geometry(d, d.ndim() - 1);
    Shape lead;
    for (int i = 0; i + 1 < d.ndim(); ++i) lead.push_back(d[i]);
    if (lead.ndim() == 0) lead.push_back(1);
    r.index_label = lead;
    Shape col = lead;
    col.push_back(1);
    r.index_label_col = col;
  } else {
    r.g.outer = d[0];
    r.g.n = d.known() ? d.size() / std::max<std::int64_t>(1, d[0]) : dyn;
    r.g.inner = 1;
    r.index_label = Shape{d[0]};
    r.index_label_col = Shape{d[0], 1};
  }
  return r;
}

class SoftmaxOutputBackward final : public Operator {
 public:
  ~SoftmaxOutputBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit SoftmaxOutputBackward(SoftmaxOutputParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_SoftmaxOutput"; }
  std::vector<std::string> arguments() const override { return {"output", "label"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(0)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray &p = in[0], &label = in[1];
    auto sh = softmax_output_shapes(p.shape(), p_);
    const auto& g = sh.g;
    dispatch_dtype(label.dtype(), [&](auto tl) {
      dispatch_float(p.dtype(), "SoftmaxOutput", [&](auto t) {
        using T = decltype(t);
        const T* pr = p.data<T>();
        const auto* l = label.data<decltype(tl)>();
        T* dx = out[0].data<T>();
        const bool add = req[0] == OpReq::add;
        auto put = [&](std::int64_t j, T v) {
          if (p_.out_grad) v *= pr[j];
          dx[j] = add ? dx[j] + v : v;
        };
        const T gs = static_cast<T>(p_.grad_scale);
        if (label.shape() == p.shape()) {  // probabilities (one-hot included)
          for (std::int64_t j = 0; j < p.size(); ++j) put(j, gs * (pr[j] - static_cast<T>(l[j])));
          return;
        }
        const std::int64_t C = g.n;
        const auto ignore = saturating_index(p_.ignore_label);
        // Count for 'valid' normalisation: labels that are not ignore_label.
        std::int64_t valid = 0;
        for (std::int64_t i = 0; i < label.size(); ++i)
          valid += saturating_index(static_cast<double>(l[i])) != ignore;
        double norm = 1;
        if (p_.normalization == LossNorm::batch)
          norm = static_cast<double>(p_.multi_output ? p.shape()[0] : label.size());
        if (p_.normalization == LossNorm::valid) norm = static_cast<double>(std::max<std::int64_t>(1, valid));
        if (p_.multi_output && p_.normalization != LossNorm::valid) norm *= static_cast<double>(g.inner);
        const T scale = static_cast<T>(p_.grad_scale / norm);
        const double alpha = p_.multi_output ? 0.0 : p_.smooth_alpha;
        for (std::int64_t o = 0; o < g.outer; ++o)
          for (std::int64_t i = 0; i < g.inner; ++i) {
            const std::int64_t pos = o * g.inner + i;
            const double lv = static_cast<double>(l[pos]);
            const auto raw = saturating_index(lv);
            std::int64_t k = class_index(lv, C);
            const bool ignored = raw == ignore;
            if (k < 0 && !ignored)
              throw KernelInputError{"label holds " + attr::format_number(lv) + " at position " +
                                     std::to_string(pos) + ", which is not a class index in [0, " +
                                     std::to_string(C) + ") nor ignore_label (" +
                                     attr::format_number(p_.ignore_label) + ")"};
            for (std::int64_t c = 0; c < C; ++c) {
              const std::int64_t j = (o * C + c) * g.inner + i;
              T v;
              if (ignored && p_.use_ignore)
                v = T(0);
              else if (k < 0)
                v = pr[j] - static_cast<T>(alpha > 0 ? alpha / static_cast<double>(C - 1) : 0.0);  // MXNet: p
              else if (alpha > 0)
                v = pr[j] - static_cast<T>(c == k ? 1.0 - alpha : alpha / static_cast<double>(C - 1));
              else
                v = pr[j] - (c == k ? T(1) : T(0));
              put(j, v * scale);
            }
          }
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray &p = in[0], &label = in[1];
    const int dev = ctx.ctx.device_id;
    if (label.shape() == p.shape()) {
      cuda::prob_label_grad(dev, p.dtype(), label.dtype(), p.size(), p.raw_data(), label.raw_data(),
                            out[0].raw_data(), p_.grad_scale, p_.out_grad, req[0]);
      return;
    }
    auto g = softmax_output_shapes(p.shape(), p_).g;
    const auto ignore = saturating_index(p_.ignore_label);
    double norm = 1;
    if (p_.normalization == LossNorm::batch)
      norm = static_cast<double>(p_.multi_output ? p.shape()[0] : label.size());
    if (p_.normalization == LossNorm::valid)
      norm = static_cast<double>(std::max<std::int64_t>(
          1, cuda::count_valid(dev, label.dtype(), label.size(), label.raw_data(), ignore)));
    if (p_.multi_output && p_.normalization != LossNorm::valid) norm *= static_cast<double>(g.inner);
    bool ok = cuda::softmax_output_grad(dev, p.dtype(), label.dtype(), {g.outer, g.n, g.inner}, p.raw_data(),
                                        label.raw_data(), out[0].raw_data(), p_.grad_scale / norm, ignore,
                                        p_.use_ignore, p_.multi_output ? 0.0 : p_.smooth_alpha, p_.out_grad,
                                        req[0]);
    if (!ok)
      throw KernelInputError{"label holds a value that is not a class index in [0, " + std::to_string(g.n) +
                             ") nor ignore_label (" + attr::format_number(p_.ignore_label) + ")"};
  }
#endif
 private:
  SoftmaxOutputParam p_;
};

class SoftmaxOutput final : public ParamOp<SoftmaxOutputParam, "SoftmaxOutput"> {
 public:
  ~SoftmaxOutput() override;  // the key function: vtable and kernels are compiled with the unit
  using ParamOp::ParamOp;
  std::vector<std::string> arguments() const override { return {"data", "label"}; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(0));
    c.assign_in(0, c.out(0));
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (p_.multi_output && d.ndim() < 2)
      ShapeCtx::fail("multi_output needs data of rank >= 2, got " + d.str());
    auto sh = softmax_output_shapes(d, p_);
    const Shape& l = c.in(1);
    if (!l.rank_known()) {  // class indices by default, as MXNet
      c.assign_in(1, p_.multi_output ? sh.index_label_alt : sh.index_label);
      return;
    }
    for (const Shape* ok :
         std::array<const Shape*, 4>{&d, &sh.index_label, &sh.index_label_col, &sh.index_label_alt})
      if (ok->rank_known() && merge(l, *ok).ok) {
        c.assign_in(1, *ok);
        return;
      }
    std::string forms = "class indices, shape " + sh.index_label.str() + " or " + sh.index_label_col.str();
    if (p_.multi_output) forms += " or " + sh.index_label_alt.str();
    ShapeCtx::fail(c.in_name(1) + " has shape " + l.str() + " but data has shape " + d.str() +
                   "; a label must be " + forms + ", or probabilities (one-hot included), shape " + d.str());
  }
  void infer_type(TypeCtx& c) const override {
    std::optional<DType> t = c.in(0) ? c.in(0) : c.out(0);
    if (t) c.assign_in(0, *t), c.assign_out(0, *t);
    if (t && !c.in(1)) c.assign_in(1, *t);
  }
  GradKind grad_kind() const override { return GradKind::loss; }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>&) const override {
    auto b =
        grad_node(std::make_shared<SoftmaxOutputBackward>(p_), n, "backward", {out_entry(n), n->inputs[1]});
    return {out_entry(b), NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto sh = softmax_output_shapes(in[0].shape(), p_);
    dispatch_float(in[0].dtype(), "SoftmaxOutput", [&](auto t) {
      using T = decltype(t);
      softmax_forward<T>(sh.g, in[0].data<T>(), out[0].data<T>(), 1.0, false, req[0]);
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = softmax_output_shapes(in[0].shape(), p_).g;
    cuda::softmax(ctx.ctx.device_id, in[0].dtype(), {g.outer, g.n, g.inner}, in[0].raw_data(),
                  out[0].raw_data(), 1.0, false, req[0]);
  }
#endif
};

class RegressionBackward final : public Operator {
 public:
  ~RegressionBackward() override;  // the key function: vtable and kernels are compiled with the unit
  RegressionBackward(RegressionKind k, double grad_scale) : k_(k), grad_scale_(grad_scale) {}
  std::string type_name() const override { return "_backward_RegressionOutput"; }
  std::vector<std::string> arguments() const override { return {"output", "label"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(0)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray &y = in[0], &label = in[1];
    const double m =
        static_cast<double>(label.size()) / static_cast<double>(std::max<std::int64_t>(1, label.shape()[0]));
    dispatch_dtype(label.dtype(), [&](auto tl) {
      dispatch_float(y.dtype(), "RegressionOutput", [&](auto t) {
        using T = decltype(t);
        const T* yp = y.data<T>();
        const auto* l = label.data<decltype(tl)>();
        T* dx = out[0].data<T>();
        const T s = static_cast<T>(grad_scale_ / m);
        for (std::int64_t i = 0; i < y.size(); ++i) {
          T d = yp[i] - static_cast<T>(l[i]);
          T v = (k_ == RegressionKind::mae ? (d > 0 ? T(1) : (d < 0 ? T(-1) : T(0))) : d) * s;
          dx[i] = req[0] == OpReq::add ? dx[i] + v : v;
        }
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray &y = in[0], &label = in[1];
    const double m =
        static_cast<double>(label.size()) / static_cast<double>(std::max<std::int64_t>(1, label.shape()[0]));
    cuda::regression_grad(ctx.ctx.device_id, y.dtype(), label.dtype(), y.size(), y.raw_data(),
                          label.raw_data(), out[0].raw_data(), grad_scale_ / m, k_ == RegressionKind::mae,
                          req[0]);
  }
#endif
 private:
  RegressionKind k_;
  double grad_scale_;
};

class RegressionOutput final : public Operator {
 public:
  ~RegressionOutput() override;  // the key function: vtable and kernels are compiled with the unit
  RegressionOutput(RegressionKind k, double grad_scale) : k_(k), grad_scale_(grad_scale) {}
  RegressionOutput(RegressionKind k, const AttrMap& m) : k_(k) {
    attr::Reader r(name_of(k), m);
    r.get("grad_scale", grad_scale_);
    r.finish();
  }
  static const char* name_of(RegressionKind k) {
    return k == RegressionKind::linear
               ? "LinearRegressionOutput"
               : (k == RegressionKind::logistic ? "LogisticRegressionOutput" : "MAERegressionOutput");
  }
  std::string type_name() const override { return name_of(k_); }
  std::vector<std::string> arguments() const override { return {"data", "label"}; }
  AttrMap attrs() const override {
    if (grad_scale_ == 1.0) return {};
    return {{"grad_scale", attr::format(grad_scale_)}};
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(0));
    c.assign_in(0, c.out(0));
    const Shape& d = c.in(0);
    const Shape& l = c.in(1);
    if (!d.rank_known()) return;
    if (!l.rank_known()) {
      c.assign_in(1, d.ndim() == 2 && d[1] == 1 ? Shape{d[0]} : d);
      return;
    }
    if (d.known() && l.known() && (l.ndim() == 0 || l[0] != d[0] || l.size() != d.size()))
      ShapeCtx::fail(c.in_name(1) + " has shape " + l.str() + " but data has shape " + d.str() +
                     "; the label needs data's first dimension and its number of elements, e.g. " + d.str() +
                     (d.ndim() == 2 && d[1] == 1 ? " or " + Shape{d[0]}.str() : std::string()));
  }
  void infer_type(TypeCtx& c) const override {
    std::optional<DType> t = c.in(0) ? c.in(0) : c.out(0);
    if (t) c.assign_in(0, *t), c.assign_out(0, *t);
    if (t && !c.in(1)) c.assign_in(1, *t);
  }
  GradKind grad_kind() const override { return GradKind::loss; }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>&) const override {
    auto b = grad_node(std::make_shared<RegressionBackward>(k_, grad_scale_), n, "backward",
                       {out_entry(n), n->inputs[1]});
    return {out_entry(b), NodeEntry{}};
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (k_ == RegressionKind::logistic)
      Unary<fn::sigmoid>().forward(ctx, in.subspan(0, 1), out, req);
    else
      copy_req(in[0], out[0], req[0]);
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (k_ == RegressionKind::logistic)
      Unary<fn::sigmoid>().forward_gpu(ctx, in.subspan(0, 1), out, req);
    else
      copy_req(in[0], out[0], req[0]);
  }
#endif
 private:
  RegressionKind k_;
  double grad_scale_ = 1.0;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_OUTPUT)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol softmax_output(const Symbol& data, const Symbol& label, const SoftmaxOutputOptions& o) {
  return compose(std::make_shared<ops::SoftmaxOutput>(o), {data, label}, o.name);
}
SYMGRAD_INLINE Symbol softmax_output(const Symbol& data, const SoftmaxOutputOptions& o) {
  return softmax_output(data, Symbol(), o);
}
SYMGRAD_INLINE Symbol SoftmaxOutput(const Symbol& data, const SoftmaxOutputOptions& o) {
  return softmax_output(data, o);
}
SYMGRAD_INLINE Symbol SoftmaxOutput(const Symbol& data, const Symbol& label, const SoftmaxOutputOptions& o) {
  return softmax_output(data, label, o);
}
namespace detail {
inline Symbol regression(ops::RegressionKind k, const Symbol& data, const Symbol& label,
                         const RegressionOptions& o) {
  return compose(std::make_shared<ops::RegressionOutput>(k, o.grad_scale), {data, label}, o.name);
}
}  // namespace detail
SYMGRAD_INLINE Symbol linear_regression_output(const Symbol& data, const Symbol& label,
                                               const RegressionOptions& o) {
  return detail::regression(ops::RegressionKind::linear, data, label, o);
}
SYMGRAD_INLINE Symbol logistic_regression_output(const Symbol& data, const Symbol& label,
                                                 const RegressionOptions& o) {
  return detail::regression(ops::RegressionKind::logistic, data, label, o);
}
SYMGRAD_INLINE Symbol mae_regression_output(const Symbol& data, const Symbol& label,
                                            const RegressionOptions& o) {
  return detail::regression(ops::RegressionKind::mae, data, label, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
template <RegressionKind K>
OpPtr regression(const AttrMap& m, std::size_t) {
  return std::make_shared<RegressionOutput>(K, m);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_OUTPUT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_output(OpTable& t) {
  t["SoftmaxOutput"] = reg::with_attrs<SoftmaxOutput>;
  t["Softmax"] = reg::with_attrs<SoftmaxOutput>;
  t["LinearRegressionOutput"] = reg::regression<RegressionKind::linear>;
  t["LogisticRegressionOutput"] = reg::regression<RegressionKind::logistic>;
  t["MAERegressionOutput"] = reg::regression<RegressionKind::mae>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_OUTPUT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE SoftmaxOutputBackward::~SoftmaxOutputBackward() = default;
SYMGRAD_INLINE SoftmaxOutput::~SoftmaxOutput() = default;
SYMGRAD_INLINE RegressionBackward::~RegressionBackward() = default;
SYMGRAD_INLINE RegressionOutput::~RegressionOutput() = default;
}  // namespace SYMGRAD_NS::ops
#endif
