// Elementwise operators (ops/elemwise.hpp): Unary, Binary, Scalar and their backward
// operators over the functors, add_n, _copy and zeros_like.
#pragma once
#include <cstring>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "../cpu/simd.hpp"
#include "elemwise.hpp"
#include "functors.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS {
namespace ops {

using host::for_each_req;

// clip's bounds for the CUDA kernels (unused by the other functions).
template <class F>
std::pair<double, double> functor_bounds(const F& f) {
  if constexpr (requires { f.a_min; })
    return {f.a_min, f.a_max};
  else
    return {0.0, 0.0};
}

// Attributes of a parameterised functor (clip's a_min, a_max); none for the others.
template <class F>
AttrMap functor_attrs(const F& f) {
  if constexpr (requires { f.attrs(); })
    return f.attrs();
  else
    return {};
}

template <class F>
class UnaryBackward final : public Operator {
 public:
  explicit UnaryBackward(F f = {}) : fn_(f) {}
  std::string type_name() const override { return std::string("_backward_") + F::name; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "output"}; }
  AttrMap attrs() const override { return functor_attrs(fn_); }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T *g = in[0].data<T>(), *x = in[1].data<T>(), *y = in[2].data<T>();
          T* dx = out[0].data<T>();
          for_each_req<T>(
              req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
                host::store_req<R>(
                    dx + i, fn_.grad(host::load<V>(x + i), host::load<V>(y + i), host::load<V>(g + i)));
              });
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    auto [lo, hi] = functor_bounds(fn_);
    cuda::unary_grad(ctx.ctx.device_id, in[0].dtype(), F::gpu, out[0].size(), in[0].raw_data(),
                     in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), req[0], lo, hi);
  }
#endif

 private:
  F fn_;
};

template <class F>
class Unary final : public Operator {
 public:
  explicit Unary(F f = {}) : fn_(f) {}
  const F& functor() const { return fn_; }
  std::string type_name() const override { return F::name; }
  AttrMap attrs() const override { return functor_attrs(fn_); }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    if constexpr (std::is_same_v<F, fn::negative>) {
      auto neg = grad_node(std::make_shared<Unary<fn::negative>>(), n, "backward", {og[0]});
      return {out_entry(neg)};
    } else {
      auto b = grad_node(std::make_shared<UnaryBackward<F>>(fn_), n, "backward",
                         {og[0], n->inputs[0], out_entry(n)});
      return {out_entry(b)};
    }
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T* x = in[0].data<T>();
          T* y = out[0].data<T>();
          for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()),
                          [&]<OpReq R, class V>(std::size_t i) {
                            host::store_req<R>(y + i, fn_.f(host::load<V>(x + i)));
                          });
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    auto [lo, hi] = functor_bounds(fn_);
    cuda::unary(ctx.ctx.device_id, in[0].dtype(), F::gpu, out[0].size(), in[0].raw_data(), out[0].raw_data(),
                req[0], lo, hi);
  }
#endif

 private:
  F fn_;
};

template <class F>
class BinaryBackward final : public Operator {
 public:
  std::string type_name() const override { return std::string("_backward_") + F::name; }
  std::vector<std::string> arguments() const override { return {"ograd", "lhs", "rhs", "output"}; }
  std::vector<std::string> outputs() const override { return {"lhs_grad", "rhs_grad"}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T *g = in[0].data<T>(), *a = in[1].data<T>(), *b = in[2].data<T>(), *y = in[3].data<T>();
          std::size_t n = static_cast<std::size_t>(in[0].size());
          if (req[0] != OpReq::null) {
            T* da = out[0].data<T>();
            for_each_req<T>(req[0], n, [&]<OpReq R, class V>(std::size_t i) {
              host::store_req<R>(da + i, F::grad_a(host::load<V>(a + i), host::load<V>(b + i),
                                                   host::load<V>(y + i), host::load<V>(g + i)));
            });
          }
          if (req[1] != OpReq::null) {
            T* db = out[1].data<T>();
            for_each_req<T>(req[1], n, [&]<OpReq R, class V>(std::size_t i) {
              host::store_req<R>(db + i, F::grad_b(host::load<V>(a + i), host::load<V>(b + i),
                                                   host::load<V>(y + i), host::load<V>(g + i)));
            });
          }
        });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::binary_grad(ctx.ctx.device_id, in[0].dtype(), F::gpu, in[0].size(), in[0].raw_data(),
                      in[1].raw_data(), in[2].raw_data(), 0.0, in[3].raw_data(),
                      req[0] == OpReq::null ? nullptr : out[0].raw_data(), req[0],
                      req[1] == OpReq::null ? nullptr : out[1].raw_data(), req[1]);
  }
