// sum, mean, max, min, prod (axis=() all axes, keepdims=False, exclude=False) and
// norm (ord=2|1, axis, keepdims).
// Shape: the reduced axes are removed (kept as 1 with keepdims); reducing everything without
// keepdims gives (1,), MXNet's legacy rule. Gradient: dy broadcast back (mean: / count;
// max/min: to every element equal to the result; prod: dy·y/x; norm: dy·x/y, ord 1: dy·sign(x)).
#pragma once
#include <cmath>
#include <limits>
#include <memory>

#include "../cpu/strided.hpp"
#include "elemwise.hpp"

namespace symgrad {
namespace ops {

enum class ReduceKind { sum, mean, max, min, prod, norm };
inline const char* reduce_name(ReduceKind k) {
  switch (k) {
    case ReduceKind::sum: return "sum";
    case ReduceKind::mean: return "mean";
    case ReduceKind::max: return "max";
    case ReduceKind::min: return "min";
    case ReduceKind::prod: return "prod";
    case ReduceKind::norm: return "norm";
  }
  return "?";
}

struct ReduceParam {
  std::vector<std::int64_t> axis = {};  // empty: every axis
  bool keepdims = false;
  bool exclude = false;
  int ord = 2;  // norm only
};

// Which axes of a rank-n input are reduced; `error` names a bad axis.
struct ReduceAxes {
  std::array<bool, kMaxRank> reduced{};
  const char* error = nullptr;
  std::int64_t bad_axis = 0;
};
constexpr ReduceAxes reduce_axes(int ndim, const std::vector<std::int64_t>& axis, bool exclude) {
  ReduceAxes r;
  if (axis.empty()) {
    for (int d = 0; d < ndim; ++d) r.reduced[d] = !exclude;
    if (exclude) for (int d = 0; d < ndim; ++d) r.reduced[d] = false;
    return r;
  }
  std::array<bool, kMaxRank> listed{};
  for (auto a : axis) {
    std::int64_t d = a < 0 ? a + ndim : a;
    if (d < 0 || d >= ndim) {
      r.error = "exceeds the input's dimensions";
      r.bad_axis = a;
      return r;
    }
    if (listed[d]) {
      r.error = "is listed twice (reduction axes have duplicates)";
      r.bad_axis = a;
      return r;
    }
    listed[d] = true;
  }
  for (int d = 0; d < ndim; ++d) r.reduced[d] = exclude ? !listed[d] : listed[d];
  return r;
}
constexpr Shape reduce_shape(const Shape& in, const ReduceAxes& ax, bool keepdims) {
  Shape out;
  for (int d = 0; d < in.ndim(); ++d) {
    if (!ax.reduced[d]) out.push_back(in[d]);
    else if (keepdims) out.push_back(1);
  }
  if (out.ndim() == 0) out.push_back(1);
  return out;
}

// Strides that map an input index to its output element (0 along reduced axes).
#if SYMGRAD_WITH_CUDA
inline cuda::ReduceOp gpu_reduce_op(ReduceKind k) {
  switch (k) {
    case ReduceKind::sum: return cuda::ReduceOp::sum;
    case ReduceKind::mean: return cuda::ReduceOp::mean;
    case ReduceKind::max: return cuda::ReduceOp::max;
    case ReduceKind::min: return cuda::ReduceOp::min;
    case ReduceKind::prod: return cuda::ReduceOp::prod;
    default: throw DeviceError("norm has no CUDA kernel yet");
  }
}
#endif

inline host::Strides reduce_out_strides(const Shape& in, const ReduceAxes& ax) {
  Shape kept;
  for (int d = 0; d < in.ndim(); ++d) kept.push_back(ax.reduced[d] ? 1 : in[d]);
  auto cs = host::contiguous_strides(kept);
  for (int d = 0; d < in.ndim(); ++d)
    if (ax.reduced[d]) cs[d] = 0;
  return cs;
}

class ReduceBackward final : public Operator {
 public:
  ReduceBackward(ReduceKind k, ReduceParam p) : k_(k), p_(std::move(p)) {}
  std::string type_name() const override { return std::string("_backward_") + reduce_name(k_); }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "output"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& xs = in[1].shape();
    auto ax = reduce_axes(xs.ndim(), p_.axis, p_.exclude);
    auto ys = reduce_out_strides(xs, ax);
    std::int64_t count = xs.size() / std::max<std::int64_t>(1, in[2].size());
    dispatch_float(in[1].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T *g = in[0].data<T>(), *x = in[1].data<T>(), *y = in[2].data<T>();
      T* dx = out[0].data<T>();
      const bool add = req[0] == OpReq::add;
      host::StridedLoop<2> loop(xs, {host::contiguous_strides(xs), ys});
      const std::int64_t s = loop.inner_stride(1);
      const T inv = T(1) / static_cast<T>(count);
      loop.for_each_row([&](const std::array<std::int64_t, 2>& off, std::int64_t n) {
        for (std::int64_t j = 0; j < n; ++j) {
          const std::int64_t xi = off[0] + j, yi = off[1] + j * s;
          T v = g[yi];
          switch (k_) {
            case ReduceKind::sum: break;
            case ReduceKind::mean: v *= inv; break;
            case ReduceKind::max:
            case ReduceKind::min: v = x[xi] == y[yi] ? v : T(0); break;
            case ReduceKind::prod: v = v * y[yi] / x[xi]; break;
            case ReduceKind::norm:
              v = p_.ord == 1 ? v * (x[xi] > 0 ? T(1) : (x[xi] < 0 ? T(-1) : T(0)))
                              : (y[yi] == T(0) ? T(0) : v * x[xi] / y[yi]);
              break;
          }
          dx[xi] = add ? dx[xi] + v : v;
        }
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return k_ == ReduceKind::norm ? std::string("norm has no CUDA kernel yet") : std::string(); }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& xs = in[1].shape();
    if (xs.ndim() > cuda::kMaxDims) throw DeviceError(type_name() + ": more than 8 dimensions on the GPU");
    auto ax = reduce_axes(xs.ndim(), p_.axis, p_.exclude);
    auto ys = reduce_out_strides(xs, ax);
    std::int64_t count = xs.size() / std::max<std::int64_t>(1, in[2].size());
    cuda::ReduceGradIndex ix;
    ix.ndim = xs.ndim();
    for (int d = 0; d < xs.ndim(); ++d) ix.shape[d] = xs[d], ix.y_stride[d] = ys[static_cast<std::size_t>(d)];
    cuda::reduce_grad(ctx.ctx.device_id, in[1].dtype(), gpu_reduce_op(k_), ix, xs.size(), in[0].raw_data(),
                      in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), 1.0 / static_cast<double>(count), req[0]);
  }
#endif
 private:
  ReduceKind k_;
  ReduceParam p_;
};

class Reduce final : public Operator {
 public:
  Reduce(ReduceKind k, ReduceParam p) : k_(k), p_(std::move(p)) { check(); }
  Reduce(ReduceKind k, const AttrMap& m) : k_(k) {
    attr::Reader r(reduce_name(k), m);
    r.get("axis", p_.axis);
    r.get("keepdims", p_.keepdims);
    if (k != ReduceKind::norm) r.get("exclude", p_.exclude);
    if (k == ReduceKind::norm) {
      r.get("ord", p_.ord);
      std::string out_dtype;
      r.get("out_dtype", out_dtype);
    }
    r.finish();
    check();
  }
  std::string type_name() const override { return reduce_name(k_); }
  AttrMap attrs() const override {
    AttrMap m;
    if (!p_.axis.empty()) m["axis"] = attr::format(p_.axis);
    if (p_.keepdims) m["keepdims"] = attr::format(true);
    if (p_.exclude) m["exclude"] = attr::format(true);
    if (k_ == ReduceKind::norm && p_.ord != 2) m["ord"] = attr::format(p_.ord);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    auto ax = reduce_axes(in.ndim(), p_.axis, p_.exclude);
    if (ax.error)
      ShapeCtx::fail("reduction axis " + std::to_string(ax.bad_axis) + " " + ax.error + " (data " + in.str() + ")");
    c.assign_out(0, reduce_shape(in, ax, p_.keepdims));
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<ReduceBackward>(k_, p_), n, "backward", {og[0], n->inputs[0], out_entry(n)});
    return {out_entry(b)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    if (req[0] == OpReq::add && k_ != ReduceKind::sum && k_ != ReduceKind::mean)
      throw Error(std::string("internal: ") + type_name() + " cannot add to its output");
    const Shape& xs = in[0].shape();
    auto ax = reduce_axes(xs.ndim(), p_.axis, p_.exclude);
    auto ys = reduce_out_strides(xs, ax);
    std::int64_t count = xs.size() / std::max<std::int64_t>(1, out[0].size());
    dispatch_float(in[0].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      const std::int64_t ny = out[0].size();
      T init = T(0);
      if (k_ == ReduceKind::max) init = -std::numeric_limits<T>::infinity();
      if (k_ == ReduceKind::min) init = std::numeric_limits<T>::infinity();
      if (k_ == ReduceKind::prod) init = T(1);
      if (req[0] == OpReq::write) std::fill_n(y, ny, init);
      const T scale = k_ == ReduceKind::mean ? T(1) / static_cast<T>(count) : T(1);
      host::StridedLoop<2> loop(xs, {ys, host::contiguous_strides(xs)});
      const std::int64_t s = loop.inner_stride(0);
      loop.for_each_row([&](const std::array<std::int64_t, 2>& off, std::int64_t n) {
        T* yo = y + off[0];
        const T* xo = x + off[1];
        switch (k_) {
          case ReduceKind::sum:
          case ReduceKind::mean:
            if (s == 0) {
              T acc = T(0);
              for (std::int64_t j = 0; j < n; ++j) acc += xo[j];
              *yo += acc * scale;
            } else {
              for (std::int64_t j = 0; j < n; ++j) yo[j * s] += xo[j] * scale;
            }
            break;
          case ReduceKind::max:
            for (std::int64_t j = 0; j < n; ++j) yo[j * s] = xo[j] > yo[j * s] || std::isnan(xo[j]) ? xo[j] : yo[j * s];
            break;
          case ReduceKind::min:
            for (std::int64_t j = 0; j < n; ++j) yo[j * s] = xo[j] < yo[j * s] || std::isnan(xo[j]) ? xo[j] : yo[j * s];
            break;
          case ReduceKind::prod:
            for (std::int64_t j = 0; j < n; ++j) yo[j * s] *= xo[j];
            break;
          case ReduceKind::norm:
            for (std::int64_t j = 0; j < n; ++j) yo[j * s] += p_.ord == 1 ? std::fabs(xo[j]) : xo[j] * xo[j];
            break;
        }
      });
      if (k_ == ReduceKind::norm && p_.ord == 2)
        for (std::int64_t i = 0; i < ny; ++i) y[i] = std::sqrt(y[i]);
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return k_ == ReduceKind::norm ? std::string("norm has no CUDA kernel yet") : std::string(); }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& xs = in[0].shape();
    if (xs.ndim() > cuda::kMaxDims) throw DeviceError(type_name() + ": more than 8 dimensions on the GPU");
    auto ax = reduce_axes(xs.ndim(), p_.axis, p_.exclude);
    auto cs = host::contiguous_strides(xs);
    cuda::ReduceIndex ix;
    for (int d = 0; d < xs.ndim(); ++d) {
      auto st = cs[static_cast<std::size_t>(d)];
      if (ax.reduced[d]) ix.red_shape[ix.nred] = xs[d], ix.red_stride[ix.nred++] = st, ix.red_size *= xs[d];
      else ix.kept_shape[ix.nkept] = xs[d], ix.kept_stride[ix.nkept++] = st;
    }
    const std::int64_t ny = out[0].size();
    if (ix.red_size == 0) {  // nothing to reduce: the operation's identity
      double init = k_ == ReduceKind::prod ? 1.0 : 0.0;
      if (k_ == ReduceKind::max) init = -std::numeric_limits<double>::infinity();
      if (k_ == ReduceKind::min) init = std::numeric_limits<double>::infinity();
      if (req[0] == OpReq::write) out[0].fill(init);
      return;
    }
    std::int64_t count = xs.size() / std::max<std::int64_t>(1, ny);
    cuda::reduce(ctx.ctx.device_id, in[0].dtype(), gpu_reduce_op(k_), ix, ny, in[0].raw_data(), out[0].raw_data(),
                 k_ == ReduceKind::mean ? 1.0 / static_cast<double>(count) : 1.0, req[0]);
  }
#endif
 private:
  void check() const {
    if (k_ == ReduceKind::norm && p_.ord != 1 && p_.ord != 2)
      throw ValueError("norm: ord must be 1 or 2, got " + std::to_string(p_.ord));
    if (k_ == ReduceKind::norm && p_.exclude) throw ValueError("norm: exclude is not a parameter of norm");
  }
  ReduceKind k_;
  ReduceParam p_;
};

}  // namespace ops

namespace sym {
struct ReduceOptions {
  std::vector<std::int64_t> axis = {};
  bool keepdims = false;
  bool exclude = false;
  std::string name = {};
};
struct NormOptions {
  int ord = 2;
  std::vector<std::int64_t> axis = {};
  bool keepdims = false;
  std::string name = {};
};
namespace detail {
inline Symbol reduce(ops::ReduceKind k, const Symbol& x, const ReduceOptions& o) {
  return compose(std::make_shared<ops::Reduce>(k, ops::ReduceParam{o.axis, o.keepdims, o.exclude, 2}), {x}, o.name);
}
}  // namespace detail
inline Symbol sum(const Symbol& x, const ReduceOptions& o = {}) { return detail::reduce(ops::ReduceKind::sum, x, o); }
inline Symbol mean(const Symbol& x, const ReduceOptions& o = {}) { return detail::reduce(ops::ReduceKind::mean, x, o); }
inline Symbol max(const Symbol& x, const ReduceOptions& o = {}) { return detail::reduce(ops::ReduceKind::max, x, o); }
inline Symbol min(const Symbol& x, const ReduceOptions& o = {}) { return detail::reduce(ops::ReduceKind::min, x, o); }
inline Symbol prod(const Symbol& x, const ReduceOptions& o = {}) { return detail::reduce(ops::ReduceKind::prod, x, o); }
inline Symbol norm(const Symbol& x, const NormOptions& o = {}) {
  return compose(std::make_shared<ops::Reduce>(ops::ReduceKind::norm, ops::ReduceParam{o.axis, o.keepdims, false, o.ord}),
                 {x}, o.name);
}
}  // namespace sym
}  // namespace symgrad

