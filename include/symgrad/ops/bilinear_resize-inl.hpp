// Operators and kernels of ops/bilinear_resize.hpp.
#pragma once
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "bilinear_resize.hpp"
#include "op_table.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<BilinearResize2DParam> =
    std::tuple{field("height", &BilinearResize2DParam::height).within(1, 10000),
               field("width", &BilinearResize2DParam::width).within(1, 10000),
               field("scale_height", &BilinearResize2DParam::scale_height).above(0).finite(),
               field("scale_width", &BilinearResize2DParam::scale_width).above(0).finite(),
               field("mode", &BilinearResize2DParam::mode),
               field("align_corners", &BilinearResize2DParam::align_corners)};

namespace resize_detail {

// One output coordinate's source: the lower input pixel i0, the step to the upper one (0 on the
// last pixel) and the upper one's weight. Scales and positions in float, as MXNet computes them.
struct Tap {
  std::int64_t i0 = 0, step = 0;
  float w1 = 0;
};
inline Tap tap(std::int64_t in, std::int64_t out, bool align_corners, std::int64_t dst) {
  float scale = 0.f;
  if (out > 1)
    scale = align_corners ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                          : static_cast<float>(in) / static_cast<float>(out);
  float src = align_corners
                  ? scale * static_cast<float>(dst)
                  : static_cast<float>(static_cast<double>(scale) * (static_cast<double>(dst) + 0.5) - 0.5);
  if (src < 0) src = 0;
  Tap t;
  t.i0 = static_cast<std::int64_t>(src);
  if (t.i0 > in - 1) t.i0 = in - 1;
  t.step = t.i0 < in - 1 ? 1 : 0;
  t.w1 = src - static_cast<float>(t.i0);
  return t;
}

// f(plane, y, x, taps): every output pixel of every (n, c) plane with its vertical and
// horizontal taps into the input.
template <class F>
void each_pixel(const Shape& in, const Shape& out, bool align_corners, F&& f) {
  const std::int64_t planes = in[0] * in[1], H = in[2], W = in[3], oh = out[2], ow = out[3];
  for (std::int64_t y = 0; y < oh; ++y) {
    const Tap ty = tap(H, oh, align_corners, y);
    for (std::int64_t x = 0; x < ow; ++x) {
      const Tap tx = tap(W, ow, align_corners, x);
      for (std::int64_t p = 0; p < planes; ++p) f(p, y, x, ty, tx);
    }
  }
}

}  // namespace resize_detail

// _backward_contrib_BilinearResize2D(ograd, data): ograd spread back onto the data's pixels with
// the forward's weights.
class BilinearResize2DBackward final : public Operator {
 public:
  ~BilinearResize2DBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit BilinearResize2DBackward(bool align_corners) : align_corners_(align_corners) {}
  std::string type_name() const override { return "_backward_contrib_BilinearResize2D"; }
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
    const Shape &gs = out[0].shape(), &ys = in[0].shape();
    dispatch_float(out[0].dtype(), "BilinearResize2D", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      T* dx = out[0].data<T>();
      const std::int64_t H = gs[2], W = gs[3], oh = ys[2], ow = ys[3];
      if (H == oh && W == ow) {
        for (std::int64_t i = 0; i < out[0].size(); ++i) dx[i] += dy[i];
        return;
      }
      resize_detail::each_pixel(gs, ys, align_corners_,
                                [&](std::int64_t p, std::int64_t y, std::int64_t x,
                                    const resize_detail::Tap& ty, const resize_detail::Tap& tx) {
                                  const T g = dy[(p * oh + y) * ow + x];
                                  const T h1 = ty.w1, h0 = T(1) - h1, w1 = tx.w1, w0 = T(1) - w1;
                                  T* d = dx + (p * H + ty.i0) * W + tx.i0;
                                  const std::int64_t dn = ty.step * W, dr = tx.step;
                                  d[0] += h0 * w0 * g;
                                  d[dr] += h0 * w1 * g;
                                  d[dn] += h1 * w0 * g;
                                  d[dn + dr] += h1 * w1 * g;
                                });
    });
  }

 private:
  bool align_corners_;
};

