// Operators and kernels of ops/flip.hpp.
#pragma once
#include <array>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "../cpu/strided.hpp"
#include "flip.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

class Reverse final : public Operator {
 public:
  ~Reverse() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Reverse(std::vector<std::int64_t> axis) : axis_(std::move(axis)) {
    if (axis_.empty()) throw ValueError("reverse: axis must name at least one axis");
  }
  std::string type_name() const override { return "reverse"; }
  AttrMap attrs() const override { return {{"axis", attr::format(axis_)}}; }
  void infer_shape(ShapeCtx& c) const override {
    same_shape_rule(c);
    if (c.in(0).rank_known()) (void)flipped(c.in(0), c.in_name(0).c_str());
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(grad_node(std::make_shared<Reverse>(axis_), n, "backward", {og[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& s = in[0].shape();
    const auto f = flipped(s, "data");
    // Read the input from its far end along the flipped axes: negative strides there.
    host::Strides st = host::contiguous_strides(s);
    std::int64_t base = 0;
    for (int d = 0; d < s.ndim(); ++d)
      if (f[d]) base += (s[d] - 1) * st[d], st[d] = -st[d];
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      host::strided_copy<T>(s, out[0].data<T>(), in[0].data<T>() + base, st, req[0] == OpReq::add);
    });
  }

 private:
  // Which axes of `s` are flipped (an axis given twice flips once, as MXNet); no heap use, as
  // forward() calls it.
  std::array<bool, kMaxRank> flipped(const Shape& s, const char* what) const {
    std::array<bool, kMaxRank> f{};
    for (std::int64_t a : axis_) {
      const std::int64_t d = a < 0 ? a + s.ndim() : a;
      if (d < 0 || d >= s.ndim())
        ShapeCtx::fail("axis " + std::to_string(a) + " is out of range for " + std::string(what) +
                       " of shape " + s.str() + " (valid: -" + std::to_string(s.ndim()) + " to " +
                       std::to_string(s.ndim() - 1) + ")");
      f[static_cast<std::size_t>(d)] = true;
    }
    return f;
  }
  std::vector<std::int64_t> axis_;
};

namespace reg {
inline OpPtr reverse(const AttrMap& m, std::size_t) {
  attr::Reader r("reverse", m);
  std::vector<std::int64_t> axis;
  if (!r.find("axis")) throw ValueError("reverse: the attribute axis is required");
  r.get("axis", axis);
  r.finish();
  return std::make_shared<Reverse>(std::move(axis));
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_FLIP)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol reverse(const Symbol& data, std::vector<std::int64_t> axis, std::string_view name) {
  return compose(std::make_shared<ops::Reverse>(std::move(axis)), {data}, name);
}
SYMGRAD_INLINE Symbol flip(const Symbol& data, std::vector<std::int64_t> axis, std::string_view name) {
  return reverse(data, std::move(axis), name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_flip(OpTable& t) {
  t["reverse"] = reg::reverse;
  t["flip"] = reg::reverse;
}
// Key function (see the class above).
SYMGRAD_INLINE Reverse::~Reverse() = default;
}  // namespace SYMGRAD_NS::ops
#endif
