// Operators and kernels of ops/math_unary.hpp.
#pragma once
#include <cmath>
#include <memory>
#include <numbers>
#include <span>
#include <string>
#include <utility>

#include "math_unary.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

namespace math {
// Each function: its MXNet name, f(x), and grad(x, dy) unless its gradient is zero (`step`).
struct Erf {
  static constexpr const char* name = "erf";
  static constexpr bool step = false;
  AttrMap attrs() const { return {}; }
  template <class T>
  T f(T x) const {
    return std::erf(x);
  }
  template <class T>
  T grad(T x, T g) const {
    return g * T(2 / std::sqrt(std::numbers::pi)) * std::exp(-x * x);
  }
};
// The rounding functions: zero gradient.
template <class Fn>
struct Step {
  static constexpr bool step = true;
  AttrMap attrs() const { return {}; }
  template <class T>
  T f(T x) const {
    return Fn::f(x);
  }
  template <class T>
  T grad(T, T) const {
    return T(0);
  }
};
struct Floor : Step<Floor> {
  static constexpr const char* name = "floor";
  template <class T>
  static T f(T x) {
    return std::floor(x);
  }
};
struct Ceil : Step<Ceil> {
  static constexpr const char* name = "ceil";
  template <class T>
  static T f(T x) {
    return std::ceil(x);
  }
};
struct Round : Step<Round> {
  static constexpr const char* name = "round";
  template <class T>
  static T f(T x) {
    return std::round(x);
  }
};
struct Rint : Step<Rint> {
  static constexpr const char* name = "rint";
  template <class T>
  static T f(T x) {
    const T lo = std::floor(x), hi = std::ceil(x);  // MXNet's rint: a tie goes down
    return x - lo <= hi - x ? lo : hi;
  }
};
struct Trunc : Step<Trunc> {
  static constexpr const char* name = "trunc";
  template <class T>
  static T f(T x) {
    return std::trunc(x);
  }
};
struct Fix : Step<Fix> {
  static constexpr const char* name = "fix";
  template <class T>
  static T f(T x) {
    return std::trunc(x);
  }
};
struct SmoothL1 {
  static constexpr const char* name = "smooth_l1";
  static constexpr bool step = false;
  double sigma = 1.0;
  AttrMap attrs() const { return {{"scalar", attr::format(sigma)}}; }
  template <class T>
  T f(T x) const {
    const T s2 = T(sigma * sigma);
    if (x > T(1) / s2) return x - T(0.5) / s2;
    if (x < T(-1) / s2) return -x - T(0.5) / s2;
    return T(0.5) * x * x * s2;
  }
  template <class T>
  T grad(T x, T g) const {
    const T s2 = T(sigma * sigma);
    if (x > T(1) / s2) return g;
    if (x < T(-1) / s2) return -g;
    return g * s2 * x;
  }
};
struct HardSigmoid {
  static constexpr const char* name = "hard_sigmoid";
  static constexpr bool step = false;
  double alpha = 0.2, beta = 0.5;
  AttrMap attrs() const {
    AttrMap m;
    if (alpha != 0.2) m["alpha"] = attr::format(alpha);
    if (beta != 0.5) m["beta"] = attr::format(beta);
    return m;
  }
  template <class T>
  T f(T x) const {
    const T v = T(alpha) * x + T(beta);
    return v < T(0) ? T(0) : (v > T(1) ? T(1) : v);
  }
  template <class T>
  T grad(T x, T g) const {
    const T v = T(alpha) * x + T(beta);
    return v > T(0) && v < T(1) ? g * T(alpha) : T(0);
  }
};

// dst = body(i) for every element, float32 or float64, with dst's request.
template <class Body>
void each_value(const char* who, const NDArray& dst, OpReq req, Body&& body) {
  if (req == OpReq::null) return;
  dispatch_float(dst.dtype(), who, [&](auto t) {
    using T = decltype(t);
    T* d = dst.data<T>();
    const std::int64_t n = dst.size();
    if (req == OpReq::add)
      for (std::int64_t i = 0; i < n; ++i) d[i] += body(T{}, i);
    else
      for (std::int64_t i = 0; i < n; ++i) d[i] = body(T{}, i);
  });
}
}  // namespace math

// _backward_<name>(ograd, data): f'(x)·dy.
template <class F>
class MathUnaryBackward final : public Operator {
 public:
  explicit MathUnaryBackward(F f) : fn_(std::move(f)) {}
  std::string type_name() const override { return std::string("_backward_") + F::name; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  AttrMap attrs() const override { return fn_.attrs(); }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    math::each_value(F::name, out[0], req[0], [&](auto t, std::int64_t i) {
      using T = decltype(t);
      return fn_.grad(in[1].data<T>()[i], in[0].data<T>()[i]);
    });
  }

 private:
  F fn_;
};

