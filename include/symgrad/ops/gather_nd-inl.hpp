// Operators and kernels of ops/gather_nd.hpp.
#pragma once
#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "gather_nd.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

namespace gather_nd_detail {

// The output of gather_nd (the data of scatter_nd): indices' shape without its first axis, then
// the data's axes past the first M. Checks the ranks; `what` names the data for the message.
inline Shape slices_shape(const Shape& data, const Shape& idx, const std::string& data_name,
                          const std::string& idx_name) {
  if (idx.ndim() < 2)
    ShapeCtx::fail(idx_name + " has shape " + idx.str() +
                   "; indices need at least 2 dimensions, (M, ...) with M coordinates per position");
  const std::int64_t m = idx[0];
  if (m < 0) return Shape::unknown();
  if (m < 1 || m > data.ndim())
    ShapeCtx::fail(idx_name + " of shape " + idx.str() + " holds " + std::to_string(m) +
                   " coordinates per position, but " + data_name + " of shape " + data.str() + " has " +
                   std::to_string(data.ndim()) +
                   " axes (the first axis of the indices must be between 1 and that)");
  if (idx.ndim() - 1 + data.ndim() - m > kMaxRank)
    ShapeCtx::fail("the result would have rank " + std::to_string(idx.ndim() - 1 + data.ndim() - m) +
                   "; at most 8 dimensions are supported");
  Shape out;
  for (int d = 1; d < idx.ndim(); ++d) out.push_back(idx[d]);
  for (int d = static_cast<int>(m); d < data.ndim(); ++d) out.push_back(data[d]);
  return out;
}

// The data (the full array: gather_nd's input, scatter_nd's output) seen from the indices.
struct Geometry {
  int m = 0;
  std::int64_t count = 0, slice = 1;  // index tuples; elements of each slice
  std::array<std::int64_t, kMaxRank> dims{}, strides{};
  Geometry(const Shape& full, const Shape& idx) {
    m = static_cast<int>(idx[0]);
    count = m > 0 ? idx.size() / m : 0;
    for (int d = m; d < full.ndim(); ++d) slice *= full[d];
    std::int64_t s = slice;
    for (int j = m - 1; j >= 0; --j) dims[j] = full[j], strides[j] = s, s *= full[j];
  }
};

// f(i, offset): the slice of index tuple i starts at `offset` in the full array.
template <class F>
void each_offset(const NDArray& idx, const Geometry& g, F&& f) {
  dispatch_dtype(idx.dtype(), [&](auto t) {
    using I = decltype(t);
    const I* p = idx.data<I>();
    for (std::int64_t i = 0; i < g.count; ++i) {
      std::int64_t off = 0;
      for (int j = 0; j < g.m; ++j) {
        const double v = static_cast<double>(p[j * g.count + i]);
        const std::int64_t n = g.dims[j];
        if (!(v >= static_cast<double>(-n) && v <= static_cast<double>(n - 1)))
          throw KernelInputError{"indices holds " + attr::format_number(v) + " at [" + std::to_string(j) +
                                 ", " + std::to_string(i) + "] (flat over the positions), outside [" +
                                 std::to_string(-n) + ", " + std::to_string(n - 1) + "] for axis " +
                                 std::to_string(j) + " of size " + std::to_string(n)};
        std::int64_t k = saturating_index(v);
        if (k < 0) k += n;
        off += k * g.strides[j];
      }
      f(i, off);
    }
  });
}

}  // namespace gather_nd_detail

// _backward_gather_nd(ograd, indices, data): ograd added into the slices gather_nd took.
class GatherNDBackward final : public Operator {
 public:
  ~GatherNDBackward() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_gather_nd"; }
  std::vector<std::string> arguments() const override { return {"ograd", "indices", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(2)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(2)) c.assign_out(0, *c.in(2));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const gather_nd_detail::Geometry g(out[0].shape(), in[1].shape());
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_float(out[0].dtype(), "gather_nd", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      T* dx = out[0].data<T>();
      gather_nd_detail::each_offset(in[1], g, [&](std::int64_t i, std::int64_t off) {
        for (std::int64_t e = 0; e < g.slice; ++e) dx[off + e] += dy[i * g.slice + e];
      });
    });
  }
};

