// Operators and kernels of ops/broadcast.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <memory>
#include <span>

#include "../cpu/strided.hpp"
#include "broadcast.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

template <class F>
class BroadcastBackward final : public Operator {
 public:
  std::string type_name() const override { return std::string("_backward_") + broadcast_name<F>::value; }
  std::vector<std::string> arguments() const override { return {"ograd", "lhs", "rhs", "output"}; }
  std::vector<std::string> outputs() const override { return {"lhs_grad", "rhs_grad"}; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(1));
    c.assign_out(1, c.in(2));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const Shape& os = in[0].shape();
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T *g = in[0].data<T>(), *a = in[1].data<T>(), *b = in[2].data<T>(), *y = in[3].data<T>();
          T* da = req[0] == OpReq::null ? nullptr : out[0].data<T>();
          T* db = req[1] == OpReq::null ? nullptr : out[1].data<T>();
          if (da && req[0] == OpReq::write) std::fill_n(da, out[0].size(), T(0));
          if (db && req[1] == OpReq::write) std::fill_n(db, out[1].size(), T(0));
          host::StridedLoop<3> loop(os,
                                    {host::contiguous_strides(os), host::broadcast_strides(in[1].shape(), os),
                                     host::broadcast_strides(in[2].shape(), os)});
          const std::int64_t sa = loop.inner_stride(1), sb = loop.inner_stride(2);
          loop.for_each_row([&](const std::array<std::int64_t, 3>& off, std::int64_t n) {
            for (std::int64_t j = 0; j < n; ++j) {
              T av = a[off[1] + j * sa], bv = b[off[2] + j * sb], yv = y[off[0] + j], gv = g[off[0] + j];
              if (da) da[off[1] + j * sa] += F::grad_a(av, bv, yv, gv);
              if (db) db[off[2] + j * sb] += F::grad_b(av, bv, yv, gv);
            }
          });
        });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const Shape& os = in[0].shape();
    auto ix = on_gpu::broadcast_index(os, in[1].shape(), in[2].shape());
    void* da = req[0] == OpReq::null ? nullptr : out[0].raw_data();
    void* db = req[1] == OpReq::null ? nullptr : out[1].raw_data();
    if (da && req[0] == OpReq::write) device::zero(ctx.ctx, da, out[0].nbytes());
    if (db && req[1] == OpReq::write) device::zero(ctx.ctx, db, out[1].nbytes());
    cuda::broadcast_binary_grad(ctx.ctx.device_id, in[0].dtype(), F::gpu, ix, os.size(), in[0].raw_data(),
                                in[1].raw_data(), in[2].raw_data(), in[3].raw_data(), da, db);
  }
#endif
};

template <class F>
class Broadcast final : public Operator {
 public:
  std::string type_name() const override { return broadcast_name<F>::value; }
  std::vector<std::string> arguments() const override { return {"lhs", "rhs"}; }
  void infer_shape(ShapeCtx& c) const override {
    auto r = broadcast_rule(c.in(0), c.in(1));
    if (!r.ok)
      ShapeCtx::fail("operands could not be broadcast together with shapes " + c.in(0).str() + " and " +
                     c.in(1).str() + " (" + c.in_name(0) + ", " + c.in_name(1) +
                     "): each axis, aligned from the right, must match or be 1");
    c.assign_out(0, r.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<BroadcastBackward<F>>(), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1], out_entry(n)});
    return {out_entry(b, 0), out_entry(b, 1)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const Shape& os = out[0].shape();
    dispatch_float(
        out[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T *a = in[0].data<T>(), *b = in[1].data<T>();
          T* y = out[0].data<T>();
          if (in[0].shape() == os && in[1].shape() == os) {  // no broadcasting: the flat SIMD loop
            for_each_req<T>(req[0], static_cast<std::size_t>(os.size()),
                            [&]<OpReq R, class V>(std::size_t i) {
                              host::store_req<R>(y + i, F::f(host::load<V>(a + i), host::load<V>(b + i)));
                            });
            return;
          }
          host::StridedLoop<3> loop(os,
                                    {host::contiguous_strides(os), host::broadcast_strides(in[0].shape(), os),
                                     host::broadcast_strides(in[1].shape(), os)});
          const std::int64_t sa = loop.inner_stride(1), sb = loop.inner_stride(2);
          const bool add = req[0] == OpReq::add;
          loop.for_each_row([&](const std::array<std::int64_t, 3>& off, std::int64_t n) {
            T* yo = y + off[0];
            const T *ao = a + off[1], *bo = b + off[2];
            for (std::int64_t j = 0; j < n; ++j) {
              T v = F::f(ao[j * sa], bo[j * sb]);
              yo[j] = add ? yo[j] + v : v;
            }
          });
        });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const Shape& os = out[0].shape();
    auto ix = on_gpu::broadcast_index(os, in[0].shape(), in[1].shape());
    cuda::broadcast_binary(ctx.ctx.device_id, in[0].dtype(), F::gpu, ix, os.size(), in[0].raw_data(),
                           in[1].raw_data(), out[0].raw_data(), req[0]);
  }
