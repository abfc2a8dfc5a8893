// Operators and kernels of ops/reduce.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <utility>

#include "../cpu/strided.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "reduce.hpp"

namespace SYMGRAD_NS::ops {

inline const char* reduce_name(ReduceKind k) {
  switch (k) {
    case ReduceKind::sum:
      return "sum";
    case ReduceKind::mean:
      return "mean";
    case ReduceKind::max:
      return "max";
    case ReduceKind::min:
      return "min";
    case ReduceKind::prod:
      return "prod";
    case ReduceKind::norm:
      return "norm";
  }
  return "?";
}

// Strides that map an input index to its output element (0 along reduced axes).
#if SYMGRAD_WITH_CUDA
inline cuda::ReduceOp gpu_reduce_op(ReduceKind k) {
  switch (k) {
    case ReduceKind::sum:
      return cuda::ReduceOp::sum;
    case ReduceKind::mean:
      return cuda::ReduceOp::mean;
    case ReduceKind::max:
      return cuda::ReduceOp::max;
    case ReduceKind::min:
      return cuda::ReduceOp::min;
    case ReduceKind::prod:
      return cuda::ReduceOp::prod;
    default:
      throw DeviceError("norm has no CUDA kernel yet");
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
  ~ReduceBackward() override;  // the key function: vtable and kernels are compiled with the unit
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
    dispatch_float(
        in[1].dtype(), [this] { return type_name(); },
        [&](auto t) {
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
                case ReduceKind::sum:
                  break;
                case ReduceKind::mean:
                  v *= inv;
                  break;
                case ReduceKind::max:
                case ReduceKind::min:
                  v = x[xi] == y[yi] ? v : T(0);
                  break;
                case ReduceKind::prod:
                  v = v * y[yi] / x[xi];
                  break;
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
  std::string gpu_unsupported() const override {
    return k_ == ReduceKind::norm ? std::string("norm has no CUDA kernel yet") : std::string();
  }
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
                      in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), 1.0 / static_cast<double>(count),
                      req[0]);
  }
#endif
 private:
  ReduceKind k_;
  ReduceParam p_;
};

class Reduce final : public Operator {
 public:
  ~Reduce() override;  // the key function: vtable and kernels are compiled with the unit
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
      ShapeCtx::fail("reduction axis " + std::to_string(ax.bad_axis) + " " + ax.error + " (data " + in.str() +
                     ")");
    c.assign_out(0, reduce_shape(in, ax, p_.keepdims));
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<ReduceBackward>(k_, p_), n, "backward",
                       {og[0], n->inputs[0], out_entry(n)});
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
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
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
                for (std::int64_t j = 0; j < n; ++j)
                  yo[j * s] = xo[j] > yo[j * s] || std::isnan(xo[j]) ? xo[j] : yo[j * s];
                break;
              case ReduceKind::min:
                for (std::int64_t j = 0; j < n; ++j)
                  yo[j * s] = xo[j] < yo[j * s] || std::isnan(xo[j]) ? xo[j] : yo[j * s];
                break;
              case ReduceKind::prod:
                for (std::int64_t j = 0; j < n; ++j) yo[j * s] *= xo[j];
                break;
              case ReduceKind::norm:
                for (std::int64_t j = 0; j < n; ++j)
                  yo[j * s] += p_.ord == 1 ? std::fabs(xo[j]) : xo[j] * xo[j];
                break;
            }
          });
          if (k_ == ReduceKind::norm && p_.ord == 2)
            for (std::int64_t i = 0; i < ny; ++i) y[i] = std::sqrt(y[i]);
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override {
    return k_ == ReduceKind::norm ? std::string("norm has no CUDA kernel yet") : std::string();
  }
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
      if (ax.reduced[d])
        ix.red_shape[ix.nred] = xs[d], ix.red_stride[ix.nred++] = st, ix.red_size *= xs[d];
      else
        ix.kept_shape[ix.nkept] = xs[d], ix.kept_stride[ix.nkept++] = st;
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
    cuda::reduce(ctx.ctx.device_id, in[0].dtype(), gpu_reduce_op(k_), ix, ny, in[0].raw_data(),
                 out[0].raw_data(), k_ == ReduceKind::mean ? 1.0 / static_cast<double>(count) : 1.0, req[0]);
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
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_REDUCE)
namespace SYMGRAD_NS::sym {

namespace detail {
SYMGRAD_INLINE Symbol reduce(ops::ReduceKind k, const ops::ReduceParam& p, const Symbol& x,
                             std::string_view name) {
  return compose(std::make_shared<ops::Reduce>(k, p), {x}, name);
}
inline Symbol reduce(ops::ReduceKind k, const Symbol& x, const ReduceOptions& o) {
  return reduce(k, ops::ReduceParam{o.axis, o.keepdims, o.exclude, 2}, x, o.name);
}
}  // namespace detail
SYMGRAD_INLINE Symbol sum(const Symbol& x, const ReduceOptions& o) {
  return detail::reduce(ops::ReduceKind::sum, x, o);
}
SYMGRAD_INLINE Symbol mean(const Symbol& x, const ReduceOptions& o) {
  return detail::reduce(ops::ReduceKind::mean, x, o);
}
SYMGRAD_INLINE Symbol max(const Symbol& x, const ReduceOptions& o) {
  return detail::reduce(ops::ReduceKind::max, x, o);
}
SYMGRAD_INLINE Symbol min(const Symbol& x, const ReduceOptions& o) {
  return detail::reduce(ops::ReduceKind::min, x, o);
}
SYMGRAD_INLINE Symbol prod(const Symbol& x, const ReduceOptions& o) {
  return detail::reduce(ops::ReduceKind::prod, x, o);
}
SYMGRAD_INLINE Symbol norm(const Symbol& x, const NormOptions& o) {
  return compose(std::make_shared<ops::Reduce>(ops::ReduceKind::norm,
                                               ops::ReduceParam{o.axis, o.keepdims, false, o.ord}),
                 {x}, o.name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
template <ReduceKind K>
OpPtr reduce(const AttrMap& m, std::size_t) {
  return std::make_shared<Reduce>(K, m);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_REDUCE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_reduce(OpTable& t) {
  t["sum"] = reg::reduce<ReduceKind::sum>;
  t["sum_axis"] = reg::reduce<ReduceKind::sum>;
  t["mean"] = reg::reduce<ReduceKind::mean>;
  t["max"] = reg::reduce<ReduceKind::max>;
  t["max_axis"] = reg::reduce<ReduceKind::max>;
  t["min"] = reg::reduce<ReduceKind::min>;
  t["min_axis"] = reg::reduce<ReduceKind::min>;
  t["prod"] = reg::reduce<ReduceKind::prod>;
  t["norm"] = reg::reduce<ReduceKind::norm>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_REDUCE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE ReduceBackward::~ReduceBackward() = default;
SYMGRAD_INLINE Reduce::~Reduce() = default;
}  // namespace SYMGRAD_NS::ops
#endif