#include "fused.hpp"

namespace symgrad {
namespace why {
struct reduction_axis_out_of_range_or_repeated;
}
namespace ops {
template <class A, bool Keep, bool Exclude, std::int64_t... Axes>
struct ReduceOut {
  static constexpr ReduceAxes ax = [] {
    ReduceAxes r;
    constexpr std::int64_t axes[] = {Axes..., 0};
    const int nd = A::shape.ndim();
    if constexpr (sizeof...(Axes) == 0) {
      for (int d = 0; d < nd; ++d) r.reduced[d] = !Exclude;
      return r;
    }
    std::array<bool, kMaxRank> listed{};
    for (std::size_t i = 0; i < sizeof...(Axes); ++i) {
      std::int64_t d = axes[i] < 0 ? axes[i] + nd : axes[i];
      if (d < 0 || d >= nd || listed[d]) {
        r.error = "bad axis";
        return r;
      }
      listed[d] = true;
    }
    for (int d = 0; d < nd; ++d) r.reduced[d] = Exclude ? !listed[d] : listed[d];
    return r;
  }();
  static constexpr Shape value = ax.error ? Shape::unknown() : reduce_shape(A::shape, ax, Keep);
};
template <ReduceKind K, bool Keep, bool Exclude, std::int64_t... Axes, Typed A>
auto typed_reduce(const A& x, std::string_view name) {
  using H = ReduceOut<A, Keep, Exclude, Axes...>;
  if constexpr (H::ax.error != nullptr) {
    static_shape_error<Reduce, why::reduction_axis_out_of_range_or_repeated, typename A::shape_type,
                       StaticShape<Axes...>>::raise();
  } else {
    return TSym<to_static_t<H>>(sym::compose(std::make_shared<Reduce>(K, ReduceParam{{Axes...}, Keep, Exclude, 2}), {Symbol(x)}, name));
  }
}
}  // namespace ops
namespace sym {
// Typed reductions: sum<1>(x), mean<0, 2>(x), max<>(x) (all axes); keepdims / exclude forms.
template <std::int64_t... Axes, Typed A> auto sum(const A& x, std::string_view name = {}) { return ops::typed_reduce<ops::ReduceKind::sum, false, false, Axes...>(x, name); }
template <std::int64_t... Axes, Typed A> auto mean(const A& x, std::string_view name = {}) { return ops::typed_reduce<ops::ReduceKind::mean, false, false, Axes...>(x, name); }
template <std::int64_t... Axes, Typed A> auto max(const A& x, std::string_view name = {}) { return ops::typed_reduce<ops::ReduceKind::max, false, false, Axes...>(x, name); }
template <std::int64_t... Axes, Typed A> auto min(const A& x, std::string_view name = {}) { return ops::typed_reduce<ops::ReduceKind::min, false, false, Axes...>(x, name); }
template <std::int64_t... Axes, Typed A> auto prod(const A& x, std::string_view name = {}) { return ops::typed_reduce<ops::ReduceKind::prod, false, false, Axes...>(x, name); }
template <std::int64_t... Axes, Typed A> auto sum_keepdims(const A& x, std::string_view name = {}) { return ops::typed_reduce<ops::ReduceKind::sum, true, false, Axes...>(x, name); }
template <std::int64_t... Axes, Typed A> auto mean_keepdims(const A& x, std::string_view name = {}) { return ops::typed_reduce<ops::ReduceKind::mean, true, false, Axes...>(x, name); }
}  // namespace sym
}  // namespace symgrad
