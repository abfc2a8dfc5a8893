// Elementwise operators (ops/elemwise.hpp): Unary, Binary, Scalar and their backward
// operators over the functors (add_n, _copy and zeros_like: ops/add_n-inl.hpp).
#pragma once
#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "../cpu/simd.hpp"
#include "add_n-inl.hpp"
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

// dst = body(values of srcs...) element by element for float32 and float64, with dst's request:
// body gets the loaded values (an xsimd batch in the main loop, a scalar in the tail).
template <class Name, class Body, class... Src>
void map_float(const Name& who, const NDArray& dst, OpReq req, Body&& body, const Src&... src) {
  if (req == OpReq::null) return;
  dispatch_float(dst.dtype(), who, [&](auto t) {
    using T = decltype(t);
    T* d = dst.data<T>();
    const std::array<const T*, sizeof...(Src)> p{src.template data<T>()...};
    for_each_req<T>(req, static_cast<std::size_t>(dst.size()), [&]<OpReq R, class V>(std::size_t i) {
      [&]<std::size_t... k>(std::index_sequence<k...>) {
        host::store_req<R>(d + i, body(host::load<V>(p[k] + i)...));
      }
      (std::index_sequence_for<Src...>{});
    });
  });
}
// The scalar s as a value of x's type (batch or scalar).
template <class V>
V splat_like(const V&, double s) {
  return V(static_cast<fn::scalar_of<V>>(s));
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
    map_float([this] { return type_name(); }, out[0], req[0],
              [&](auto g, auto x, auto y) { return fn_.grad(x, y, g); }, in[0], in[1], in[2]);
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
    map_float([this] { return type_name(); }, out[0], req[0], [&](auto x) { return fn_.f(x); }, in[0]);
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
    auto name = [this] { return type_name(); };
    map_float(
        name, out[0], req[0], [](auto g, auto a, auto b, auto y) { return F::grad_a(a, b, y, g); }, in[0],
        in[1], in[2], in[3]);
    map_float(
        name, out[1], req[1], [](auto g, auto a, auto b, auto y) { return F::grad_b(a, b, y, g); }, in[0],
        in[1], in[2], in[3]);
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
    map_float([this] { return type_name(); }, out[0], req[0], [](auto a, auto b) { return F::f(a, b); },
              in[0], in[1]);
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
    map_float([this] { return type_name(); }, out[0], req[0],
              [&](auto g, auto x, auto y) { return F::grad(x, splat_like(x, scalar_), y, g); }, in[0], in[1],
              in[2]);
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
    map_float([this] { return type_name(); }, out[0], req[0],
              [&](auto x) { return F::f(x, splat_like(x, scalar_)); }, in[0]);
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

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
// Each name of `names` made by factory F; each unary functor's operator under the functor's name.
template <OpFactory F>
void add_names(OpTable& t, std::initializer_list<const char*> names) {
  for (const char* n : names) t[n] = F;
}
template <class... F>
void add_unary(OpTable& t) {
  ((t[F::name] = plain<Unary<F>>), ...);
}
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
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ELEMWISE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_elemwise(OpTable& t) {
  using reg::add_names;
  reg::add_unary<fn::negative, fn::square, fn::sqrt, fn::exp, fn::log, fn::abs, fn::relu, fn::sigmoid,
                 fn::tanh, fn::reciprocal, fn::rsqrt, fn::log1p, fn::expm1, fn::sin, fn::cos, fn::sign>(t);
  add_names<reg::plain<Binary<fn::elemwise_add>>>(t, {"elemwise_add", "_plus", "_Plus"});
  add_names<reg::plain<Binary<fn::elemwise_sub>>>(t, {"elemwise_sub", "_minus", "_Minus"});
  add_names<reg::plain<Binary<fn::elemwise_mul>>>(t, {"elemwise_mul", "_mul", "_Mul"});
  add_names<reg::plain<Binary<fn::elemwise_div>>>(t, {"elemwise_div", "_div", "_Div"});
  add_names<reg::scalar<fn::plus_scalar>>(t, {"_plus_scalar", "_PlusScalar"});
  add_names<reg::scalar<fn::minus_scalar>>(t, {"_minus_scalar", "_MinusScalar"});
  add_names<reg::scalar<fn::rminus_scalar>>(t, {"_rminus_scalar", "_RMinusScalar"});
  add_names<reg::scalar<fn::mul_scalar>>(t, {"_mul_scalar", "_MulScalar"});
  add_names<reg::scalar<fn::div_scalar>>(t, {"_div_scalar", "_DivScalar"});
  add_names<reg::scalar<fn::rdiv_scalar>>(t, {"_rdiv_scalar", "_RDivScalar"});
  t["clip"] = reg::clip;
  add_names<reg::plain<Binary<fn::maximum>>>(t, {"_maximum", "_Maximum"});
  add_names<reg::plain<Binary<fn::minimum>>>(t, {"_minimum", "_Minimum"});
  add_names<reg::plain<Binary<fn::power>>>(t, {"_power", "_Power"});
  add_names<reg::scalar<fn::maximum_scalar>>(t, {"_maximum_scalar", "_MaximumScalar"});
  add_names<reg::scalar<fn::minimum_scalar>>(t, {"_minimum_scalar", "_MinimumScalar"});
  add_names<reg::scalar<fn::power_scalar>>(t, {"_power_scalar", "_PowerScalar"});
  add_names<reg::scalar<fn::rpower_scalar>>(t, {"_rpower_scalar", "_RPowerScalar"});
  t["_equal"] = reg::plain<Binary<fn::equal>>;
  t["_equal_scalar"] = reg::scalar<fn::equal_scalar>;
  t["_not_equal"] = reg::plain<Binary<fn::not_equal>>;
  t["_not_equal_scalar"] = reg::scalar<fn::not_equal_scalar>;
  t["_greater"] = reg::plain<Binary<fn::greater>>;
  t["_greater_scalar"] = reg::scalar<fn::greater_scalar>;
  t["_greater_equal"] = reg::plain<Binary<fn::greater_equal>>;
  t["_greater_equal_scalar"] = reg::scalar<fn::greater_equal_scalar>;
  t["_lesser"] = reg::plain<Binary<fn::lesser>>;
  t["_lesser_scalar"] = reg::scalar<fn::lesser_scalar>;
  t["_lesser_equal"] = reg::plain<Binary<fn::lesser_equal>>;
  t["_lesser_equal_scalar"] = reg::scalar<fn::lesser_equal_scalar>;
}
}  // namespace SYMGRAD_NS::ops
#endif
