// Operators and kernels of ops/transpose.hpp.
#pragma once
#include <memory>
#include <numeric>
#include <span>
#include <utility>

#include "../cpu/strided.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "transpose.hpp"

namespace SYMGRAD_NS::ops {

// out = in permuted by perm (out dim d reads in dim perm[d]); adds when req is add.
template <class T>
void transpose_copy(const NDArray& in, const NDArray& out, const Permutation& perm, OpReq req) {
  if (req == OpReq::null) return;
  auto is = host::contiguous_strides(in.shape());
  host::Strides st(static_cast<std::size_t>(in.ndim()));
  for (int d = 0; d < in.ndim(); ++d) st[d] = is[perm.p[d]];
  host::strided_copy<T>(out.shape(), out.data<T>(), in.data<T>(), st, req == OpReq::add);
}

class Transpose final : public Operator {
 public:
  ~Transpose() override;  // the key function: vtable and kernels are compiled with the unit
  // swap: SwapAxis (dim1, dim2 in axes_[0..1]) instead of a full permutation.
  Transpose(std::vector<std::int64_t> axes, bool swap) : axes_(std::move(axes)), swap_(swap) {}
  std::string type_name() const override { return swap_ ? "SwapAxis" : "transpose"; }
  std::string name_hint() const override { return swap_ ? "swapaxes" : "transpose"; }
  AttrMap attrs() const override {
    if (swap_) {
      AttrMap m;
      if (axes_[0] != 0) m["dim1"] = attr::format(axes_[0]);
      if (axes_[1] != 0) m["dim2"] = attr::format(axes_[1]);
      return m;
    }
    if (axes_.empty()) return {};
    return {{"axes", attr::format(axes_)}};
  }
  Permutation perm(int ndim) const {
    if (!swap_) return transpose_perm(ndim, axes_.data(), axes_.size());
    Permutation r;
    for (int i = 0; i < ndim; ++i) r.p[i] = i;
    std::int64_t a = axes_[0] < 0 ? axes_[0] + ndim : axes_[0], b = axes_[1] < 0 ? axes_[1] + ndim : axes_[1];
    if (a < 0 || b < 0 || a >= ndim || b >= ndim) {
      r.error = "dim1/dim2 are out of range";
      return r;
    }
    std::swap(r.p[a], r.p[b]);
    return r;
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    const Shape& out = c.out(0);
    int nd = in.rank_known() ? in.ndim() : out.ndim();
    if (nd < 0) return;
    auto p = perm(nd);
    if (p.error)
      ShapeCtx::fail(std::string(p.error) + " (axes " + attr::format(axes_) + ", " + c.in_name(0) +
                     " of rank " + std::to_string(nd) + ")");
    if (in.rank_known()) c.assign_out(0, permute(in, p));
    if (out.rank_known()) {  // the inverse permutation carries shapes back
      Shape back = Shape::unknown_dims(nd);
      for (int d = 0; d < nd; ++d) back[p.p[d]] = out[d];
      c.assign_in(0, back);
    }
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<std::int64_t> inv;
    if (swap_) {
      inv = axes_;
    } else {
      // Built lazily from the rank at bind; an empty axes list (reverse) is its own inverse.
      if (!axes_.empty()) {
        inv.assign(axes_.size(), 0);
        int nd = static_cast<int>(axes_.size());
        for (int d = 0; d < nd; ++d)
          inv[static_cast<std::size_t>(axes_[d] < 0 ? axes_[d] + nd : axes_[d])] = d;
      }
    }
    return {out_entry(grad_node(std::make_shared<Transpose>(inv, swap_), n, "backward", {og[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    auto p = perm(in[0].ndim());
    dispatch_dtype(in[0].dtype(), [&](auto t) { transpose_copy<decltype(t)>(in[0], out[0], p, req[0]); });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto p = perm(in[0].ndim());
    auto is = host::contiguous_strides(in[0].shape());
    host::Strides st(static_cast<std::size_t>(in[0].ndim()));
    for (int d = 0; d < in[0].ndim(); ++d) st[d] = is[p.p[d]];
    on_gpu::strided_copy(out[0].shape(), in[0], st, 0, out[0], host::contiguous_strides(out[0].shape()), 0,
                         req[0]);
  }
#endif
 private:
  std::vector<std::int64_t> axes_;
  bool swap_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_TRANSPOSE)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol transpose(const Symbol& data, std::vector<std::int64_t> axes, std::string_view name) {
  return compose(std::make_shared<ops::Transpose>(std::move(axes), false), {data}, name);
}
SYMGRAD_INLINE Symbol swapaxes(const Symbol& data, std::int64_t dim1, std::int64_t dim2,
                               std::string_view name) {
  return compose(std::make_shared<ops::Transpose>(std::vector<std::int64_t>{dim1, dim2}, true), {data}, name);
}
SYMGRAD_INLINE Symbol SwapAxis(const Symbol& data, std::int64_t dim1, std::int64_t dim2,
                               std::string_view name) {
  return swapaxes(data, dim1, dim2, name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
inline OpPtr transpose(const AttrMap& m, std::size_t) {
  attr::Reader r("transpose", m);
  std::vector<std::int64_t> axes;
  r.get("axes", axes);
  r.finish();
  return std::make_shared<Transpose>(axes, false);
}
inline OpPtr swapaxis(const AttrMap& m, std::size_t) {
  attr::Reader r("SwapAxis", m);
  std::int64_t a = 0, b = 0;
  r.get("dim1", a);
  r.get("dim2", b);
  r.finish();
  return std::make_shared<Transpose>(std::vector<std::int64_t>{a, b}, true);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_TRANSPOSE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_transpose(OpTable& t) {
  t["transpose"] = reg::transpose;
  t["SwapAxis"] = reg::swapaxis;
  t["swapaxes"] = reg::swapaxis;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_TRANSPOSE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE Transpose::~Transpose() = default;
}  // namespace SYMGRAD_NS::ops
#endif