template <class F>
class MathUnary final : public Operator {
 public:
  explicit MathUnary(F f = {}) : fn_(std::move(f)) {}
  std::string type_name() const override { return F::name; }
  AttrMap attrs() const override { return fn_.attrs(); }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  // The rounding functions pass no gradient: zeros where one is asked for (MXNet's is zero).
  bool differentiable(std::size_t) const override { return !F::step; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    if constexpr (F::step)
      return {NodeEntry{}};
    else
      return {out_entry(
          grad_node(std::make_shared<MathUnaryBackward<F>>(fn_), n, "backward", {og[0], n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    math::each_value(F::name, out[0], req[0], [&](auto t, std::int64_t i) {
      using T = decltype(t);
      return fn_.f(in[0].data<T>()[i]);
    });
  }

 private:
  F fn_;
};

namespace reg {
inline OpPtr smooth_l1(const AttrMap& m, std::size_t) {
  attr::Reader r("smooth_l1", m);
  math::SmoothL1 f;
  r.get("scalar", f.sigma);
  r.finish();
  if (!(f.sigma > 0) || !std::isfinite(f.sigma))
    throw ValueError("smooth_l1: scalar (sigma) must be positive and finite, got " + attr::format(f.sigma));
  return std::make_shared<MathUnary<math::SmoothL1>>(f);
}
inline OpPtr hard_sigmoid(const AttrMap& m, std::size_t) {
  attr::Reader r("hard_sigmoid", m);
  math::HardSigmoid f;
  r.get("alpha", f.alpha);
  r.get("beta", f.beta);
  r.finish();
  if (!std::isfinite(f.alpha) || !std::isfinite(f.beta))
    throw ValueError("hard_sigmoid: alpha and beta must be finite, got alpha=" + attr::format(f.alpha) +
                     ", beta=" + attr::format(f.beta));
  return std::make_shared<MathUnary<math::HardSigmoid>>(f);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_MATH_UNARY)
namespace SYMGRAD_NS::sym {
namespace detail {
template <class F>
Symbol math_unary(const Symbol& x, F f, std::string_view name) {
  return compose(std::make_shared<ops::MathUnary<F>>(std::move(f)), {x}, name);
}
}  // namespace detail
SYMGRAD_INLINE Symbol erf(const Symbol& x, std::string_view name) {
  return detail::math_unary(x, ops::math::Erf{}, name);
}
SYMGRAD_INLINE Symbol floor(const Symbol& x, std::string_view name) {
  return detail::math_unary(x, ops::math::Floor{}, name);
}
SYMGRAD_INLINE Symbol ceil(const Symbol& x, std::string_view name) {
  return detail::math_unary(x, ops::math::Ceil{}, name);
}
SYMGRAD_INLINE Symbol round(const Symbol& x, std::string_view name) {
  return detail::math_unary(x, ops::math::Round{}, name);
}
SYMGRAD_INLINE Symbol rint(const Symbol& x, std::string_view name) {
  return detail::math_unary(x, ops::math::Rint{}, name);
}
SYMGRAD_INLINE Symbol trunc(const Symbol& x, std::string_view name) {
  return detail::math_unary(x, ops::math::Trunc{}, name);
}
SYMGRAD_INLINE Symbol fix(const Symbol& x, std::string_view name) {
  return detail::math_unary(x, ops::math::Fix{}, name);
}
SYMGRAD_INLINE Symbol smooth_l1(const Symbol& x, double scalar, std::string_view name) {
  if (!(scalar > 0) || !std::isfinite(scalar))
    throw ValueError("smooth_l1: scalar (sigma) must be positive and finite, got " + attr::format(scalar));
  return detail::math_unary(x, ops::math::SmoothL1{scalar}, name);
}
SYMGRAD_INLINE Symbol hard_sigmoid(const Symbol& x, const HardSigmoidOptions& o) {
  if (!std::isfinite(o.alpha) || !std::isfinite(o.beta))
    throw ValueError("hard_sigmoid: alpha and beta must be finite");
  return detail::math_unary(x, ops::math::HardSigmoid{o.alpha, o.beta}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_math_unary(OpTable& t) {
  t["erf"] = reg::plain<MathUnary<math::Erf>>;
  t["floor"] = reg::plain<MathUnary<math::Floor>>;
  t["ceil"] = reg::plain<MathUnary<math::Ceil>>;
  t["round"] = reg::plain<MathUnary<math::Round>>;
  t["rint"] = reg::plain<MathUnary<math::Rint>>;
  t["trunc"] = reg::plain<MathUnary<math::Trunc>>;
  t["fix"] = reg::plain<MathUnary<math::Fix>>;
  t["smooth_l1"] = reg::smooth_l1;
  t["hard_sigmoid"] = reg::hard_sigmoid;
}
}  // namespace SYMGRAD_NS::ops
#endif
