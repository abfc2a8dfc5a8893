// Operators and kernels of ops/broadcast_to.hpp.
#pragma once
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "../cpu/strided.hpp"
#include "broadcast_to.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

// _backward_broadcast_to(ograd, data): ograd summed into the data's shape.
class BroadcastToBackward final : public Operator {
 public:
  ~BroadcastToBackward() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_broadcast_to"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_float(in[0].dtype(), "broadcast_to", [&](auto t) {
      using T = decltype(t);
      const Shape& os = in[0].shape();
      host::strided_accumulate<T>(os, out[0].data<T>(), host::broadcast_strides(out[0].shape(), os),
                                  in[0].data<T>());
    });
  }
};

class BroadcastTo final : public Operator {
 public:
  enum class Kind { to, axis, like };
  ~BroadcastTo() override;  // the key function: vtable and kernels are compiled with the unit
  BroadcastTo(Kind k, std::vector<std::int64_t> a, std::vector<std::int64_t> b, bool axes_given = false)
      : kind_(k), a_(std::move(a)), b_(std::move(b)), axes_given_(axes_given) {
    if (k == Kind::axis && a_.size() != b_.size())
      throw ValueError("broadcast_axis: axis " + attr::format(a_) + " and size " + attr::format(b_) +
                       " must have the same length");
    if (k == Kind::like && axes_given_ && a_.size() != b_.size())
      throw ValueError("broadcast_like: lhs_axes " + attr::format(a_) + " and rhs_axes " + attr::format(b_) +
                       " must have the same length");
  }
  std::string type_name() const override {
    return kind_ == Kind::to ? "broadcast_to" : kind_ == Kind::axis ? "broadcast_axis" : "broadcast_like";
  }
  std::vector<std::string> arguments() const override {
    if (kind_ == Kind::like) return {"lhs", "rhs"};
    return {"data"};
  }
  AttrMap attrs() const override {
    if (kind_ == Kind::to) return {{"shape", attr::format(a_)}};
    if (kind_ == Kind::axis)
      return a_.empty() ? AttrMap{} : AttrMap{{"axis", attr::format(a_)}, {"size", attr::format(b_)}};
    if (!axes_given_) return {};
    return {{"lhs_axes", attr::format(a_)}, {"rhs_axes", attr::format(b_)}};
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    auto bad = [&](const std::string& why) {
      ShapeCtx::fail("cannot " + type_name() + " " + c.in_name(0) + " of shape " + in.str() + why);
    };
    auto axis_of = [&](std::int64_t a, int nd, const std::string& what) {
      const std::int64_t d = a < 0 ? a + nd : a;
      if (d < 0 || d >= nd)
        bad(": " + what + " axis " + std::to_string(a) + " is out of range for rank " + std::to_string(nd));
      return static_cast<int>(d);
    };
    // The size along axis d becomes v: it must be v already or 1.
    auto grow = [&](Shape& out, int d, std::int64_t v, const std::string& to) {
      if (in[d] >= 0 && v >= 0 && in[d] != v && in[d] != 1)
        bad(" to " + to + ": axis " + std::to_string(d) + " has size " + std::to_string(in[d]) +
            "; only size-1 axes (or equal sizes) broadcast");
      out[d] = v;
    };
    Shape out = in;
    if (kind_ == Kind::to) {
      auto r = broadcast_to_rule(in, a_.data(), a_.size());
      if (r.error)
        bad(" to " + attr::format(a_) + ": " +
            (r.bad_axis >= 0 ? "axis " + std::to_string(r.bad_axis) + ": " : std::string()) + r.error);
      out = r.out;
    } else if (kind_ == Kind::axis) {
      for (std::size_t i = 0; i < a_.size(); ++i) {
        const int d = axis_of(a_[i], in.ndim(), "");
        if (b_[i] < 1) bad(": size " + std::to_string(b_[i]) + " must be positive");
        if (in[d] >= 0 && in[d] != 1)
          bad(" along axis " + std::to_string(a_[i]) + ": its size is " + std::to_string(in[d]) + ", not 1");
        out[d] = b_[i];
      }
    } else {
      const Shape& r = c.in(1);
      if (!r.rank_known()) return;
      const std::string to = "like " + c.in_name(1) + " of shape " + r.str();
      if (!axes_given_) {
        if (r.ndim() != in.ndim()) bad(" " + to + ": the shapes must have the same rank");
        for (int d = 0; d < in.ndim(); ++d) grow(out, d, r[d], r.str());
      } else {
        for (std::size_t i = 0; i < a_.size(); ++i)
          grow(out, axis_of(a_[i], in.ndim(), "lhs"), r[axis_of(b_[i], r.ndim(), "rhs")], to);
      }
    }
    c.assign_out(0, out);
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b =
        out_entry(grad_node(std::make_shared<BroadcastToBackward>(), n, "backward", {og[0], n->inputs[0]}));
    if (kind_ == Kind::like) return {b, NodeEntry{}};
    return {b};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& os = out[0].shape();
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      host::strided_copy<T>(os, out[0].data<T>(), in[0].data<T>(), host::broadcast_strides(in[0].shape(), os),
                            req[0] == OpReq::add);
    });
  }

 private:
  Kind kind_;
  std::vector<std::int64_t> a_, b_;  // shape; axis and size; lhs_axes and rhs_axes
  bool axes_given_ = false;
};

