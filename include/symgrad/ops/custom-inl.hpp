// Operators of ops/custom.hpp: Custom nodes run the user's CustomOp; the registry of op_types.
#pragma once
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/strings.hpp"
#include "add_n-inl.hpp"
#include "custom.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

// A Custom node: the prop's names and rules, and the user's kernels.
class Custom final : public Operator {
 public:
  ~Custom() override;  // the key function: vtable and kernels are compiled with the unit
  Custom(std::string op_type, AttrMap kwargs, std::shared_ptr<const CustomOpProp> prop);
  std::string type_name() const override { return "Custom"; }
  std::vector<std::string> arguments() const override;
  std::vector<std::string> outputs() const override { return outs_; }
  std::vector<std::size_t> aux_inputs() const override;
  AttrMap attrs() const override;
  void infer_shape(ShapeCtx& c) const override;
  void infer_type(TypeCtx& c) const override;
  GradKind grad_kind() const override { return prop_->need_top_grad() ? GradKind::normal : GradKind::loss; }
  bool differentiable(std::size_t input) const override { return input < args_.size(); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override;
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;
  std::string gpu_unsupported() const override { return "Custom operators run on the CPU only"; }

  // The node's CustomOp, made at the first call from these inputs (arguments first).
  CustomOp& instance(std::span<const NDArray> args) const;
  std::size_t num_args() const { return args_.size(); }
  std::size_t num_aux() const { return aux_.size(); }
  std::size_t num_outputs() const { return outs_.size(); }
  const std::string& op_type() const { return op_type_; }

 private:
  std::string op_type_;
  AttrMap kwargs_;
  std::shared_ptr<const CustomOpProp> prop_;
  std::vector<std::string> args_, outs_, aux_;
  mutable std::mutex mu_;
  mutable std::shared_ptr<CustomOp> op_;
};

// Its gradient node: inputs (output gradients, arguments, auxiliary states, outputs), outputs the
// arguments' gradients.
class CustomBackward final : public Operator {
 public:
  ~CustomBackward() override;
  explicit CustomBackward(std::shared_ptr<const Custom> fwd) : fwd_(std::move(fwd)) {}
  std::string type_name() const override { return "_backward_Custom"; }
  std::vector<std::string> arguments() const override;
  std::vector<std::string> outputs() const override;
  void infer_shape(ShapeCtx& c) const override;
  void infer_type(TypeCtx& c) const override;
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;
  std::string gpu_unsupported() const override { return "Custom operators run on the CPU only"; }

