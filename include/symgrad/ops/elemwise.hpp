// Elementwise operators over equal shapes: unary math (negative, square, sqrt, exp, log, abs),
// binary (elemwise_add/sub/mul/div, what + - * / make), and the scalar forms (x + 2, 1 / x).
// Shape rule: every input and the output have one shape (inferred both ways).
// Gradient: the functor's derivative (functors.hpp), one backward kernel per operator.
#pragma once
#include <memory>

#include "../symbol/compose.hpp"
#include "functors.hpp"
#include "operator.hpp"

namespace symgrad {
namespace ops {

template <class T, class Body>
void for_each_req(OpReq req, std::size_t n, Body&& body) {
  host::with_req(req, [&](auto R) {
    host::elementwise<T>(n, [&](std::size_t i, auto v) {
      body.template operator()<decltype(R)::value, typename decltype(v)::type>(i);
    });
  });
}

// clip's bounds for the CUDA kernels (unused by the other functions).
template <class F>
std::pair<double, double> functor_bounds(const F& f) {
  if constexpr (requires { f.a_min; }) return {f.a_min, f.a_max};
  else return {0.0, 0.0};
}

// Attributes of a parameterised functor (clip's a_min, a_max); none for the others.
template <class F>
AttrMap functor_attrs(const F& f) {
  if constexpr (requires { f.attrs(); }) return f.attrs();
  else return {};
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
    dispatch_float(in[0].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T *g = in[0].data<T>(), *x = in[1].data<T>(), *y = in[2].data<T>();
      T* dx = out[0].data<T>();
      for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(dx + i, fn_.grad(host::load<V>(x + i), host::load<V>(y + i), host::load<V>(g + i)));
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    auto [lo, hi] = functor_bounds(fn_);
    cuda::unary_grad(ctx.ctx.device_id, in[0].dtype(), F::gpu, out[0].size(), in[0].raw_data(), in[1].raw_data(),
                     in[2].raw_data(), out[0].raw_data(), req[0], lo, hi);
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
    dispatch_float(in[0].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(y + i, fn_.f(host::load<V>(x + i)));
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    auto [lo, hi] = functor_bounds(fn_);
    cuda::unary(ctx.ctx.device_id, in[0].dtype(), F::gpu, out[0].size(), in[0].raw_data(), out[0].raw_data(), req[0],
                lo, hi);
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
    dispatch_float(in[0].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T *g = in[0].data<T>(), *a = in[1].data<T>(), *b = in[2].data<T>(), *y = in[3].data<T>();
      std::size_t n = static_cast<std::size_t>(in[0].size());
      if (req[0] != OpReq::null) {
        T* da = out[0].data<T>();
        for_each_req<T>(req[0], n, [&]<OpReq R, class V>(std::size_t i) {
          host::store_req<R>(da + i, F::grad_a(host::load<V>(a + i), host::load<V>(b + i), host::load<V>(y + i), host::load<V>(g + i)));
        });
      }
      if (req[1] != OpReq::null) {
        T* db = out[1].data<T>();
        for_each_req<T>(req[1], n, [&]<OpReq R, class V>(std::size_t i) {
          host::store_req<R>(db + i, F::grad_b(host::load<V>(a + i), host::load<V>(b + i), host::load<V>(y + i), host::load<V>(g + i)));
        });
      }
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::binary_grad(ctx.ctx.device_id, in[0].dtype(), F::gpu, in[0].size(), in[0].raw_data(), in[1].raw_data(),
                      in[2].raw_data(), 0.0, in[3].raw_data(), req[0] == OpReq::null ? nullptr : out[0].raw_data(), req[0],
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
    dispatch_float(in[0].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T *a = in[0].data<T>(), *b = in[1].data<T>();
      T* y = out[0].data<T>();
      for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(y + i, F::f(host::load<V>(a + i), host::load<V>(b + i)));
      });
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::binary(ctx.ctx.device_id, in[0].dtype(), F::gpu, out[0].size(), in[0].raw_data(), in[1].raw_data(), 0.0,
                 out[0].raw_data(), req[0]);
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
    dispatch_float(in[0].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T *g = in[0].data<T>(), *x = in[1].data<T>(), *y = in[2].data<T>();
      T* dx = out[0].data<T>();
      const T s = static_cast<T>(scalar_);
      for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(dx + i, F::grad(host::load<V>(x + i), host::broadcast<V>(s), host::load<V>(y + i), host::load<V>(g + i)));
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::binary_grad(ctx.ctx.device_id, in[0].dtype(), F::gpu, in[0].size(), in[0].raw_data(), in[1].raw_data(),
                      nullptr, scalar_, in[2].raw_data(), out[0].raw_data(), req[0], nullptr, OpReq::null);
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
    dispatch_float(in[0].dtype(), [this] { return type_name(); }, [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      const T s = static_cast<T>(scalar_);
      for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
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
        for_each_req<T>(OpReq::add, static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
          host::store_req<R>(y + i, host::load<V>(c + i));
        });
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
    if (!src.same_storage(dst)) device::copy(dst.raw_data(), dst.context(), src.raw_data(), src.context(), src.nbytes());
    return;
  }
#if SYMGRAD_WITH_CUDA
  if (dst.context().device_type == DeviceType::gpu) {
    cuda::binary(dst.context().device_id, dst.dtype(), cuda::BinaryOp::add, dst.size(), dst.raw_data(), src.raw_data(),
                 0.0, dst.raw_data(), OpReq::write);
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
Symbol unary(const Symbol& x, std::string_view name = {}, F fn = {}) {
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


inline Symbol elemwise_add(const Symbol& a, const Symbol& b) { return detail::binary<fn::elemwise_add>(a, b); }
inline Symbol elemwise_sub(const Symbol& a, const Symbol& b) { return detail::binary<fn::elemwise_sub>(a, b); }
inline Symbol elemwise_mul(const Symbol& a, const Symbol& b) { return detail::binary<fn::elemwise_mul>(a, b); }
inline Symbol elemwise_div(const Symbol& a, const Symbol& b) { return detail::binary<fn::elemwise_div>(a, b); }
inline Symbol negative(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::negative>(x, name); }
inline Symbol square(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::square>(x, name); }
inline Symbol sqrt(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::sqrt>(x, name); }
inline Symbol exp(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::exp>(x, name); }
inline Symbol log(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::log>(x, name); }
inline Symbol abs(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::abs>(x, name); }
inline Symbol reciprocal(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::reciprocal>(x, name); }
inline Symbol rsqrt(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::rsqrt>(x, name); }
inline Symbol log1p(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::log1p>(x, name); }
inline Symbol expm1(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::expm1>(x, name); }
inline Symbol sin(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::sin>(x, name); }
inline Symbol cos(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::cos>(x, name); }
inline Symbol sign(const Symbol& x, std::string_view name = {}) { return detail::unary<fn::sign>(x, name); }
// clip(x, a_min, a_max): values limited to [a_min, a_max].
inline Symbol clip(const Symbol& x, double a_min, double a_max, std::string_view name = {}) {
  if (!(a_min <= a_max))
    throw ValueError("clip: a_min (" + attr::format(a_min) + ") must not exceed a_max (" + attr::format(a_max) + ")");
  return detail::unary<fn::clip>(x, name, fn::clip{a_min, a_max});
}
// Elementwise maximum, minimum and power of two equally shaped symbols, or of a symbol and a
// scalar (_maximum_scalar ...).
inline Symbol maximum(const Symbol& a, const Symbol& b) { return detail::binary<fn::maximum>(a, b); }
inline Symbol minimum(const Symbol& a, const Symbol& b) { return detail::binary<fn::minimum>(a, b); }
inline Symbol power(const Symbol& a, const Symbol& b) { return detail::binary<fn::power>(a, b); }
inline Symbol maximum(const Symbol& a, double s) { return detail::scalar<fn::maximum_scalar>(a, s); }
inline Symbol maximum(double s, const Symbol& a) { return detail::scalar<fn::maximum_scalar>(a, s); }
inline Symbol minimum(const Symbol& a, double s) { return detail::scalar<fn::minimum_scalar>(a, s); }
inline Symbol minimum(double s, const Symbol& a) { return detail::scalar<fn::minimum_scalar>(a, s); }
inline Symbol power(const Symbol& a, double s) { return detail::scalar<fn::power_scalar>(a, s); }
inline Symbol power(double s, const Symbol& a) { return detail::scalar<fn::rpower_scalar>(a, s); }

}  // namespace sym

// Arithmetic between symbols and with scalars (in the Symbol's namespace, found by ADL).
inline Symbol operator+(const Symbol& a, const Symbol& b) { return sym::detail::binary<fn::elemwise_add>(a, b); }
inline Symbol operator-(const Symbol& a, const Symbol& b) { return sym::detail::binary<fn::elemwise_sub>(a, b); }
inline Symbol operator*(const Symbol& a, const Symbol& b) { return sym::detail::binary<fn::elemwise_mul>(a, b); }
inline Symbol operator/(const Symbol& a, const Symbol& b) { return sym::detail::binary<fn::elemwise_div>(a, b); }
inline Symbol operator+(const Symbol& a, double s) { return sym::detail::scalar<fn::plus_scalar>(a, s); }
inline Symbol operator-(const Symbol& a, double s) { return sym::detail::scalar<fn::minus_scalar>(a, s); }
inline Symbol operator*(const Symbol& a, double s) { return sym::detail::scalar<fn::mul_scalar>(a, s); }
inline Symbol operator/(const Symbol& a, double s) { return sym::detail::scalar<fn::div_scalar>(a, s); }
inline Symbol operator+(double s, const Symbol& a) { return sym::detail::scalar<fn::plus_scalar>(a, s); }
inline Symbol operator-(double s, const Symbol& a) { return sym::detail::scalar<fn::rminus_scalar>(a, s); }
inline Symbol operator*(double s, const Symbol& a) { return sym::detail::scalar<fn::mul_scalar>(a, s); }
inline Symbol operator/(double s, const Symbol& a) { return sym::detail::scalar<fn::rdiv_scalar>(a, s); }
inline Symbol operator-(const Symbol& a) { return sym::detail::unary<fn::negative>(a); }

}  // namespace symgrad