#endif
};

template <class F>
class Binary final : public Operator {
 public:
  std::string type_name() const override { return F::name; }
  std::string name_hint() const override { return F::hint; }
  std::vector<std::string> arguments() const override { return {"lhs", "rhs"}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    if constexpr (std::is_same_v<F, fn::elemwise_add>) {
      return {og[0], og[0]};
    } else if constexpr (std::is_same_v<F, fn::elemwise_sub>) {
      return {og[0], out_entry(grad_node(std::make_shared<Unary<fn::negative>>(), n, "backward", {og[0]}))};
    } else {
      auto b = grad_node(std::make_shared<BinaryBackward<F>>(), n, "backward",
                         {og[0], n->inputs[0], n->inputs[1], out_entry(n)});
      return {out_entry(b, 0), out_entry(b, 1)};
    }
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T *a = in[0].data<T>(), *b = in[1].data<T>();
          T* y = out[0].data<T>();
          for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()),
                          [&]<OpReq R, class V>(std::size_t i) {
                            host::store_req<R>(y + i, F::f(host::load<V>(a + i), host::load<V>(b + i)));
                          });
        });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::binary(ctx.ctx.device_id, in[0].dtype(), F::gpu, out[0].size(), in[0].raw_data(), in[1].raw_data(),
                 0.0, out[0].raw_data(), req[0]);
  }
#endif
};

template <class F>
class ScalarBackward final : public Operator {
 public:
  explicit ScalarBackward(double s) : scalar_(s) {}
  std::string type_name() const override { return std::string("_backward") + F::name; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "output"}; }
  AttrMap attrs() const override { return {{"scalar", attr::format(scalar_)}}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T *g = in[0].data<T>(), *x = in[1].data<T>(), *y = in[2].data<T>();
          T* dx = out[0].data<T>();
          const T s = static_cast<T>(scalar_);
          for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()),
                          [&]<OpReq R, class V>(std::size_t i) {
                            host::store_req<R>(dx + i, F::grad(host::load<V>(x + i), host::broadcast<V>(s),
                                                               host::load<V>(y + i), host::load<V>(g + i)));
                          });
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::binary_grad(ctx.ctx.device_id, in[0].dtype(), F::gpu, in[0].size(), in[0].raw_data(),
                      in[1].raw_data(), nullptr, scalar_, in[2].raw_data(), out[0].raw_data(), req[0],
                      nullptr, OpReq::null);
  }
#endif

 private:
  double scalar_;
};

template <class F>
class Scalar final : public Operator {
 public:
  explicit Scalar(double s) : scalar_(s) {}
  double scalar() const { return scalar_; }
  std::string type_name() const override { return F::name; }
  std::string name_hint() const override { return F::hint; }
  AttrMap attrs() const override { return {{"scalar", attr::format(scalar_)}}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    if constexpr (std::is_same_v<F, fn::plus_scalar> || std::is_same_v<F, fn::minus_scalar>) {
      return {og[0]};
    } else {
      auto b = grad_node(std::make_shared<ScalarBackward<F>>(scalar_), n, "backward",
                         {og[0], n->inputs[0], out_entry(n)});
      return {out_entry(b)};
    }
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T* x = in[0].data<T>();
          T* y = out[0].data<T>();
          const T s = static_cast<T>(scalar_);
          for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()),
                          [&]<OpReq R, class V>(std::size_t i) {
                            host::store_req<R>(y + i, F::f(host::load<V>(x + i), host::broadcast<V>(s)));
                          });
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::binary(ctx.ctx.device_id, in[0].dtype(), F::gpu, out[0].size(), in[0].raw_data(), nullptr, scalar_,
                 out[0].raw_data(), req[0]);
  }
#endif

 private:
  double scalar_;
};