 private:
  std::shared_ptr<const Custom> fwd_;
};

namespace custom_detail {
struct Registry {
  std::mutex mu;
  std::map<std::string, CustomOpFactory, std::less<>> factories;
};
Registry& registry();
}  // namespace custom_detail

namespace reg {
OpPtr custom(const AttrMap& m, std::size_t n);
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CUSTOM)
namespace SYMGRAD_NS {

SYMGRAD_INLINE void CustomOp::assign(const NDArray& dst, OpReq req, const NDArray& src) {
  if (req == OpReq::null) return;
  if (!(dst.shape() == src.shape()))
    throw ShapeError("CustomOp::assign: the destination has shape " + dst.shape().str() + " but the source " +
                     src.shape().str());
  if (req == OpReq::write) {
    NDArray d = dst;
    src.copy_to(d);
    return;
  }
  const NDArray s = src.dtype() == dst.dtype() ? src : src.astype(dst.dtype());
  dispatch_dtype(dst.dtype(), [&](auto t) {
    using T = decltype(t);
    T* d = dst.data<T>();
    const T* p = s.data<T>();
    for (std::int64_t i = 0; i < dst.size(); ++i) d[i] = static_cast<T>(d[i] + p[i]);
  });
}

SYMGRAD_INLINE CustomOpProp::Shapes CustomOpProp::infer_shape(const std::vector<Shape>& in) const {
  const Shape s = in.empty() ? Shape() : in[0];
  return {in, std::vector<Shape>(list_outputs().size(), s),
          std::vector<Shape>(list_auxiliary_states().size(), s)};
}
SYMGRAD_INLINE CustomOpProp::Types CustomOpProp::infer_type(const std::vector<DType>& in) const {
  const DType t = in.empty() ? DType::float32 : in[0];
  return {std::vector<DType>(list_arguments().size(), t), std::vector<DType>(list_outputs().size(), t),
          std::vector<DType>(list_auxiliary_states().size(), t)};
}

SYMGRAD_INLINE void register_custom_op(const std::string& op_type, CustomOpFactory factory) {
  if (op_type.empty()) throw ValueError("register_custom_op: the op_type must not be empty");
  if (!factory) throw ValueError("register_custom_op: the factory of '" + op_type + "' is empty");
  auto& r = ops::custom_detail::registry();
  std::lock_guard lk(r.mu);
  r.factories[op_type] = std::move(factory);
}
SYMGRAD_INLINE std::vector<std::string> custom_op_types() {
  auto& r = ops::custom_detail::registry();
  std::lock_guard lk(r.mu);
  std::vector<std::string> names;
  for (const auto& [k, v] : r.factories) names.push_back(k);
  return names;
}

namespace sym {
SYMGRAD_INLINE Symbol custom(const std::vector<Symbol>& inputs, const CustomOptions& o) {
  AttrMap m = o.kwargs;
  if (m.count("op_type")) throw ValueError("custom: give op_type in CustomOptions::op_type, not in kwargs");
  m["op_type"] = o.op_type;
  // the prop decides how many inputs the node has: missing trailing ones become variables
  auto op = std::static_pointer_cast<const ops::Custom>(ops::reg::custom(m, static_cast<std::size_t>(-1)));
  return compose(op, inputs, o.name);
}
}  // namespace sym

namespace ops {
namespace custom_detail {
SYMGRAD_INLINE Registry& registry() {
  static Registry r;
  return r;
}
}  // namespace custom_detail

SYMGRAD_INLINE Custom::Custom(std::string op_type, AttrMap kwargs, std::shared_ptr<const CustomOpProp> prop)
    : op_type_(std::move(op_type)), kwargs_(std::move(kwargs)), prop_(std::move(prop)) {
  args_ = prop_->list_arguments();
  outs_ = prop_->list_outputs();
  aux_ = prop_->list_auxiliary_states();
  if (outs_.empty())
    throw ValueError("Custom '" + op_type_ + "': list_outputs() is empty; an operator needs an output");
}
SYMGRAD_INLINE std::vector<std::string> Custom::arguments() const {
  std::vector<std::string> a = args_;
  a.insert(a.end(), aux_.begin(), aux_.end());
  return a;
}
SYMGRAD_INLINE std::vector<std::size_t> Custom::aux_inputs() const {
  std::vector<std::size_t> a;
  for (std::size_t i = 0; i < aux_.size(); ++i) a.push_back(args_.size() + i);
  return a;
}
SYMGRAD_INLINE AttrMap Custom::attrs() const {
  AttrMap m = kwargs_;
  m["op_type"] = op_type_;
  return m;
}
SYMGRAD_INLINE void Custom::infer_shape(ShapeCtx& c) const {
  // As MXNet, the prop is asked once the first argument's shape is known; the others may still
  // be unknown (Shape::known() false), and what it returns is merged with what is known.
  if (args_.empty() || !c.in(0).known()) return;
  std::vector<Shape> in;
  for (std::size_t i = 0; i < args_.size(); ++i) in.push_back(c.in(i));
  const auto s = prop_->infer_shape(in);
  auto count = [&](std::size_t got, std::size_t want, const char* what) {
    if (got != want)
      ShapeCtx::fail("Custom '" + op_type_ + "': infer_shape returned " + std::to_string(got) + " " + what +
                     " shapes for " + std::to_string(want) + " " + what);
  };
  count(s.in.size(), args_.size(), "argument");
  count(s.out.size(), outs_.size(), "output");
  count(s.aux.size(), aux_.size(), "auxiliary state");
  for (std::size_t i = 0; i < args_.size(); ++i) c.assign_in(i, s.in[i], "Custom '" + op_type_ + "'");
  for (std::size_t i = 0; i < aux_.size(); ++i)
    c.assign_in(args_.size() + i, s.aux[i], "Custom '" + op_type_ + "'");
  for (std::size_t j = 0; j < outs_.size(); ++j) c.assign_out(j, s.out[j], "Custom '" + op_type_ + "'");
}
SYMGRAD_INLINE void Custom::infer_type(TypeCtx& c) const {
  // Once the first argument's dtype is known; unknown others are passed as that dtype.
  if (args_.empty() || !c.in(0)) return;
  std::vector<DType> in;
  for (std::size_t i = 0; i < args_.size(); ++i) in.push_back(c.in(i).value_or(*c.in(0)));
  const auto t = prop_->infer_type(in);
  if (t.in.size() != args_.size() || t.out.size() != outs_.size() || t.aux.size() != aux_.size())
    throw RuleError{"Custom '" + op_type_ + "': infer_type returned lists of the wrong lengths"};
  for (std::size_t i = 0; i < args_.size(); ++i) c.assign_in(i, t.in[i]);
  for (std::size_t i = 0; i < aux_.size(); ++i) c.assign_in(args_.size() + i, t.aux[i]);
  for (std::size_t j = 0; j < outs_.size(); ++j) c.assign_out(j, t.out[j]);
}
SYMGRAD_INLINE std::vector<NodeEntry> Custom::gradient(const NodePtr& n,
                                                       const std::vector<NodeEntry>& og) const {
  std::vector<NodeEntry> ins;
  for (std::size_t j = 0; j < outs_.size(); ++j) {
    // a loss (need_top_grad false) reads no head gradient: the executor then asks for none
    if (prop_->need_top_grad() && j < og.size() && og[j].node) {
      ins.push_back(og[j]);
    } else {  // no gradient arrives at this output: zeros of its shape
      auto z = make_node(std::make_shared<ZerosLike>(), n->name + "_" + outs_[j] + "_zero_grad",
                         {out_entry(n, static_cast<std::uint32_t>(j))});
      ins.push_back(out_entry(z));
    }
  }
  ins.insert(ins.end(), n->inputs.begin(), n->inputs.end());
  for (std::size_t j = 0; j < outs_.size(); ++j) ins.push_back(out_entry(n, static_cast<std::uint32_t>(j)));
  auto b = grad_node(std::make_shared<CustomBackward>(std::static_pointer_cast<const Custom>(n->op)), n,
                     "backward", std::move(ins));
  std::vector<NodeEntry> g;
  for (std::size_t i = 0; i < args_.size(); ++i) g.push_back(out_entry(b, static_cast<std::uint32_t>(i)));
  for (std::size_t i = 0; i < aux_.size(); ++i) g.push_back(NodeEntry{});
  return g;
}
SYMGRAD_INLINE CustomOp& Custom::instance(std::span<const NDArray> args) const {
  std::lock_guard lk(mu_);
  if (!op_) {
    std::vector<Shape> shapes;
    std::vector<DType> types;
    for (const auto& a : args) shapes.push_back(a.shape()), types.push_back(a.dtype());
    op_ = prop_->create_operator(args.empty() ? cpu() : args[0].context(), shapes, types);
    if (!op_) throw ValueError("Custom '" + op_type_ + "': create_operator returned no operator");
  }
  return *op_;
}
SYMGRAD_INLINE void Custom::forward(const RunCtx& ctx, std::span<const NDArray> in,
                                    std::span<const NDArray> out, std::span<const OpReq> req) const {
  const auto args = in.first(args_.size());
  instance(args).forward(ctx.is_train, req, args, out, in.subspan(args_.size()));
}

SYMGRAD_INLINE std::vector<std::string> CustomBackward::arguments() const {
  std::vector<std::string> a;
  for (const auto& o : fwd_->outputs()) a.push_back("ograd_" + o);
  for (const auto& i : fwd_->arguments()) a.push_back(i);
  for (const auto& o : fwd_->outputs()) a.push_back("out_" + o);
  return a;
}
SYMGRAD_INLINE std::vector<std::string> CustomBackward::outputs() const {
  std::vector<std::string> o;
  auto names = fwd_->arguments();
  for (std::size_t i = 0; i < fwd_->num_args(); ++i) o.push_back(names[i] + "_grad");
  return o;
}
SYMGRAD_INLINE void CustomBackward::infer_shape(ShapeCtx& c) const {
  const std::size_t no = fwd_->num_outputs();
  for (std::size_t i = 0; i < fwd_->num_args(); ++i) c.assign_out(i, c.in(no + i));
}
SYMGRAD_INLINE void CustomBackward::infer_type(TypeCtx& c) const {
  const std::size_t no = fwd_->num_outputs();
  for (std::size_t i = 0; i < fwd_->num_args(); ++i)
    if (auto t = c.in(no + i)) c.assign_out(i, *t);
}
SYMGRAD_INLINE void CustomBackward::forward(const RunCtx&, std::span<const NDArray> in,
                                            std::span<const NDArray> out, std::span<const OpReq> req) const {
  const std::size_t no = fwd_->num_outputs(), na = fwd_->num_args(), nx = fwd_->num_aux();
  const auto ograd = in.first(no), args = in.subspan(no, na), aux = in.subspan(no + na, nx),
             outs = in.subspan(no + na + nx, no);
  fwd_->instance(args).backward(req, ograd, args, outs, out, aux);
}

namespace reg {
SYMGRAD_INLINE OpPtr custom(const AttrMap& m, std::size_t n) {
  auto it = m.find("op_type");
  if (it == m.end() || it->second.empty())
    throw ValueError("Custom: the op_type attribute is required (the name given to register_custom_op)");
  const std::string op_type = it->second;
  CustomOpFactory factory;
  {
    auto& r = custom_detail::registry();
    std::lock_guard lk(r.mu);
    auto f = r.factories.find(op_type);
    if (f == r.factories.end()) {
      std::vector<std::string> known;
      for (const auto& [k, v] : r.factories) known.push_back(k);
      throw NameError("Custom: op_type '" + op_type + "' is not registered; call sg::register_custom_op(\"" +
                      op_type + "\", factory) before building or loading the symbol." +
                      symgrad::detail::did_you_mean(op_type, known) +
                      (known.empty() ? std::string(" No op_type is registered.")
                                     : " Registered: " + symgrad::detail::join(known)));
    }
    factory = f->second;
  }
  AttrMap kwargs = m;
  kwargs.erase("op_type");
  std::shared_ptr<const CustomOpProp> prop = factory(kwargs);
  if (!prop) throw ValueError("Custom: the factory of op_type '" + op_type + "' returned no prop");
  auto op = std::make_shared<Custom>(op_type, std::move(kwargs), std::move(prop));
  const std::size_t want = op->num_args() + op->num_aux();
  if (n != static_cast<std::size_t>(-1) && n != want)
    throw ValueError("Custom '" + op_type + "': the node has " + std::to_string(n) +
                     " inputs but the prop lists " + std::to_string(op->num_args()) + " arguments and " +
                     std::to_string(op->num_aux()) + " auxiliary states");
  return op;
}
}  // namespace reg

SYMGRAD_INLINE void register_custom(OpTable& t) { t["Custom"] = reg::custom; }
// Key functions (see the classes above).
SYMGRAD_INLINE Custom::~Custom() = default;
SYMGRAD_INLINE CustomBackward::~CustomBackward() = default;
}  // namespace ops
}  // namespace SYMGRAD_NS
#endif
