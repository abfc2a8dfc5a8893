// Operators and kernels of ops/crop.hpp.
#pragma once
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "crop.hpp"
#include "op_table.hpp"
#include "param_op.hpp"
#include "params.hpp"
#include "slice-inl.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<CropParam> =
    std::tuple{field("num_args", &CropParam::num_args).required().within(1, 2),
               field("offset", &CropParam::offset).at_least(0), field("h_w", &CropParam::h_w).at_least(0),
               field("center_crop", &CropParam::center_crop)};

namespace crop_detail {
inline void check(const CropParam& p) {
  if (p.offset.size() != 2 || p.h_w.size() != 2)
    throw ValueError("Crop: offset and h_w take two values, (y, x) and (h, w); got offset=" +
                     attr::format(p.offset) + ", h_w=" + attr::format(p.h_w));
}
// The window of `out` in `data` (both known, 4-D).
inline SliceGeometry window(const CropParam& p, const Shape& data, const Shape& out) {
  SliceGeometry g;
  g.out = out;
  for (int d = 0; d < 4; ++d) g.begin[d] = 0, g.step[d] = 1;
  for (int d = 2; d < 4; ++d) g.begin[d] = p.center_crop ? (data[d] - out[d]) / 2 : p.offset[d - 2];
  return g;
}
}  // namespace crop_detail

// _backward_Crop(ograd, data): ograd in the window of zeros of the data's shape.
class CropBackward final : public Operator {
 public:
  ~CropBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit CropBackward(CropParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_Crop"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(1)) c.assign_out(0, *c.in(1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      slice_copy<decltype(t)>(out[0], in[0], crop_detail::window(p_, out[0].shape(), in[0].shape()), false,
                              OpReq::add);
    });
  }

 private:
  CropParam p_;
};

class Crop final : public ParamOp<CropParam, "Crop"> {
 public:
  ~Crop() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Crop(CropParam p) : ParamOp(std::move(p)) { crop_detail::check(p_); }
  explicit Crop(const AttrMap& m) : ParamOp(m) { crop_detail::check(p_); }
  std::vector<std::string> arguments() const override {
    if (p_.num_args == 2) return {"data", "crop_like"};
    return {"data"};
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    if (in.ndim() != 4)
      ShapeCtx::fail(c.in_name(0) + " has shape " + in.str() + "; Crop takes 4-D data (N, C, H, W)");
    std::int64_t h = p_.h_w[0], w = p_.h_w[1];
    if (p_.num_args == 2) {
      const Shape& like = c.in(1);
      if (!like.rank_known()) return;
      if (like.ndim() != 4)
        ShapeCtx::fail(c.in_name(1) + " has shape " + like.str() +
                       "; crop_like must be 4-D (its last two sizes " + "are the window's)");
      h = like[2], w = like[3];
    } else if (h < 1 || w < 1) {
      ShapeCtx::fail("h_w=" + attr::format(p_.h_w) +
                     ": with num_args=1 the window's size h_w must be at least (1, 1)");
    }
    Shape out{in[0], in[1], h, w};
    for (int d = 2; d < 4; ++d) {
      const std::int64_t size = out[d], full = in[d];
      if (size < 0 || full < 0) continue;
      const std::int64_t start = p_.center_crop ? (full - size) / 2 : p_.offset[d - 2];
      if (size > full || start + size > full)
        ShapeCtx::fail("the window of " + std::string(d == 2 ? "height " : "width ") + std::to_string(size) +
                       (p_.center_crop ? "" : " at offset " + std::to_string(start)) + " does not fit in " +
                       c.in_name(0) + " of shape " + in.str() + " (" + describe_params(p_) + ")");
    }
    c.assign_out(0, out);
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> g{
        out_entry(grad_node(std::make_shared<CropBackward>(p_), n, "backward", {og[0], n->inputs[0]}))};
    if (p_.num_args == 2) g.push_back(NodeEntry{});
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      slice_copy<decltype(t)>(in[0], out[0], crop_detail::window(p_, in[0].shape(), out[0].shape()), true,
                              req[0]);
    });
  }
};

namespace reg {
inline OpPtr crop(const AttrMap& m, std::size_t n) {
  auto op = std::make_shared<Crop>(m);
  if (static_cast<std::size_t>(op->param().num_args) != n)
    throw ValueError("Crop: num_args=" + std::to_string(op->param().num_args) + " but the node has " +
                     std::to_string(n) + " inputs");
  return op;
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CROP)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol Crop(const Symbol& data, const CropOptions& o) {
  return compose(std::make_shared<ops::Crop>(ops::CropParam{1, o.offset, o.h_w, o.center_crop, o.name}),
                 {data}, o.name);
}
SYMGRAD_INLINE Symbol Crop(const Symbol& data, const Symbol& crop_like, const CropOptions& o) {
  return compose(std::make_shared<ops::Crop>(ops::CropParam{2, o.offset, o.h_w, o.center_crop, o.name}),
                 {data, crop_like}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_crop(OpTable& t) { t["Crop"] = reg::crop; }
// Key functions (see the classes above).
SYMGRAD_INLINE CropBackward::~CropBackward() = default;
SYMGRAD_INLINE Crop::~Crop() = default;
}  // namespace SYMGRAD_NS::ops
#endif
