// Operators and kernels of ops/loss.hpp.
#pragma once
#include <algorithm>
#include <memory>
#include <span>

#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "loss.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<MakeLossParam> = std::tuple{
    field("grad_scale", &MakeLossParam::grad_scale), field("valid_thresh", &MakeLossParam::valid_thresh),
    field("normalization", &MakeLossParam::normalization)};

class MakeLossBackward final : public Operator {
 public:
  ~MakeLossBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit MakeLossBackward(MakeLossParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_MakeLoss"; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const NDArray& x = in[0];
    const double g = head_grad(x);
    dispatch_float(x.dtype(), "MakeLoss", [&](auto t) {
      using T = decltype(t);
      T* dx = out[0].data<T>();
      const T v = static_cast<T>(g);
      for_each_req<T>(req[0], static_cast<std::size_t>(x.size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(dx + i, host::broadcast<V>(v));
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    // valid: counted on the host, where head_grad reads the loss (it is small)
    const double g = head_grad(p_.normalization == LossNorm::valid ? in[0].copy_to(cpu()) : in[0]);
    if (req[0] == OpReq::write) {
      out[0].fill(g);
    } else if (req[0] == OpReq::add) {
      cuda::binary(ctx.ctx.device_id, out[0].dtype(), cuda::BinaryOp::add, out[0].size(), out[0].raw_data(),
                   nullptr, g, out[0].raw_data(), OpReq::write);
    }
  }
#endif
 private:
  // The gradient of every element: grad_scale, divided by the rows (batch) or by the entries
  // above valid_thresh (valid; `x` on the host, compared in its own precision).
  double head_grad(const NDArray& x) const {
    double g = p_.grad_scale;
    if (p_.normalization == LossNorm::batch) {
      std::int64_t last = x.ndim() ? x.shape().back() : 1;
      std::int64_t rows = last ? x.size() / last : 1;
      g /= static_cast<double>(std::max<std::int64_t>(1, rows));
    } else if (p_.normalization == LossNorm::valid) {
      std::int64_t cnt = 0;
      dispatch_float(x.dtype(), "MakeLoss", [&](auto t) {
        using T = decltype(t);
        const T* p = x.data<T>();
        for (std::int64_t i = 0; i < x.size(); ++i) cnt += p[i] > static_cast<T>(p_.valid_thresh);
      });
      g /= static_cast<double>(std::max<std::int64_t>(1, cnt));
    }
    return g;
  }
  MakeLossParam p_;
};

class MakeLoss final : public ParamOp<MakeLossParam, "MakeLoss"> {
 public:
  ~MakeLoss() override;  // the key function: vtable and kernels are compiled with the unit
  using ParamOp::ParamOp;
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  GradKind grad_kind() const override { return GradKind::loss; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>&) const override {
    return {out_entry(grad_node(std::make_shared<MakeLossBackward>(p_), n, "backward", {n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0], out[0], req[0]);
  }

  SYMGRAD_FORWARD_ON_ANY_DEVICE
};

// make_loss (lower case, its own operator in MXNet): the identity, output `loss`, and the gradient
// ones_like(data) whatever the head gradient (MakeLoss with its defaults).
class IdentityLoss final : public Operator {
 public:
  ~IdentityLoss() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "make_loss"; }
  std::vector<std::string> outputs() const override { return {"loss"}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  GradKind grad_kind() const override { return GradKind::loss; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>&) const override {
    return {out_entry(
        grad_node(std::make_shared<MakeLossBackward>(MakeLossParam{}), n, "backward", {n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0], out[0], req[0]);
  }
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};

class BlockGrad final : public Operator {
 public:
  ~BlockGrad() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "BlockGrad"; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  GradKind grad_kind() const override { return GradKind::block; }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    return {NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0], out[0], req[0]);
  }
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LOSS)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol make_loss(const Symbol& data, const MakeLossOptions& o) {
  return compose(std::make_shared<ops::MakeLoss>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol MakeLoss(const Symbol& data, const MakeLossOptions& o) { return make_loss(data, o); }
SYMGRAD_INLINE Symbol block_grad(const Symbol& data, std::string_view name) {
  return compose(std::make_shared<ops::BlockGrad>(), {data}, name);
}
SYMGRAD_INLINE Symbol BlockGrad(const Symbol& data, std::string_view name) { return block_grad(data, name); }
SYMGRAD_INLINE Symbol stop_gradient(const Symbol& data, std::string_view name) {
  return block_grad(data, name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LOSS)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_loss(OpTable& t) {
  t["MakeLoss"] = reg::with_attrs<MakeLoss>;
  t["make_loss"] = reg::plain<IdentityLoss>;
  t["BlockGrad"] = reg::plain<BlockGrad>;
  t["stop_gradient"] = reg::plain<BlockGrad>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LOSS)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE MakeLossBackward::~MakeLossBackward() = default;
SYMGRAD_INLINE MakeLoss::~MakeLoss() = default;
SYMGRAD_INLINE IdentityLoss::~IdentityLoss() = default;
SYMGRAD_INLINE BlockGrad::~BlockGrad() = default;
}  // namespace SYMGRAD_NS::ops
#endif
