// Operators and kernels of ops/slice.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

#include "../cpu/strided.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "slice.hpp"

namespace SYMGRAD_NS::ops {

inline SliceGeometry slice_geometry(const Shape& in, const std::vector<std::int64_t>& b,
                                    const std::vector<std::int64_t>& e, const std::vector<std::int64_t>& st) {
  SliceGeometry g;
  if (!in.rank_known()) return g;
  if (b.size() != e.size() || (!st.empty() && st.size() != b.size())) {
    g.error = "begin, end and step must have the same length";
    return g;
  }
  if (static_cast<int>(b.size()) > in.ndim()) {
    g.error = "begin has more entries than the data has dimensions";
    return g;
  }
  Shape out = in;
  for (int d = 0; d < in.ndim(); ++d) {
    g.begin[d] = 0;
    g.step[d] = 1;
    if (d >= static_cast<int>(b.size())) continue;
    std::int64_t s = st.empty() || st[d] == attr::kNone ? 1 : st[d];
    if (s == 0) {
      g.error = "step cannot be 0";
      return g;
    }
    std::int64_t n = in[d];
    if (n < 0) {
      out[d] = dyn;
      g.step[d] = s;
      continue;
    }
    std::int64_t lo, hi;
    if (s > 0) {
      lo = b[d] == attr::kNone ? 0 : (b[d] < 0 ? b[d] + n : b[d]);
      hi = e[d] == attr::kNone ? n : (e[d] < 0 ? e[d] + n : e[d]);
      lo = std::clamp<std::int64_t>(lo, 0, n);
      hi = std::clamp<std::int64_t>(hi, 0, n);
      out[d] = hi > lo ? (hi - lo + s - 1) / s : 0;
    } else {
      lo = b[d] == attr::kNone ? n - 1 : (b[d] < 0 ? b[d] + n : b[d]);
      hi = e[d] == attr::kNone ? -1 : (e[d] < 0 ? e[d] + n : e[d]);
      lo = std::clamp<std::int64_t>(lo, -1, n - 1);
      hi = std::clamp<std::int64_t>(hi, -1, n - 1);
      out[d] = lo > hi ? (lo - hi + (-s) - 1) / (-s) : 0;
    }
    if (out[d] == 0) {
      g.error = "axis " + std::to_string(d) + " becomes empty (begin " + attr::format_opt({b[d]}) + ", end " +
                attr::format_opt({e[d]}) + ", step " + std::to_string(s) + " on size " + std::to_string(n) +
                ")";
      return g;
    }
    g.begin[d] = lo;
    g.step[d] = s;
  }
  g.out = out;
  return g;
}

// Reads (or, for the gradient, writes) the sliced view of `whole`.
template <class T>
void slice_copy(const NDArray& whole, const NDArray& part, const SliceGeometry& g, bool gather, OpReq req) {
#if SYMGRAD_WITH_CUDA
  if (whole.context().device_type == DeviceType::gpu) {
    if (req == OpReq::null) return;
    auto ws = host::contiguous_strides(whole.shape());
    std::int64_t base = 0;
    host::Strides st(ws.size());
    for (std::size_t d = 0; d < ws.size(); ++d) base += g.begin[d] * ws[d], st[d] = g.step[d] * ws[d];
    auto ps = host::contiguous_strides(part.shape());
    if (gather)
      on_gpu::strided_copy(part.shape(), whole, st, base, part, ps, 0, req);
    else
      on_gpu::strided_copy(part.shape(), part, ps, 0, whole, st, base, req);
    return;
  }
#endif
  if (req == OpReq::null) return;
  auto ws = host::contiguous_strides(whole.shape());
  std::int64_t base = 0;
  host::Strides st(ws.size());
  for (std::size_t d = 0; d < ws.size(); ++d) {
    base += g.begin[d] * ws[d];
    st[d] = g.step[d] * ws[d];
  }
  if (gather) {
    host::strided_copy<T>(part.shape(), part.data<T>(), whole.data<T>() + base, st, req == OpReq::add);
  } else {
    T* w = whole.data<T>() + base;
    const T* p = part.data<T>();
    const Shape& ps = part.shape();
    host::StridedLoop<2> loop(ps, {st, host::contiguous_strides(ps)});
    const std::int64_t s = loop.inner_stride(0);
    loop.for_each_row([&](const std::array<std::int64_t, 2>& off, std::int64_t n) {
      for (std::int64_t j = 0; j < n; ++j) w[off[0] + j * s] += p[off[1] + j];
    });
  }
}

inline SliceGeometry geometry_of(const SliceParam& p, const Shape& in) {
  if (!p.is_axis) return slice_geometry(in, p.begin, p.end, p.step);
  if (!in.rank_known()) return {};
  std::int64_t ax = p.axis < 0 ? p.axis + in.ndim() : p.axis;
  if (ax < 0 || ax >= in.ndim()) {
    SliceGeometry g;
    g.error = "axis " + std::to_string(p.axis) + " is out of range for rank " + std::to_string(in.ndim());
    return g;
  }
  std::vector<std::int64_t> b(static_cast<std::size_t>(ax + 1), attr::kNone), e = b;
  b[ax] = p.begin.at(0);
  e[ax] = p.end.at(0);
  return slice_geometry(in, b, e, {});
}

class SliceBackward final : public Operator {
 public:
  ~SliceBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit SliceBackward(SliceParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return p_.is_axis ? "_backward_slice_axis" : "_backward_slice"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = geometry_of(p_, in[1].shape());
    if (req[0] == OpReq::write) device::zero(out[0].context(), out[0].raw_data(), out[0].nbytes());
    dispatch_dtype(out[0].dtype(), [&](auto t) { slice_copy<decltype(t)>(out[0], in[0], g, false, req[0]); });
  }

