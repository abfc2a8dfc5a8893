// transpose(data; axes=() reversed) and SwapAxis/swapaxes(data; dim1=0, dim2=0).
// Shape: out[d] = in[axes[d]]. Gradient: the transpose by the inverse permutation.
#pragma once
#include <memory>
#include <numeric>

#include "../cpu/strided.hpp"
#include "gpu_util.hpp"
#include "elemwise.hpp"

namespace symgrad {
namespace ops {

// The permutation of a rank-n transpose; `error` when axes is not one.
struct Permutation {
  std::array<int, kMaxRank> p{};
  const char* error = nullptr;
};
constexpr Permutation transpose_perm(int ndim, const std::int64_t* axes, std::size_t n) {
  Permutation r;
  if (n == 0) {
    for (int i = 0; i < ndim; ++i) r.p[i] = ndim - 1 - i;
    return r;
  }
  if (static_cast<int>(n) != ndim) {
    r.error = "axes must list every dimension once";
    return r;
  }
  std::array<bool, kMaxRank> seen{};
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t a = axes[i] < 0 ? axes[i] + ndim : axes[i];
    if (a < 0 || a >= ndim || seen[a]) {
      r.error = "axes must be a permutation of the dimensions";
      return r;
    }
    seen[a] = true;
    r.p[i] = static_cast<int>(a);
  }
  return r;
}
constexpr Shape permute(const Shape& in, const Permutation& p) {
  Shape out;
  for (int i = 0; i < in.ndim(); ++i) out.push_back(in[p.p[i]]);
  return out;
}

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
      ShapeCtx::fail(std::string(p.error) + " (axes " + attr::format(axes_) + ", " + c.in_name(0) + " of rank " +
                     std::to_string(nd) + ")");
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
        for (int d = 0; d < nd; ++d) inv[static_cast<std::size_t>(axes_[d] < 0 ? axes_[d] + nd : axes_[d])] = d;
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
    on_gpu::strided_copy(out[0].shape(), in[0], st, 0, out[0], host::contiguous_strides(out[0].shape()), 0, req[0]);
  }
#endif
 private:
  std::vector<std::int64_t> axes_;
  bool swap_;
};

}  // namespace ops

namespace sym {
inline Symbol transpose(const Symbol& data, std::vector<std::int64_t> axes = {}, std::string_view name = {}) {
  return compose(std::make_shared<ops::Transpose>(std::move(axes), false), {data}, name);
}
inline Symbol swapaxes(const Symbol& data, std::int64_t dim1 = 0, std::int64_t dim2 = 0, std::string_view name = {}) {
  return compose(std::make_shared<ops::Transpose>(std::vector<std::int64_t>{dim1, dim2}, true), {data}, name);
}
inline Symbol SwapAxis(const Symbol& data, std::int64_t dim1 = 0, std::int64_t dim2 = 0, std::string_view name = {}) {
  return swapaxes(data, dim1, dim2, name);
}
}  // namespace sym
}  // namespace symgrad

#include "fused.hpp"

namespace symgrad {
namespace why {
struct axes_are_not_a_permutation;
}
namespace ops {
template <class A, std::int64_t... Axes>
struct TransposeOut {
  static constexpr std::array<std::int64_t, sizeof...(Axes)> axes{Axes...};
  static constexpr Permutation p = transpose_perm(A::shape.ndim(), axes.data(), axes.size());
  static constexpr Shape value = p.error ? Shape::unknown() : permute(A::shape, p);
};
}  // namespace ops
namespace sym {
// Typed: transpose<1, 0>(x), or transpose<>(x) for the reversed axes.
template <std::int64_t... Axes, Typed A>
auto transpose(const A& x, std::string_view name = {}) {
  using H = ops::TransposeOut<A, Axes...>;
  if constexpr (H::p.error != nullptr) {
    static_shape_error<ops::Transpose, why::axes_are_not_a_permutation, typename A::shape_type,
                       StaticShape<Axes...>>::raise();
  } else {
    return TSym<to_static_t<H>>(transpose(Symbol(x), {Axes...}, name));
  }
}
}  // namespace sym
}  // namespace symgrad

namespace symgrad {
namespace ops {
template <class A, std::int64_t Dim1, std::int64_t Dim2>
struct SwapOut {
  static constexpr int nd = A::shape.ndim();
  static constexpr std::int64_t a = Dim1 < 0 ? Dim1 + nd : Dim1, b = Dim2 < 0 ? Dim2 + nd : Dim2;
  static constexpr bool ok = a >= 0 && b >= 0 && a < nd && b < nd;
  static constexpr Shape value = [] {
    Shape s = A::shape;
    if (!ok) return s;
    auto t = s[static_cast<int>(a)];
    s[static_cast<int>(a)] = s[static_cast<int>(b)];
    s[static_cast<int>(b)] = t;
    return s;
  }();
};
}  // namespace ops
namespace sym {
template <std::int64_t Dim1, std::int64_t Dim2, Typed A>
auto swapaxes(const A& x, std::string_view name = {}) {
  using H = ops::SwapOut<A, Dim1, Dim2>;
  if constexpr (!H::ok) {
    static_shape_error<ops::Transpose, why::axes_are_not_a_permutation, typename A::shape_type,
                       StaticShape<Dim1, Dim2>>::raise();
  } else {
    return TSym<to_static_t<H>>(swapaxes(Symbol(x), Dim1, Dim2, name));
  }
}
}  // namespace sym
}  // namespace symgrad
