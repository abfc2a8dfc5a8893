// Operators and kernels of ops/slice_like.hpp.
#pragma once
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "op_table.hpp"
#include "operator.hpp"
#include "slice-inl.hpp"
#include "slice_like.hpp"

namespace SYMGRAD_NS::ops {

// The leading block of `whole` with the shape of `part`.
inline SliceGeometry leading_block(const Shape& part) {
  SliceGeometry g;
  g.out = part;
  for (int d = 0; d < part.ndim(); ++d) g.begin[d] = 0, g.step[d] = 1;
  return g;
}

// _backward_slice_like(ograd, data): ograd in the leading block of zeros of the data's shape.
class SliceLikeBackward final : public Operator {
 public:
  ~SliceLikeBackward() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_slice_like"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      slice_copy<decltype(t)>(out[0], in[0], leading_block(in[0].shape()), false, OpReq::add);
    });
  }
};

class SliceLike final : public Operator {
 public:
  ~SliceLike() override;  // the key function: vtable and kernels are compiled with the unit
  explicit SliceLike(std::vector<std::int64_t> axes) : axes_(std::move(axes)) {}
  std::string type_name() const override { return "slice_like"; }
  std::vector<std::string> arguments() const override { return {"data", "shape_like"}; }
  AttrMap attrs() const override {
    if (axes_.empty()) return {};
    return {{"axes", attr::format(axes_)}};
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape &in = c.in(0), &like = c.in(1);
    if (!in.rank_known() || !like.rank_known()) return;
    auto bad = [&](const std::string& why) {
      ShapeCtx::fail("cannot slice " + c.in_name(0) + " of shape " + in.str() + " like " + c.in_name(1) +
                     " of shape " + like.str() + ": " + why);
    };
    Shape out = in;
    auto take = [&](int d) {
      if (in[d] >= 0 && like[d] >= 0 && like[d] > in[d])
        bad("axis " + std::to_string(d) + " would grow from " + std::to_string(in[d]) + " to " +
            std::to_string(like[d]) + " (slice_like only shortens)");
      out[d] = like[d];
    };
    if (axes_.empty()) {
      if (in.ndim() != like.ndim())
        bad("without axes the ranks must be equal (give axes to slice some axes)");
      for (int d = 0; d < in.ndim(); ++d) take(d);
    } else {
      for (std::int64_t a : axes_) {
        const std::int64_t d = a < 0 ? a + in.ndim() : a;
        if (d < 0 || d >= in.ndim() || d >= like.ndim())
          bad("axis " + std::to_string(a) + " is out of range for one of them");
        take(static_cast<int>(d));
      }
    }
    c.assign_out(0, out);
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(grad_node(std::make_shared<SliceLikeBackward>(), n, "backward", {og[0], n->inputs[0]})),
            NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      slice_copy<decltype(t)>(in[0], out[0], leading_block(out[0].shape()), true, req[0]);
    });
  }

 private:
  std::vector<std::int64_t> axes_;
};

namespace reg {
inline OpPtr slice_like(const AttrMap& m, std::size_t) {
  attr::Reader r("slice_like", m);
  std::vector<std::int64_t> axes;
  r.get("axes", axes);
  r.finish();
  return std::make_shared<SliceLike>(std::move(axes));
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SLICE_LIKE)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol slice_like(const Symbol& data, const Symbol& shape_like, const SliceLikeOptions& o) {
  return compose(std::make_shared<ops::SliceLike>(o.axes), {data, shape_like}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_slice_like(OpTable& t) { t["slice_like"] = reg::slice_like; }
// Key functions (see the classes above).
SYMGRAD_INLINE SliceLikeBackward::~SliceLikeBackward() = default;
SYMGRAD_INLINE SliceLike::~SliceLike() = default;
}  // namespace SYMGRAD_NS::ops
#endif
