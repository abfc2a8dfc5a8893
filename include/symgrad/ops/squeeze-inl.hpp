// Operators and kernels of ops/squeeze.hpp.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "copy_like-inl.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "squeeze.hpp"

namespace SYMGRAD_NS::ops {

class Squeeze final : public Operator {
 public:
  ~Squeeze() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Squeeze(std::vector<std::int64_t> axis) : axis_(std::move(axis)) {}
  std::string type_name() const override { return "squeeze"; }
  AttrMap attrs() const override {
    if (axis_.empty()) return {};
    return {{"axis", attr::format(axis_)}};
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    auto r = squeeze_rule(in, axis_.data(), axis_.size());
    if (r.error)
      ShapeCtx::fail("cannot squeeze axis " + std::to_string(r.bad_axis) + " of " + c.in_name(0) +
                     " with shape " + in.str() + " (axis=" + attr::format(axis_) + "): " + r.error);
    if (r.out.rank_known()) c.assign_out(0, r.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {grad_as_input(n, og[0])};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0].reshape(out[0].shape()), out[0], req[0]);
  }

 private:
  std::vector<std::int64_t> axis_;
};

class ReshapeLike final : public Operator {
 public:
  ~ReshapeLike() override;  // the key function: vtable and kernels are compiled with the unit
  explicit ReshapeLike(const sym::ReshapeLikeOptions& o)
      : lb_(o.lhs_begin), le_(o.lhs_end), rb_(o.rhs_begin), re_(o.rhs_end) {}
  std::string type_name() const override { return "reshape_like"; }
  std::vector<std::string> arguments() const override { return {"lhs", "rhs"}; }
  AttrMap attrs() const override {
    AttrMap m;
    auto put = [&](const char* k, const std::optional<std::int64_t>& v) {
      if (v) m[k] = attr::format(*v);
    };
    put("lhs_begin", lb_), put("lhs_end", le_), put("rhs_begin", rb_), put("rhs_end", re_);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape &l = c.in(0), &r = c.in(1);
    if (!l.rank_known() || !r.rank_known()) return;
    int l0 = 0, l1 = 0, r0 = 0, r1 = 0;
    range(c, "lhs", l, lb_, le_, l0, l1);
    range(c, "rhs", r, rb_, re_, r0, r1);
    Shape out;
    for (int d = 0; d < l0; ++d) out.push_back(l[d]);
    for (int d = r0; d < r1; ++d) out.push_back(r[d]);
    for (int d = l1; d < l.ndim(); ++d) out.push_back(l[d]);
    if (l.known() && out.known() && l.size() != out.size())
      ShapeCtx::fail("cannot reshape lhs of shape " + l.str() + " (" + std::to_string(l.size()) +
                     " elements) like rhs of shape " + r.str() + ": the new shape " + out.str() + " has " +
                     std::to_string(out.size()) + " elements");
    c.assign_out(0, out);
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {grad_as_input(n, og[0]), NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    copy_req(in[0].reshape(out[0].shape()), out[0], req[0]);
  }

 private:
  // [begin, end) of `which`'s axes, negative values counting from the end, None the ends.
  void range(ShapeCtx& c, const char* which, const Shape& s, const std::optional<std::int64_t>& b,
             const std::optional<std::int64_t>& e, int& lo, int& hi) const {
    const std::int64_t n = s.ndim();
    std::int64_t x = b ? (*b < 0 ? *b + n : *b) : 0, y = e ? (*e < 0 ? *e + n : *e) : n;
    if (x < 0 || x > n || y < 0 || y > n || x > y)
      ShapeCtx::fail(std::string(which) + "_begin/" + which + "_end (" + (b ? std::to_string(*b) : "None") +
                     ", " + (e ? std::to_string(*e) : "None") + ") do not give a range of the axes of " +
                     c.in_name(which[0] == 'l' ? 0 : 1) + " with shape " + s.str());
    lo = static_cast<int>(x), hi = static_cast<int>(y);
  }
  std::optional<std::int64_t> lb_, le_, rb_, re_;
};

namespace reg {
inline OpPtr squeeze(const AttrMap& m, std::size_t) {
  attr::Reader r("squeeze", m);
  std::vector<std::int64_t> axis;
  r.get("axis", axis);
  r.finish();
  return std::make_shared<Squeeze>(std::move(axis));
}
inline OpPtr reshape_like(const AttrMap& m, std::size_t) {
  attr::Reader r("reshape_like", m);
  sym::ReshapeLikeOptions o;
  for (auto [k, v] : {std::pair{"lhs_begin", &o.lhs_begin}, std::pair{"lhs_end", &o.lhs_end},
                      std::pair{"rhs_begin", &o.rhs_begin}, std::pair{"rhs_end", &o.rhs_end}}) {
    std::int64_t x = attr::kNone;
    r.get_opt(k, x);
    if (x != attr::kNone) *v = x;
  }
  r.finish();
  return std::make_shared<ReshapeLike>(o);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SQUEEZE)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol squeeze(const Symbol& data, const SqueezeOptions& o) {
  return compose(std::make_shared<ops::Squeeze>(o.axis), {data}, o.name);
}
SYMGRAD_INLINE Symbol reshape_like(const Symbol& lhs, const Symbol& rhs, const ReshapeLikeOptions& o) {
  return compose(std::make_shared<ops::ReshapeLike>(o), {lhs, rhs}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_squeeze(OpTable& t) {
  t["squeeze"] = reg::squeeze;
  t["reshape_like"] = reg::reshape_like;
}
// Key functions (see the classes above).
SYMGRAD_INLINE Squeeze::~Squeeze() = default;
SYMGRAD_INLINE ReshapeLike::~ReshapeLike() = default;
}  // namespace SYMGRAD_NS::ops
#endif