// Sum of n inputs (gradient accumulation); MXNet's add_n / ElementWiseSum.
class AddN final : public Operator {
 public:
  ~AddN() override;  // the key function: vtable and kernels are compiled with the unit
  explicit AddN(std::size_t n) : n_(n) {}
  std::string type_name() const override { return "add_n"; }
  std::string name_hint() const override { return "_grad_add"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a;
    for (std::size_t i = 0; i < n_; ++i) a.push_back("arg" + std::to_string(i));
    return a;
  }
  AttrMap attrs() const override { return {{"num_args", std::to_string(n_)}}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>& og) const override {
    return std::vector<NodeEntry>(n_, og[0]);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(out[0].dtype(), "add_n", [&](auto t) {
      using T = decltype(t);
      T* y = out[0].data<T>();
      const T* a = in[0].data<T>();
      const T* b = in[1].data<T>();
      for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(y + i, host::load<V>(a + i) + host::load<V>(b + i));
      });
      for (std::size_t k = 2; k < in.size(); ++k) {
        const T* c = in[k].data<T>();
        for_each_req<T>(
            OpReq::add, static_cast<std::size_t>(out[0].size()),
            [&]<OpReq R, class V>(std::size_t i) { host::store_req<R>(y + i, host::load<V>(c + i)); });
      }
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    std::vector<const void*> xs;
    for (const auto& a : in) xs.push_back(a.raw_data());
    cuda::sum_n(ctx.ctx.device_id, out[0].dtype(), out[0].size(), xs.data(), static_cast<int>(xs.size()),
                out[0].raw_data(), req[0]);
  }
#endif

 private:
  std::size_t n_;
};

// Copies its input (with the output's request); used to deliver a shared gradient entry.
class Copy final : public Operator {
 public:
  ~Copy() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_copy"; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>& og) const override {
    return {og[0]};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};

// Copy with a request, for any dtype and device (identity forwards and Copy use it).
inline void copy_req(const NDArray& src, const NDArray& dst, OpReq req) {
  if (req == OpReq::null) return;
  if (req == OpReq::write) {
    if (!src.same_storage(dst))
      device::copy(dst.raw_data(), dst.context(), src.raw_data(), src.context(), src.nbytes());
    return;
  }
#if SYMGRAD_WITH_CUDA
  if (dst.context().device_type == DeviceType::gpu) {
    cuda::binary(dst.context().device_id, dst.dtype(), cuda::BinaryOp::add, dst.size(), dst.raw_data(),
                 src.raw_data(), 0.0, dst.raw_data(), OpReq::write);
    return;
  }
#endif
  dispatch_dtype(src.dtype(), [&](auto t) {
    using T = decltype(t);
    const T* s = src.data<T>();
    T* d = dst.data<T>();
    for_each_req<T>(OpReq::add, static_cast<std::size_t>(src.size()), [&]<OpReq R, class V>(std::size_t i) {
      host::store_req<R>(d + i, host::load<V>(s + i));
    });
  });
}
inline void Copy::forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                          std::span<const OpReq> req) const {
  copy_req(in[0], out[0], req[0]);
}

// Fills its output with zeros (the gradient of an argument nothing flows to).
class ZerosLike final : public Operator {
 public:
  ~ZerosLike() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "zeros_like"; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    return {NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray>, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray>, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::write) device::zero(out[0].context(), out[0].raw_data(), out[0].nbytes());
  }
#endif
};

}  // namespace ops

namespace sym {

namespace detail {
template <class F>
Symbol unary(const Symbol& x, std::string_view name, const F& fn) {
  return compose(std::make_shared<ops::Unary<F>>(fn), {x}, name);
}
template <class F>
Symbol binary(const Symbol& a, const Symbol& b) {
  return compose(std::make_shared<ops::Binary<F>>(), {a, b});
}
template <class F>
Symbol scalar(const Symbol& x, double s) {
  return compose(std::make_shared<ops::Scalar<F>>(s), {x});
}
}  // namespace detail
}  // namespace sym
}  // namespace SYMGRAD_NS

// The operator classes of every listed functor are compiled with the unit; other files of a
// compiled-mode program use those (extern template), so their kernels are not compiled again.
#if defined(SYMGRAD_UNIT_OPS_ELEMWISE)
#define SYMGRAD_ELEMWISE_CLASSES(Kind, F) template class SYMGRAD_NS::ops::Kind<SYMGRAD_NS::fn::F>;
#elif !defined(SYMGRAD_HEADER_ONLY)
#define SYMGRAD_ELEMWISE_CLASSES(Kind, F) extern template class SYMGRAD_NS::ops::Kind<SYMGRAD_NS::fn::F>;
#endif
#if defined(SYMGRAD_ELEMWISE_CLASSES)
#define SYMGRAD_UNARY_CLASSES(F) SYMGRAD_ELEMWISE_CLASSES(Unary, F) SYMGRAD_ELEMWISE_CLASSES(UnaryBackward, F)
#define SYMGRAD_BINARY_CLASSES(F) \
  SYMGRAD_ELEMWISE_CLASSES(Binary, F) SYMGRAD_ELEMWISE_CLASSES(BinaryBackward, F)