class GatherND final : public Operator {
 public:
  ~GatherND() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "gather_nd"; }
  std::vector<std::string> arguments() const override { return {"data", "indices"}; }
  void infer_shape(ShapeCtx& c) const override {
    const Shape &data = c.in(0), &idx = c.in(1);
    if (!data.rank_known() || !idx.rank_known()) return;
    Shape out = gather_nd_detail::slices_shape(data, idx, c.in_name(0), c.in_name(1));
    if (out.rank_known()) c.assign_out(0, out);
    // back: the data's axes past the first M from the output's last ones
    const Shape& o = c.out(0);
    if (o.rank_known() && idx[0] >= 1 && o.ndim() == idx.ndim() - 1 + data.ndim() - idx[0]) {
      Shape s = data;
      for (int d = static_cast<int>(idx[0]), k = idx.ndim() - 1; d < data.ndim(); ++d, ++k) s[d] = o[k];
      c.assign_in(0, s, "the output's shape " + o.str());
    }
  }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
    if (!c.in(0) && c.out(0)) c.assign_in(0, *c.out(0));
    if (!c.in(1) && c.in(0)) c.assign_in(1, *c.in(0));
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b =
        grad_node(std::make_shared<GatherNDBackward>(), n, "backward", {og[0], n->inputs[1], n->inputs[0]});
    return {out_entry(b), NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const gather_nd_detail::Geometry g(in[0].shape(), in[1].shape());
    const bool add = req[0] == OpReq::add;
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      gather_nd_detail::each_offset(in[1], g, [&](std::int64_t i, std::int64_t off) {
        T* d = y + i * g.slice;
        for (std::int64_t e = 0; e < g.slice; ++e)
          d[e] = add ? static_cast<T>(d[e] + x[off + e]) : x[off + e];
      });
    });
  }
};

class ScatterND final : public Operator {
 public:
  ~ScatterND() override;  // the key function: vtable and kernels are compiled with the unit
  explicit ScatterND(std::vector<std::int64_t> shape) : shape_(std::move(shape)) {
    if (shape_.empty() || static_cast<int>(shape_.size()) > kMaxRank)
      throw ValueError("scatter_nd: shape must have 1 to 8 dimensions, got " + attr::format(shape_));
    for (auto s : shape_)
      if (s < 0)
        throw ValueError("scatter_nd: shape must not hold negative sizes, got " + attr::format(shape_));
  }
  std::string type_name() const override { return "scatter_nd"; }
  std::vector<std::string> arguments() const override { return {"data", "indices"}; }
  AttrMap attrs() const override { return {{"shape", attr::format(shape_)}}; }
  void infer_shape(ShapeCtx& c) const override {
    const Shape full(shape_.begin(), shape_.end());
    c.assign_out(0, full);
    const Shape& idx = c.in(1);
    if (!idx.rank_known()) return;
    Shape data = gather_nd_detail::slices_shape(full, idx, "shape", c.in_name(1));
    if (data.rank_known())
      c.assign_in(0, data, c.in_name(1) + " of shape " + idx.str() + " and shape " + full.str());
  }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
    if (!c.in(0) && c.out(0)) c.assign_in(0, *c.out(0));
    if (!c.in(1) && c.in(0)) c.assign_in(1, *c.in(0));
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<GatherND>(), n, "backward", {og[0], n->inputs[1]});
    return {out_entry(b), NodeEntry{}};
  }
  // With req add, repeated coordinates add up (with write the last one stays).
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const gather_nd_detail::Geometry g(out[0].shape(), in[1].shape());
    const bool add = req[0] == OpReq::add;
    if (!add) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      gather_nd_detail::each_offset(in[1], g, [&](std::int64_t i, std::int64_t off) {
        const T* s = x + i * g.slice;
        for (std::int64_t e = 0; e < g.slice; ++e)
          y[off + e] = add ? static_cast<T>(y[off + e] + s[e]) : s[e];
      });
    });
  }

 private:
  std::vector<std::int64_t> shape_;
};

namespace reg {
inline OpPtr scatter_nd(const AttrMap& m, std::size_t) {
  attr::Reader r("scatter_nd", m);
  if (!r.find("shape")) throw ValueError("scatter_nd: the attribute shape is required (the output's shape)");
  std::vector<std::int64_t> shape;
  r.get("shape", shape);
  r.finish();
  return std::make_shared<ScatterND>(std::move(shape));
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_GATHER_ND)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol gather_nd(const Symbol& data, const Symbol& indices, std::string_view name) {
  return compose(std::make_shared<ops::GatherND>(), {data, indices}, name);
}
SYMGRAD_INLINE Symbol scatter_nd(const Symbol& data, const Symbol& indices, const ScatterNDOptions& o) {
  return compose(std::make_shared<ops::ScatterND>(o.shape), {data, indices}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_gather_nd(OpTable& t) {
  t["gather_nd"] = reg::plain<GatherND>;
  t["scatter_nd"] = reg::scatter_nd;
}
// Key functions (see the classes above).
SYMGRAD_INLINE GatherNDBackward::~GatherNDBackward() = default;
SYMGRAD_INLINE GatherND::~GatherND() = default;
SYMGRAD_INLINE ScatterND::~ScatterND() = default;
}  // namespace SYMGRAD_NS::ops
#endif