class BilinearResize2D final : public ParamOp<BilinearResize2DParam, "_contrib_BilinearResize2D"> {
 public:
  ~BilinearResize2D() override;  // the key function: vtable and kernels are compiled with the unit
  using ParamOp::ParamOp;
  std::string name_hint() const override { return "bilinearresize2d"; }
  std::vector<std::string> arguments() const override {
    if (like()) return {"data", "like"};
    return {"data"};
  }
  void infer_shape(ShapeCtx& c) const override {
    // back from the output: the batch and the channels
    if (!c.in(0).rank_known() && c.out(0).rank_known() && c.out(0).ndim() == 4)
      c.assign_in(0, Shape{c.out(0)[0], c.out(0)[1], dyn, dyn});
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    if (in.ndim() != 4)
      ShapeCtx::fail(c.in_name(0) + " has shape " + in.str() +
                     "; BilinearResize2D takes 4-D data (N, C, H, W)");
    Shape out = in;
    if (like()) {
      const Shape& l = c.in(1);
      if (!l.rank_known()) return;
      if (l.ndim() != 4)
        ShapeCtx::fail(c.in_name(1) + " has shape " + l.str() +
                       "; with mode='like' it must be 4-D (its last two " + "sizes are the output's)");
      out[2] = l[2], out[3] = l[3];
    } else {
      out[2] = size(in[2], p_.scale_height, p_.height, "height");
      out[3] = size(in[3], p_.scale_width, p_.width, "width");
    }
    for (int d = 2; d < 4; ++d)
      if (out[d] == 0 || out[d] < dyn)
        ShapeCtx::fail("the output's " + std::string(d == 2 ? "height" : "width") + " would be " +
                       std::to_string(out[d]) + " for " + c.in_name(0) + " of shape " + in.str() + " (" +
                       describe_params(p_) + "); it must be at least 1");
    c.assign_out(0, out);
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> g{out_entry(grad_node(std::make_shared<BilinearResize2DBackward>(p_.align_corners),
                                                 n, "backward", {og[0], n->inputs[0]}))};
    if (like()) g.push_back(NodeEntry{});
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape &xs = in[0].shape(), &ys = out[0].shape();
    const bool add = req[0] == OpReq::add;
    dispatch_float(in[0].dtype(), "BilinearResize2D", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      const std::int64_t H = xs[2], W = xs[3], oh = ys[2], ow = ys[3];
      if (H == oh && W == ow) {
        for (std::int64_t i = 0; i < out[0].size(); ++i) y[i] = add ? y[i] + x[i] : x[i];
        return;
      }
      resize_detail::each_pixel(xs, ys, p_.align_corners,
                                [&](std::int64_t p, std::int64_t r, std::int64_t q,
                                    const resize_detail::Tap& ty, const resize_detail::Tap& tx) {
                                  const T h1 = ty.w1, h0 = T(1) - h1, w1 = tx.w1, w0 = T(1) - w1;
                                  const T* s = x + (p * H + ty.i0) * W + tx.i0;
                                  const std::int64_t dn = ty.step * W, dr = tx.step;
                                  const T v =
                                      h0 * (w0 * s[0] + w1 * s[dr]) + h1 * (w0 * s[dn] + w1 * s[dn + dr]);
                                  T& o = y[(p * oh + r) * ow + q];
                                  o = add ? o + v : v;
                                });
    });
  }

 private:
  bool like() const { return p_.mode == ResizeMode::like; }
  // One output size from the input's (dyn where it depends on an unknown one).
  std::int64_t size(std::int64_t full, const std::optional<float>& scale, std::int64_t fixed,
                    const char* which) const {
    const auto scaled = [&](std::int64_t n) {
      return static_cast<std::int64_t>(*scale * static_cast<float>(n));  // float, as MXNet
    };
    const bool even = full % 2 == 0;
    switch (p_.mode.value) {
      case ResizeMode::size:
        if (!scale) return fixed;
        return full < 0 ? dyn : scaled(full);
      case ResizeMode::odd_scale:
        if (!p_.scale_height || !p_.scale_width)
          ShapeCtx::fail(std::string("mode='odd_scale' needs scale_height and scale_width (") +
                         describe_params(p_) + ")");
        if (full < 0) return dyn;
        return even ? scaled(full) : scaled(full - 1) + 1;
      case ResizeMode::to_even_down:
        return full < 0 ? dyn : (even ? full : full - 1);
      case ResizeMode::to_even_up:
        return full < 0 ? dyn : (even ? full : full + 1);
      case ResizeMode::to_odd_down:
        return full < 0 ? dyn : (even ? full - 1 : full);
      case ResizeMode::to_odd_up:
        return full < 0 ? dyn : (even ? full + 1 : full);
      case ResizeMode::like:
        break;
    }
    ShapeCtx::fail(std::string("no output ") + which + " for mode " + std::string(p_.mode.name()));
  }
};

namespace reg {
inline OpPtr bilinear_resize2d(const AttrMap& m, std::size_t n) {
  auto op = std::make_shared<BilinearResize2D>(m);
  const std::size_t want = op->param().mode == ResizeMode::like ? 2 : 1;
  if (n != want)
    throw ValueError("_contrib_BilinearResize2D: mode='" + std::string(op->param().mode.name()) + "' takes " +
                     std::to_string(want) + " input(s) but the node has " + std::to_string(n));
  return op;
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_BILINEAR_RESIZE)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol bilinear_resize2d(const Symbol& data, const BilinearResize2DOptions& o) {
  if (o.mode == ops::ResizeMode::like)
    throw ValueError(
        "bilinear_resize2d: mode='like' takes a second input: bilinear_resize2d(data, like, options)");
  return compose(std::make_shared<ops::BilinearResize2D>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol bilinear_resize2d(const Symbol& data, const Symbol& like,
                                        const BilinearResize2DOptions& o) {
  if (o.mode != ops::ResizeMode::like)
    throw ValueError("bilinear_resize2d: a second input needs mode='like', got mode='" +
                     std::string(o.mode.valid() ? o.mode.name() : std::string_view(o.mode.unknown)) + "'");
  return compose(std::make_shared<ops::BilinearResize2D>(o), {data, like}, o.name);
}
namespace contrib {
SYMGRAD_INLINE Symbol BilinearResize2D(const Symbol& data, const BilinearResize2DOptions& o) {
  return bilinear_resize2d(data, o);
}
SYMGRAD_INLINE Symbol BilinearResize2D(const Symbol& data, const Symbol& like,
                                       const BilinearResize2DOptions& o) {
  return bilinear_resize2d(data, like, o);
}
}  // namespace contrib
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_bilinear_resize(OpTable& t) {
  t["_contrib_BilinearResize2D"] = reg::bilinear_resize2d;
}
// Key functions (see the classes above).
SYMGRAD_INLINE BilinearResize2DBackward::~BilinearResize2DBackward() = default;
SYMGRAD_INLINE BilinearResize2D::~BilinearResize2D() = default;
}  // namespace SYMGRAD_NS::ops
#endif