#define SYMGRAD_SCALAR_CLASSES(F) \
  SYMGRAD_ELEMWISE_CLASSES(Scalar, F) SYMGRAD_ELEMWISE_CLASSES(ScalarBackward, F)
SYMGRAD_UNARY_FUNCTORS(SYMGRAD_UNARY_CLASSES)
SYMGRAD_BINARY_FUNCTORS(SYMGRAD_BINARY_CLASSES)
SYMGRAD_SCALAR_FUNCTORS(SYMGRAD_SCALAR_CLASSES)
#undef SYMGRAD_UNARY_CLASSES
#undef SYMGRAD_BINARY_CLASSES
#undef SYMGRAD_SCALAR_CLASSES
#undef SYMGRAD_ELEMWISE_CLASSES
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ELEMWISE)
namespace SYMGRAD_NS {
namespace sym {

SYMGRAD_INLINE Symbol elemwise_add(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_add>(a, b);
}
SYMGRAD_INLINE Symbol elemwise_sub(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_sub>(a, b);
}
SYMGRAD_INLINE Symbol elemwise_mul(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_mul>(a, b);
}
SYMGRAD_INLINE Symbol elemwise_div(const Symbol& a, const Symbol& b) {
  return detail::binary<fn::elemwise_div>(a, b);
}
SYMGRAD_INLINE Symbol negative(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::negative{});
}
SYMGRAD_INLINE Symbol square(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::square{});
}
SYMGRAD_INLINE Symbol sqrt(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::sqrt{});
}
SYMGRAD_INLINE Symbol exp(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::exp{});
}
SYMGRAD_INLINE Symbol log(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::log{});
}
SYMGRAD_INLINE Symbol abs(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::abs{});
}
SYMGRAD_INLINE Symbol reciprocal(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::reciprocal{});
}
SYMGRAD_INLINE Symbol rsqrt(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::rsqrt{});
}
SYMGRAD_INLINE Symbol log1p(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::log1p{});
}
SYMGRAD_INLINE Symbol expm1(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::expm1{});
}
SYMGRAD_INLINE Symbol sin(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::sin{});
}
SYMGRAD_INLINE Symbol cos(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::cos{});
}
SYMGRAD_INLINE Symbol sign(const Symbol& x, std::string_view name) {
  return detail::unary(x, name, fn::sign{});
}
// clip(x, a_min, a_max): values limited to [a_min, a_max].
SYMGRAD_INLINE Symbol clip(const Symbol& x, double a_min, double a_max, std::string_view name) {
  if (!(a_min <= a_max))
    throw ValueError("clip: a_min (" + attr::format(a_min) + ") must not exceed a_max (" +
                     attr::format(a_max) + ")");
  return detail::unary(x, name, fn::clip{a_min, a_max});
}
// Elementwise maximum, minimum and power of two equally shaped symbols, or of a symbol and a
// scalar (_maximum_scalar ...).
SYMGRAD_INLINE Symbol maximum(const Symbol& a, const Symbol& b) { return detail::binary<fn::maximum>(a, b); }
SYMGRAD_INLINE Symbol minimum(const Symbol& a, const Symbol& b) { return detail::binary<fn::minimum>(a, b); }
SYMGRAD_INLINE Symbol power(const Symbol& a, const Symbol& b) { return detail::binary<fn::power>(a, b); }
SYMGRAD_INLINE Symbol maximum(const Symbol& a, double s) { return detail::scalar<fn::maximum_scalar>(a, s); }
SYMGRAD_INLINE Symbol maximum(double s, const Symbol& a) { return detail::scalar<fn::maximum_scalar>(a, s); }
SYMGRAD_INLINE Symbol minimum(const Symbol& a, double s) { return detail::scalar<fn::minimum_scalar>(a, s); }
SYMGRAD_INLINE Symbol minimum(double s, const Symbol& a) { return detail::scalar<fn::minimum_scalar>(a, s); }
SYMGRAD_INLINE Symbol power(const Symbol& a, double s) { return detail::scalar<fn::power_scalar>(a, s); }
SYMGRAD_INLINE Symbol power(double s, const Symbol& a) { return detail::scalar<fn::rpower_scalar>(a, s); }

}  // namespace sym

