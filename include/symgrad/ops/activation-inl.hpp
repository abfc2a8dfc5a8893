// Operators and kernels of ops/activation.hpp.
#pragma once
#include <memory>
#include <span>
#include "activation.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

inline const char* act_name(ActType t) {
  switch (t) {
    case ActType::relu:
      return "relu";
    case ActType::sigmoid:
      return "sigmoid";
    case ActType::tanh:
      return "tanh";
    case ActType::softrelu:
      return "softrelu";
    case ActType::softsign:
      return "softsign";
  }
  return "?";
}
inline ActType parse_act(std::string_view s) {
  for (ActType t : {ActType::relu, ActType::sigmoid, ActType::tanh, ActType::softrelu, ActType::softsign})
    if (s == act_name(t)) return t;
  throw ValueError("Activation: act_type '" + std::string(s) +
                   "' is not one of relu, sigmoid, tanh, softrelu, softsign");
}
template <class G>
decltype(auto) with_act(ActType t, G&& g) {
  switch (t) {
    case ActType::relu:
      return g(fn::relu{});
    case ActType::sigmoid:
      return g(fn::sigmoid{});
    case ActType::tanh:
      return g(fn::tanh{});
    case ActType::softrelu:
      return g(fn::softrelu{});
    case ActType::softsign:
      return g(fn::softsign{});
  }
  return g(fn::relu{});
}

class ActivationBackward final : public Operator {
 public:
  ~ActivationBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit ActivationBackward(ActType t) : t_(t) {}
  std::string type_name() const override { return "_backward_Activation"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "output"}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    with_act(t_, [&](auto f) { UnaryBackward<decltype(f)>().forward(ctx, in, out, req); });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    with_act(t_, [&](auto f) { UnaryBackward<decltype(f)>().forward_gpu(ctx, in, out, req); });
  }
#endif
 private:
  ActType t_;
};

class Activation final : public Operator {
 public:
  ~Activation() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Activation(ActType t) : t_(t) {}
  explicit Activation(const AttrMap& m) {
    attr::Reader r("Activation", m);
    std::string s;
    r.get("act_type", s);
    if (s.empty()) throw ValueError("Activation: the required attribute 'act_type' is missing");
    t_ = parse_act(s);
    r.finish();
  }
  ActType act_type() const { return t_; }
  std::string type_name() const override { return "Activation"; }
  AttrMap attrs() const override { return {{"act_type", act_name(t_)}}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<ActivationBackward>(t_), n, "backward",
                       {og[0], n->inputs[0], out_entry(n)});
    return {out_entry(b)};
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    with_act(t_, [&](auto f) { Unary<decltype(f)>().forward(ctx, in, out, req); });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    with_act(t_, [&](auto f) { Unary<decltype(f)>().forward_gpu(ctx, in, out, req); });
  }
#endif
 private:
  ActType t_ = ActType::relu;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ACTIVATION)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol activation(const Symbol& data, const ActivationOptions& o) {
  return compose(std::make_shared<ops::Activation>(ops::parse_act(o.act_type)), {data}, o.name);
}
SYMGRAD_INLINE Symbol Activation(const Symbol& data, const ActivationOptions& o) {
  return activation(data, o);
}
SYMGRAD_INLINE Symbol relu(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::relu{});
}
SYMGRAD_INLINE Symbol sigmoid(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::sigmoid{});
}
SYMGRAD_INLINE Symbol tanh(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::tanh{});
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ACTIVATION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_activation(OpTable& t) { t["Activation"] = reg::with_attrs<Activation>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ACTIVATION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE ActivationBackward::~ActivationBackward() = default;
SYMGRAD_INLINE Activation::~Activation() = default;
}  // namespace SYMGRAD_NS::ops
#endif
