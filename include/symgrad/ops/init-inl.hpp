// Operators and kernels of ops/init.hpp.
#pragma once
#include <memory>
#include <optional>
#include <span>

#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "init.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

class Fill final : public Operator {
 public:
  ~Fill() override;  // the key function: vtable and kernels are compiled with the unit
  // dtype unset: taken from the consumers (float32 when nothing decides it).
  // full: read from a _full node, which stays _full whatever its value.
  Fill(double value, Shape shape, std::optional<DType> dtype, bool full = false)
      : value_(value), shape_(shape), dtype_(dtype), full_(full) {}
  std::string type_name() const override {
    return full_ || (value_ != 0 && value_ != 1) ? "_full" : (value_ == 0 ? "_zeros" : "_ones");
  }
  std::vector<std::string> arguments() const override { return {}; }
  AttrMap attrs() const override {
    std::vector<std::int64_t> dims;
    for (auto d : shape_) dims.push_back(d < 0 ? 0 : d);
    AttrMap m{{"shape", attr::format(dims)}};
    if (dtype_) m["dtype"] = std::string(dtype_name(*dtype_));
    if (type_name() == "_full") m["value"] = attr::format(value_);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, shape_); }
  void infer_type(TypeCtx& c) const override {
    if (dtype_) c.assign_out(0, *dtype_);
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override { return {}; }
  void forward(const RunCtx&, std::span<const NDArray>, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::write)
      out[0].fill(value_);
    else if (req[0] == OpReq::add && value_ != 0)
      copy_req(nd_full_like(out[0]), out[0], OpReq::add);
  }

  SYMGRAD_FORWARD_ON_ANY_DEVICE
 private:
  NDArray nd_full_like(const NDArray& a) const {  // only on the (unused in practice) add path
    NDArray r(a.shape(), a.context(), a.dtype());
    r.fill(value_);
    return r;
  }
  double value_;
  Shape shape_;
  std::optional<DType> dtype_;
  bool full_;
};

class OnesLike final : public Operator {
 public:
  ~OnesLike() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "ones_like"; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  bool differentiable(std::size_t) const override { return false; }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    return {NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray>, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::write) out[0].fill(1.0);
  }
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INIT)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol zeros(const Shape& shape, const FillOptions& o) {
  return compose(std::make_shared<ops::Fill>(0.0, shape, o.dtype), {}, o.name);
}
SYMGRAD_INLINE Symbol ones(const Shape& shape, const FillOptions& o) {
  return compose(std::make_shared<ops::Fill>(1.0, shape, o.dtype), {}, o.name);
}
SYMGRAD_INLINE Symbol full(const Shape& shape, double value, const FillOptions& o) {
  return compose(std::make_shared<ops::Fill>(value, shape, o.dtype), {}, o.name);
}
SYMGRAD_INLINE Symbol zeros_like(const Symbol& data, std::string_view name) {
  return compose(std::make_shared<ops::ZerosLike>(), {data}, name);
}
SYMGRAD_INLINE Symbol ones_like(const Symbol& data, std::string_view name) {
  return compose(std::make_shared<ops::OnesLike>(), {data}, name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
// Kind 0: _zeros, 1: _ones, 2: _full (its value an attribute).
template <int Kind>
OpPtr fill(const AttrMap& m, std::size_t) {
  static constexpr const char* kNames[] = {"_zeros", "_ones", "_full"};
  attr::Reader r(kNames[Kind], m);
  double value = Kind;
  if constexpr (Kind == 2) {
    if (!r.find("value")) throw ValueError("_full: the required attribute 'value' is missing");
    r.get("value", value);
  }
  std::vector<std::int64_t> dims;
  r.get("shape", dims);
  std::string dt;
  r.get("dtype", dt);
  std::string ctx;
  r.get("ctx", ctx);
  r.finish();
  Shape s;
  for (auto d : dims) s.push_back(d == 0 ? dyn : d);
  return std::make_shared<Fill>(
      value, s, dt.empty() ? std::nullopt : std::optional<DType>(dtype_from_name(dt)), Kind == 2);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INIT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_init(OpTable& t) {
  t["_zeros"] = reg::fill<0>;
  t["_ones"] = reg::fill<1>;
  t["_full"] = reg::fill<2>;
  t["ones_like"] = reg::plain<OnesLike>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INIT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE Fill::~Fill() = default;
SYMGRAD_INLINE OnesLike::~OnesLike() = default;
}  // namespace SYMGRAD_NS::ops
#endif