  SYMGRAD_FORWARD_ON_ANY_DEVICE
 private:
  SliceParam p_;
};

class Slice final : public Operator {
 public:
  ~Slice() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Slice(SliceParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return p_.is_axis ? "slice_axis" : "slice"; }
  AttrMap attrs() const override {
    if (p_.is_axis)
      return {{"axis", attr::format(p_.axis)},
              {"begin", attr::format(p_.begin.at(0))},
              {"end", p_.end.at(0) == attr::kNone ? std::string("None") : attr::format(p_.end.at(0))}};
    AttrMap m{{"begin", attr::format_opt(p_.begin)}, {"end", attr::format_opt(p_.end)}};
    if (!p_.step.empty()) m["step"] = attr::format_opt(p_.step);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    auto g = geometry_of(p_, c.in(0));
    if (!g.error.empty())
      ShapeCtx::fail("cannot slice " + c.in_name(0) + " of shape " + c.in(0).str() + ": " + g.error);
    c.assign_out(0, g.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(grad_node(std::make_shared<SliceBackward>(p_), n, "backward", {og[0], n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    auto g = geometry_of(p_, in[0].shape());
    dispatch_dtype(in[0].dtype(), [&](auto t) { slice_copy<decltype(t)>(in[0], out[0], g, true, req[0]); });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    auto g = geometry_of(p_, in[0].shape());
    dispatch_dtype(in[0].dtype(), [&](auto t) { slice_copy<decltype(t)>(in[0], out[0], g, true, req[0]); });
  }
#endif
 private:
  SliceParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SLICE)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol slice(const Symbol& data, const SliceOptions& o) {
  return compose(std::make_shared<ops::Slice>(ops::SliceParam{o.begin, o.end, o.step, 0, false}), {data},
                 o.name);
}
SYMGRAD_INLINE Symbol slice_axis(const Symbol& data, const SliceAxisOptions& o) {
  return compose(std::make_shared<ops::Slice>(ops::SliceParam{{o.begin}, {o.end}, {}, o.axis, true}), {data},
                 o.name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
inline OpPtr slice(const AttrMap& m, std::size_t) {
  attr::Reader r("slice", m);
  SliceParam p;
  if (!r.find("begin") || !r.find("end")) throw ValueError("slice: 'begin' and 'end' are required");
  r.get_opt("begin", p.begin);
  r.get_opt("end", p.end);
  r.get_opt("step", p.step);
  r.finish();
  return std::make_shared<Slice>(p);
}
inline OpPtr slice_axis(const AttrMap& m, std::size_t) {
  attr::Reader r("slice_axis", m);
  SliceParam p;
  p.is_axis = true;
  std::int64_t b = 0, e = attr::kNone;
  if (!r.find("axis") || !r.find("begin") || !r.find("end"))
    throw ValueError("slice_axis: 'axis', 'begin' and 'end' are required");
  r.get("axis", p.axis);
  r.get("begin", b);
  r.get_opt("end", e);
  r.finish();
  p.begin = {b};
  p.end = {e};
  return std::make_shared<Slice>(p);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SLICE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_slice(OpTable& t) {
  t["slice"] = reg::slice;
  t["crop"] = reg::slice;
  t["slice_axis"] = reg::slice_axis;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SLICE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE SliceBackward::~SliceBackward() = default;
SYMGRAD_INLINE Slice::~Slice() = default;
}  // namespace SYMGRAD_NS::ops
#endif
