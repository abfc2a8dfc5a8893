// Operators and kernels of ops/reshape.hpp.
#pragma once
#include <array>
#include <memory>
#include <span>
#include <utility>

#include "copy_like-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "reshape.hpp"

namespace SYMGRAD_NS::ops {

class Reshape final : public Operator {
 public:
  ~Reshape() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Reshape(ReshapeParam p) : p_(std::move(p)) {}
  explicit Reshape(const AttrMap& m) {
    attr::Reader r("Reshape", m);
    r.get("shape", p_.shape);
    r.get("reverse", p_.reverse);
    std::vector<std::int64_t> target;  // deprecated form: 0 means "infer"
    r.get("target_shape", target);
    bool keep_highest = false;
    r.get("keep_highest", keep_highest);
    r.finish();
    if (p_.shape.empty() && !target.empty()) {
      for (auto& d : target) d = d == 0 ? -1 : d;
      if (keep_highest) target.insert(target.begin(), 0);
      p_.shape = target;
    }
  }
  std::string type_name() const override { return "Reshape"; }
  AttrMap attrs() const override {
    AttrMap m{{"shape", attr::format(p_.shape)}};
    if (p_.reverse) m["reverse"] = attr::format(true);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    auto r = reshape_rule(in, p_.shape.data(), p_.shape.size(), p_.reverse);
    if (r.error)
      ShapeCtx::fail("cannot reshape " + c.in_name(0) + " of shape " + in.str() + " with shape=" +
                     attr::format(p_.shape) + (p_.reverse ? " (reverse)" : "") + ": " + r.error);
    c.assign_out(0, r.out);
    // One unknown input dimension follows from a known output.
    const Shape& out = c.out(0);
    if (in.rank_known() && out.known() && unknown_count(in) == 1) {
      Shape f = in;
      std::int64_t known = 1;
      int u = 0;
      for (int i = 0; i < in.ndim(); ++i) (in[i] < 0) ? (void)(u = i) : (void)(known *= in[i]);
      if (known > 0 && out.size() % known == 0) {
        f[u] = out.size() / known;
        c.assign_in(0, f);
      }
    }
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {grad_as_input(n, og[0])};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0].reshape(out[0].shape()), out[0], req[0]);
  }

  SYMGRAD_FORWARD_ON_ANY_DEVICE
 private:
  ReshapeParam p_;
};

class Flatten final : public Operator {
 public:
  ~Flatten() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "Flatten"; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, flatten_rule(c.in(0)));
    if (c.in(0).rank_known() && c.in(0).ndim() >= 1 && !c.in(0).dim_known(0) && c.out(0).rank_known()) {
      Shape f = c.in(0);
      f[0] = c.out(0)[0];
      c.assign_in(0, f);
    }
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {grad_as_input(n, og[0])};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0].reshape(out[0].shape()), out[0], req[0]);
  }
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};

class ExpandDims final : public Operator {
 public:
  ~ExpandDims() override;  // the key function: vtable and kernels are compiled with the unit
  explicit ExpandDims(std::int64_t axis) : axis_(axis) {}
  explicit ExpandDims(const AttrMap& m) {
    attr::Reader r("expand_dims", m);
    if (!r.find("axis")) throw ValueError("expand_dims: the required attribute 'axis' is missing");
    r.get("axis", axis_);
    r.finish();
  }
  std::string type_name() const override { return "expand_dims"; }
  AttrMap attrs() const override { return {{"axis", attr::format(axis_)}}; }
  void infer_shape(ShapeCtx& c) const override {
    auto r = expand_dims_rule(c.in(0), axis_);
    if (!r.ok)
      ShapeCtx::fail("axis " + std::to_string(axis_) + " is out of range for " + c.in_name(0) + " of shape " +
                     c.in(0).str() + " (valid: -" + std::to_string(c.in(0).ndim() + 1) + " to " +
                     std::to_string(c.in(0).ndim()) + ")");
    c.assign_out(0, r.out);
    if (c.out(0).rank_known() && c.out(0).ndim() >= 1 && !c.in(0).rank_known()) {
      std::int64_t a = axis_ < 0 ? axis_ + c.out(0).ndim() : axis_;
      Shape in;
      for (int i = 0; i < c.out(0).ndim(); ++i)
        if (i != a) in.push_back(c.out(0)[i]);
      c.assign_in(0, in);
    }
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {grad_as_input(n, og[0])};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0].reshape(out[0].shape()), out[0], req[0]);
  }

  SYMGRAD_FORWARD_ON_ANY_DEVICE
 private:
  std::int64_t axis_ = 0;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_RESHAPE)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol reshape(const Symbol& data, const ReshapeOptions& o) {
  return compose(std::make_shared<ops::Reshape>(ops::ReshapeParam{o.shape, o.reverse}), {data}, o.name);
}
SYMGRAD_INLINE Symbol Reshape(const Symbol& data, const ReshapeOptions& o) { return reshape(data, o); }
SYMGRAD_INLINE Symbol flatten(const Symbol& data, std::string_view name) {
  return compose(std::make_shared<ops::Flatten>(), {data}, name);
}
SYMGRAD_INLINE Symbol Flatten(const Symbol& data, std::string_view name) { return flatten(data, name); }
SYMGRAD_INLINE Symbol expand_dims(const Symbol& data, std::int64_t axis, std::string_view name) {
  return compose(std::make_shared<ops::ExpandDims>(axis), {data}, name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
inline OpPtr expand_dims(const AttrMap& m, std::size_t) { return std::make_shared<ExpandDims>(m); }
inline OpPtr reshape(const AttrMap& m, std::size_t) { return std::make_shared<Reshape>(m); }
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_RESHAPE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_reshape(OpTable& t) {
  t["Reshape"] = reg::reshape;
  t["reshape"] = reg::reshape;
  t["Flatten"] = reg::plain<Flatten>;
  t["flatten"] = reg::plain<Flatten>;
  t["expand_dims"] = reg::expand_dims;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_RESHAPE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE Reshape::~Reshape() = default;
SYMGRAD_INLINE Flatten::~Flatten() = default;
SYMGRAD_INLINE ExpandDims::~ExpandDims() = default;
}  // namespace SYMGRAD_NS::ops
#endif
