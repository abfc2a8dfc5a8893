// Operators and kernels of ops/adaptive_avg_pooling.hpp.
#pragma once
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "adaptive_avg_pooling.hpp"
#include "op_table.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<AdaptiveAvgPooling2DParam> =
    std::tuple{field("output_size", &AdaptiveAvgPooling2DParam::output_size).at_least(1)};

namespace adaptive_detail {
inline void check(const AdaptiveAvgPooling2DParam& p) {
  if (p.output_size.size() > 2)
    throw ValueError(
        "_contrib_AdaptiveAvgPooling2D: output_size takes () for (1, 1), (s) for (s, s) or (h, w); got " +
        attr::format(p.output_size));
}
inline std::int64_t out_size(const AdaptiveAvgPooling2DParam& p, int axis) {
  if (p.output_size.empty()) return 1;
  return p.output_size.size() == 1 ? p.output_size[0] : p.output_size[static_cast<std::size_t>(axis)];
}
// The window [begin, end) of output position i of `out` over `in` entries.
struct Window {
  std::int64_t begin, end;
};
inline Window window(std::int64_t i, std::int64_t out, std::int64_t in) {
  // floor(i·in/out), ceil((i+1)·in/out) in integers
  return {i * in / out, ((i + 1) * in + out - 1) / out};
}
// f(plane, y, x, rows, cols): every output pixel with its window.
template <class F>
void each_window(const Shape& in, const Shape& out, F&& f) {
  const std::int64_t planes = in[0] * in[1];
  for (std::int64_t p = 0; p < planes; ++p)
    for (std::int64_t y = 0; y < out[2]; ++y) {
      const Window r = window(y, out[2], in[2]);
      for (std::int64_t x = 0; x < out[3]; ++x) f(p, y, x, r, window(x, out[3], in[3]));
    }
}
}  // namespace adaptive_detail

// _backward_contrib_AdaptiveAvgPooling2D(ograd, data): each dy / window size added over its window.
class AdaptiveAvgPooling2DBackward final : public Operator {
 public:
  ~AdaptiveAvgPooling2DBackward()
      override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_contrib_AdaptiveAvgPooling2D"; }
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
    dispatch_float(out[0].dtype(), "AdaptiveAvgPooling2D", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      T* dx = out[0].data<T>();
      const std::int64_t H = gs[2], W = gs[3];
      adaptive_detail::each_window(gs, ys,
                                   [&](std::int64_t p, std::int64_t y, std::int64_t x,
                                       adaptive_detail::Window r, adaptive_detail::Window c) {
                                     const T g = dy[(p * ys[2] + y) * ys[3] + x] /
                                                 static_cast<T>((r.end - r.begin) * (c.end - c.begin));
                                     for (std::int64_t i = r.begin; i < r.end; ++i)
                                       for (std::int64_t j = c.begin; j < c.end; ++j)
                                         dx[(p * H + i) * W + j] += g;
                                   });
    });
  }
};

class AdaptiveAvgPooling2D final
    : public ParamOp<AdaptiveAvgPooling2DParam, "_contrib_AdaptiveAvgPooling2D"> {
 public:
  ~AdaptiveAvgPooling2D() override;  // the key function: vtable and kernels are compiled with the unit
  explicit AdaptiveAvgPooling2D(AdaptiveAvgPooling2DParam p) : ParamOp(std::move(p)) {
    adaptive_detail::check(p_);
  }
  explicit AdaptiveAvgPooling2D(const AttrMap& m) : ParamOp(m) { adaptive_detail::check(p_); }
  std::string name_hint() const override { return "adaptiveavgpooling2d"; }
  void infer_shape(ShapeCtx& c) const override {
    const std::int64_t oh = adaptive_detail::out_size(p_, 0), ow = adaptive_detail::out_size(p_, 1);
    if (!c.in(0).rank_known() && c.out(0).rank_known() && c.out(0).ndim() == 4)
      c.assign_in(0, Shape{c.out(0)[0], c.out(0)[1], dyn, dyn});
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    if (in.ndim() != 4)
      ShapeCtx::fail(c.in_name(0) + " has shape " + in.str() +
                     "; AdaptiveAvgPooling2D takes 4-D data (N, C, H, W)");
    if (in[2] == 0 || in[3] == 0)
      ShapeCtx::fail(c.in_name(0) + " has shape " + in.str() + "; there is nothing to average");
    c.assign_out(0, Shape{in[0], in[1], oh, ow});
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(
        grad_node(std::make_shared<AdaptiveAvgPooling2DBackward>(), n, "backward", {og[0], n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape &xs = in[0].shape(), &ys = out[0].shape();
    const bool add = req[0] == OpReq::add;
    dispatch_float(in[0].dtype(), "AdaptiveAvgPooling2D", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      const std::int64_t H = xs[2], W = xs[3];
      adaptive_detail::each_window(
          xs, ys,
          [&](std::int64_t p, std::int64_t r, std::int64_t q, adaptive_detail::Window rows,
              adaptive_detail::Window cols) {
            T s = 0;
            for (std::int64_t i = rows.begin; i < rows.end; ++i)
              for (std::int64_t j = cols.begin; j < cols.end; ++j) s += x[(p * H + i) * W + j];
            const T v = s / static_cast<T>((rows.end - rows.begin) * (cols.end - cols.begin));
            T& o = y[(p * ys[2] + r) * ys[3] + q];
            o = add ? o + v : v;
          });
    });
  }
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ADAPTIVE_AVG_POOLING)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol adaptive_avg_pooling2d(const Symbol& data, const AdaptiveAvgPooling2DOptions& o) {
  return compose(std::make_shared<ops::AdaptiveAvgPooling2D>(o), {data}, o.name);
}
namespace contrib {
SYMGRAD_INLINE Symbol AdaptiveAvgPooling2D(const Symbol& data, const AdaptiveAvgPooling2DOptions& o) {
  return adaptive_avg_pooling2d(data, o);
}
}  // namespace contrib
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_adaptive_avg_pooling(OpTable& t) {
  t["_contrib_AdaptiveAvgPooling2D"] = reg::with_attrs<AdaptiveAvgPooling2D>;
}
// Key functions (see the classes above).
SYMGRAD_INLINE AdaptiveAvgPooling2DBackward::~AdaptiveAvgPooling2DBackward() = default;
SYMGRAD_INLINE AdaptiveAvgPooling2D::~AdaptiveAvgPooling2D() = default;
}  // namespace SYMGRAD_NS::ops
#endif