namespace reg {
inline OpPtr broadcast_to(const AttrMap& m, std::size_t) {
  attr::Reader r("broadcast_to", m);
  std::vector<std::int64_t> shape;
  if (!r.find("shape")) throw ValueError("broadcast_to: the attribute shape is required");
  r.get("shape", shape);
  r.finish();
  return std::make_shared<BroadcastTo>(BroadcastTo::Kind::to, std::move(shape), std::vector<std::int64_t>{});
}
inline OpPtr broadcast_axis(const AttrMap& m, std::size_t) {
  attr::Reader r("broadcast_axis", m);
  std::vector<std::int64_t> axis, size;
  r.get("axis", axis);
  r.get("size", size);
  r.finish();
  return std::make_shared<BroadcastTo>(BroadcastTo::Kind::axis, std::move(axis), std::move(size));
}
inline OpPtr broadcast_like(const AttrMap& m, std::size_t) {
  attr::Reader r("broadcast_like", m);
  const std::string *la = r.find("lhs_axes"), *ra = r.find("rhs_axes");
  auto given = [](const std::string* s) { return s && attr::trim(*s) != "None"; };
  std::vector<std::int64_t> lhs, rhs;
  if (given(la)) r.get("lhs_axes", lhs);
  if (given(ra)) r.get("rhs_axes", rhs);
  r.finish();
  // MXNet uses the axes only when both are given
  const bool both = given(la) && given(ra);
  return std::make_shared<BroadcastTo>(BroadcastTo::Kind::like, both ? lhs : std::vector<std::int64_t>{},
                                       both ? rhs : std::vector<std::int64_t>{}, both);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_BROADCAST_TO)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol broadcast_to(const Symbol& data, std::vector<std::int64_t> shape,
                                   std::string_view name) {
  return compose(std::make_shared<ops::BroadcastTo>(ops::BroadcastTo::Kind::to, std::move(shape),
                                                    std::vector<std::int64_t>{}),
                 {data}, name);
}
SYMGRAD_INLINE Symbol broadcast_axis(const Symbol& data, const BroadcastAxisOptions& o) {
  return compose(std::make_shared<ops::BroadcastTo>(ops::BroadcastTo::Kind::axis, o.axis, o.size), {data},
                 o.name);
}
SYMGRAD_INLINE Symbol broadcast_axes(const Symbol& data, const BroadcastAxisOptions& o) {
  return broadcast_axis(data, o);
}
SYMGRAD_INLINE Symbol broadcast_like(const Symbol& lhs, const Symbol& rhs, const BroadcastLikeOptions& o) {
  const bool both = o.lhs_axes && o.rhs_axes;  // as MXNet: the axes count only when both are given
  return compose(std::make_shared<ops::BroadcastTo>(ops::BroadcastTo::Kind::like,
                                                    both ? *o.lhs_axes : std::vector<std::int64_t>{},
                                                    both ? *o.rhs_axes : std::vector<std::int64_t>{}, both),
                 {lhs, rhs}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_broadcast_to(OpTable& t) {
  t["broadcast_to"] = reg::broadcast_to;
  t["broadcast_axis"] = reg::broadcast_axis;
  t["broadcast_axes"] = reg::broadcast_axis;
  t["broadcast_like"] = reg::broadcast_like;
}
// Key functions (see the classes above).
SYMGRAD_INLINE BroadcastToBackward::~BroadcastToBackward() = default;
SYMGRAD_INLINE BroadcastTo::~BroadcastTo() = default;
}  // namespace SYMGRAD_NS::ops
#endif