SYMGRAD_INLINE Symbol operator+(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_add>(a, b);
}
SYMGRAD_INLINE Symbol operator-(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_sub>(a, b);
}
SYMGRAD_INLINE Symbol operator*(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_mul>(a, b);
}
SYMGRAD_INLINE Symbol operator/(const Symbol& a, const Symbol& b) {
  return sym::detail::binary<fn::elemwise_div>(a, b);
}
SYMGRAD_INLINE Symbol operator+(const Symbol& a, double s) {
  return sym::detail::scalar<fn::plus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator-(const Symbol& a, double s) {
  return sym::detail::scalar<fn::minus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator*(const Symbol& a, double s) {
  return sym::detail::scalar<fn::mul_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator/(const Symbol& a, double s) {
  return sym::detail::scalar<fn::div_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator+(double s, const Symbol& a) {
  return sym::detail::scalar<fn::plus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator-(double s, const Symbol& a) {
  return sym::detail::scalar<fn::rminus_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator*(double s, const Symbol& a) {
  return sym::detail::scalar<fn::mul_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator/(double s, const Symbol& a) {
  return sym::detail::scalar<fn::rdiv_scalar>(a, s);
}
SYMGRAD_INLINE Symbol operator-(const Symbol& a) { return sym::detail::unary(a, {}, fn::negative{}); }

}  // namespace SYMGRAD_NS
#endif

// The elementwise node makers, compiled for every listed functor.
#if defined(SYMGRAD_UNIT_OPS_ELEMWISE)
namespace SYMGRAD_NS::sym::detail {
#define SYMGRAD_INSTANTIATE_UNARY(F) \
  template Symbol unary<fn::F>(const Symbol&, std::string_view, const fn::F&);
#define SYMGRAD_INSTANTIATE_BINARY(F) template Symbol binary<fn::F>(const Symbol&, const Symbol&);
#define SYMGRAD_INSTANTIATE_SCALAR(F) template Symbol scalar<fn::F>(const Symbol&, double);
SYMGRAD_UNARY_FUNCTORS(SYMGRAD_INSTANTIATE_UNARY)
SYMGRAD_BINARY_FUNCTORS(SYMGRAD_INSTANTIATE_BINARY)
SYMGRAD_SCALAR_FUNCTORS(SYMGRAD_INSTANTIATE_SCALAR)
#undef SYMGRAD_INSTANTIATE_UNARY
#undef SYMGRAD_INSTANTIATE_BINARY
#undef SYMGRAD_INSTANTIATE_SCALAR
}  // namespace SYMGRAD_NS::sym::detail
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
template <class F>
OpPtr scalar(const AttrMap& m, std::size_t) {
  attr::Reader r(F::name, m);
  double s = 0;
  if (!r.find("scalar"))
    throw ValueError(std::string(F::name) + ": the required attribute 'scalar' is missing");
  r.get("scalar", s);
  bool is_int = false;  // MXNet 1.9 writes it; the value of `scalar` says everything needed
  r.get("is_int", is_int);
  r.finish();
  return std::make_shared<Scalar<F>>(s);
}
inline OpPtr clip(const AttrMap& m, std::size_t) {
  attr::Reader r("clip", m);
  fn::clip c;
  if (!r.find("a_min") || !r.find("a_max"))
    throw ValueError("clip: the attributes 'a_min' and 'a_max' are required");
  r.get("a_min", c.a_min);
  r.get("a_max", c.a_max);
  r.finish();
  return std::make_shared<Unary<fn::clip>>(c);
}
inline OpPtr add_n(const AttrMap& m, std::size_t n) {
  attr::Reader r("add_n", m);
  std::int64_t k = static_cast<std::int64_t>(n);
  r.get("num_args", k);
  r.finish();
  if (k < 1 || static_cast<std::size_t>(k) != n)
    throw ValueError("add_n: num_args=" + std::to_string(k) + " but the node has " + std::to_string(n) +
                     " inputs");
  return std::make_shared<AddN>(n);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ELEMWISE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_elemwise(OpTable& t) {
  t["elemwise_add"] = reg::plain<Binary<fn::elemwise_add>>;
  t["_plus"] = reg::plain<Binary<fn::elemwise_add>>;
  t["_Plus"] = reg::plain<Binary<fn::elemwise_add>>;
  t["elemwise_sub"] = reg::plain<Binary<fn::elemwise_sub>>;
  t["_minus"] = reg::plain<Binary<fn::elemwise_sub>>;
  t["_Minus"] = reg::plain<Binary<fn::elemwise_sub>>;
  t["elemwise_mul"] = reg::plain<Binary<fn::elemwise_mul>>;
  t["_mul"] = reg::plain<Binary<fn::elemwise_mul>>;
  t["_Mul"] = reg::plain<Binary<fn::elemwise_mul>>;
  t["elemwise_div"] = reg::plain<Binary<fn::elemwise_div>>;
  t["_div"] = reg::plain<Binary<fn::elemwise_div>>;
  t["_Div"] = reg::plain<Binary<fn::elemwise_div>>;
  t["_plus_scalar"] = reg::scalar<fn::plus_scalar>;
  t["_PlusScalar"] = reg::scalar<fn::plus_scalar>;
  t["_minus_scalar"] = reg::scalar<fn::minus_scalar>;
  t["_MinusScalar"] = reg::scalar<fn::minus_scalar>;
  t["_rminus_scalar"] = reg::scalar<fn::rminus_scalar>;
  t["_RMinusScalar"] = reg::scalar<fn::rminus_scalar>;
  t["_mul_scalar"] = reg::scalar<fn::mul_scalar>;
  t["_MulScalar"] = reg::scalar<fn::mul_scalar>;
  t["_div_scalar"] = reg::scalar<fn::div_scalar>;
  t["_DivScalar"] = reg::scalar<fn::div_scalar>;
  t["_rdiv_scalar"] = reg::scalar<fn::rdiv_scalar>;
  t["_RDivScalar"] = reg::scalar<fn::rdiv_scalar>;
  t["negative"] = reg::plain<Unary<fn::negative>>;
  t["square"] = reg::plain<Unary<fn::square>>;
  t["sqrt"] = reg::plain<Unary<fn::sqrt>>;
  t["exp"] = reg::plain<Unary<fn::exp>>;
  t["log"] = reg::plain<Unary<fn::log>>;
  t["abs"] = reg::plain<Unary<fn::abs>>;
  t["relu"] = reg::plain<Unary<fn::relu>>;
  t["sigmoid"] = reg::plain<Unary<fn::sigmoid>>;
  t["tanh"] = reg::plain<Unary<fn::tanh>>;
  t["reciprocal"] = reg::plain<Unary<fn::reciprocal>>;
  t["rsqrt"] = reg::plain<Unary<fn::rsqrt>>;
  t["log1p"] = reg::plain<Unary<fn::log1p>>;
  t["expm1"] = reg::plain<Unary<fn::expm1>>;
  t["sin"] = reg::plain<Unary<fn::sin>>;
  t["cos"] = reg::plain<Unary<fn::cos>>;
  t["sign"] = reg::plain<Unary<fn::sign>>;
  t["clip"] = reg::clip;
  t["_maximum"] = reg::plain<Binary<fn::maximum>>;
  t["_Maximum"] = reg::plain<Binary<fn::maximum>>;
  t["_minimum"] = reg::plain<Binary<fn::minimum>>;
  t["_Minimum"] = reg::plain<Binary<fn::minimum>>;
  t["_power"] = reg::plain<Binary<fn::power>>;
  t["_Power"] = reg::plain<Binary<fn::power>>;
  t["_maximum_scalar"] = reg::scalar<fn::maximum_scalar>;
  t["_MaximumScalar"] = reg::scalar<fn::maximum_scalar>;
  t["_minimum_scalar"] = reg::scalar<fn::minimum_scalar>;
  t["_MinimumScalar"] = reg::scalar<fn::minimum_scalar>;
  t["_power_scalar"] = reg::scalar<fn::power_scalar>;
  t["_PowerScalar"] = reg::scalar<fn::power_scalar>;
  t["_rpower_scalar"] = reg::scalar<fn::rpower_scalar>;
  t["_RPowerScalar"] = reg::scalar<fn::rpower_scalar>;
  t["add_n"] = reg::add_n;
  t["ElementWiseSum"] = reg::add_n;
  t["_copy"] = reg::plain<Copy>;
  t["zeros_like"] = reg::plain<ZerosLike>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ELEMWISE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE AddN::~AddN() = default;
SYMGRAD_INLINE Copy::~Copy() = default;
SYMGRAD_INLINE ZerosLike::~ZerosLike() = default;
}  // namespace SYMGRAD_NS::ops
#endif