#endif
};
}  // namespace SYMGRAD_NS::ops

// Compiled with the unit for every binary functor; used from there elsewhere (extern template).
#if defined(SYMGRAD_UNIT_OPS_BROADCAST)
#define SYMGRAD_BROADCAST_CLASSES(F)                            \
  template class SYMGRAD_NS::ops::Broadcast<SYMGRAD_NS::fn::F>; \
  template class SYMGRAD_NS::ops::BroadcastBackward<SYMGRAD_NS::fn::F>;
#elif !defined(SYMGRAD_HEADER_ONLY)
#define SYMGRAD_BROADCAST_CLASSES(F)                                   \
  extern template class SYMGRAD_NS::ops::Broadcast<SYMGRAD_NS::fn::F>; \
  extern template class SYMGRAD_NS::ops::BroadcastBackward<SYMGRAD_NS::fn::F>;
#endif
#if defined(SYMGRAD_BROADCAST_CLASSES)
SYMGRAD_BINARY_FUNCTORS(SYMGRAD_BROADCAST_CLASSES)
#undef SYMGRAD_BROADCAST_CLASSES
#endif

namespace SYMGRAD_NS::sym::detail {
template <class F>
Symbol broadcast(const Symbol& a, const Symbol& b, std::string_view name) {
  return compose(std::make_shared<ops::Broadcast<F>>(), {a, b}, name);
}
}  // namespace SYMGRAD_NS::sym::detail

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_BROADCAST)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol broadcast_add(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::elemwise_add>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_sub(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::elemwise_sub>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_mul(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::elemwise_mul>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_div(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::elemwise_div>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_maximum(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::maximum>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_minimum(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::minimum>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_power(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::power>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_equal(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::equal>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_not_equal(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::not_equal>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_greater(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::greater>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_greater_equal(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::greater_equal>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_lesser(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::lesser>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_lesser_equal(const Symbol& a, const Symbol& b, std::string_view name) {
  return detail::broadcast<fn::lesser_equal>(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_plus(const Symbol& a, const Symbol& b, std::string_view name) {
  return broadcast_add(a, b, name);
}
SYMGRAD_INLINE Symbol broadcast_minus(const Symbol& a, const Symbol& b, std::string_view name) {
  return broadcast_sub(a, b, name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// The broadcasting node maker, compiled for every binary functor.
#if defined(SYMGRAD_UNIT_OPS_BROADCAST)
namespace SYMGRAD_NS::sym::detail {
#define SYMGRAD_INSTANTIATE_BROADCAST(F) \
  template Symbol broadcast<fn::F>(const Symbol&, const Symbol&, std::string_view);
SYMGRAD_BINARY_FUNCTORS(SYMGRAD_INSTANTIATE_BROADCAST)
#undef SYMGRAD_INSTANTIATE_BROADCAST
}  // namespace SYMGRAD_NS::sym::detail
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_BROADCAST)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_broadcast(OpTable& t) {
  t["broadcast_add"] = reg::plain<Broadcast<fn::elemwise_add>>;
  t["broadcast_plus"] = reg::plain<Broadcast<fn::elemwise_add>>;
  t["broadcast_sub"] = reg::plain<Broadcast<fn::elemwise_sub>>;
  t["broadcast_minus"] = reg::plain<Broadcast<fn::elemwise_sub>>;
  t["broadcast_mul"] = reg::plain<Broadcast<fn::elemwise_mul>>;
  t["broadcast_div"] = reg::plain<Broadcast<fn::elemwise_div>>;
  t["broadcast_maximum"] = reg::plain<Broadcast<fn::maximum>>;
  t["broadcast_minimum"] = reg::plain<Broadcast<fn::minimum>>;
  t["broadcast_power"] = reg::plain<Broadcast<fn::power>>;
  t["broadcast_equal"] = reg::plain<Broadcast<fn::equal>>;
  t["broadcast_not_equal"] = reg::plain<Broadcast<fn::not_equal>>;
  t["broadcast_greater"] = reg::plain<Broadcast<fn::greater>>;
  t["broadcast_greater_equal"] = reg::plain<Broadcast<fn::greater_equal>>;
  t["broadcast_lesser"] = reg::plain<Broadcast<fn::lesser>>;
  t["broadcast_lesser_equal"] = reg::plain<Broadcast<fn::lesser_equal>>;
}
}  // namespace SYMGRAD_NS::ops
#endif
