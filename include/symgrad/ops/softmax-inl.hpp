// Operators and kernels of ops/softmax.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <span>

#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "softmax.hpp"

namespace SYMGRAD_NS::ops {

inline SoftmaxGeometry axis_geometry(const Shape& s, int ax) {
  SoftmaxGeometry g;
  g.n = s[ax];
  for (int d = 0; d < ax; ++d) g.outer *= s[d];
  for (int d = ax + 1; d < s.ndim(); ++d) g.inner *= s[d];
  return g;
}

// y = softmax(x / t) (or its log) along the geometry's axis.
template <class T>
void softmax_forward(const SoftmaxGeometry& g, const T* x, T* y, double t, bool log, OpReq req) {
  const T inv_t = static_cast<T>(1.0 / t);
  for (std::int64_t o = 0; o < g.outer; ++o)
    for (std::int64_t i = 0; i < g.inner; ++i) {
      const T* xs = x + o * g.n * g.inner + i;
      T* ys = y + o * g.n * g.inner + i;
      T m = xs[0];
      for (std::int64_t k = 1; k < g.n; ++k) m = std::max(m, xs[k * g.inner]);
      T sum = 0;
      for (std::int64_t k = 0; k < g.n; ++k) sum += std::exp((xs[k * g.inner] - m) * inv_t);
      const T lse = std::log(sum);
      for (std::int64_t k = 0; k < g.n; ++k) {
        T z = (xs[k * g.inner] - m) * inv_t;
        T v = log ? z - lse : std::exp(z - lse);
        T& dst = ys[k * g.inner];
        dst = req == OpReq::add ? dst + v : v;
      }
    }
}

template <class T>
void softmax_backward(const SoftmaxGeometry& g, const T* dy, const T* y, T* dx, double t, bool log,
                      OpReq req) {
  const T inv_t = static_cast<T>(1.0 / t);
  for (std::int64_t o = 0; o < g.outer; ++o)
    for (std::int64_t i = 0; i < g.inner; ++i) {
      const std::int64_t base = o * g.n * g.inner + i;
      T s = 0;
      for (std::int64_t k = 0; k < g.n; ++k) {
        const std::int64_t j = base + k * g.inner;
        s += log ? dy[j] : dy[j] * y[j];
      }
      for (std::int64_t k = 0; k < g.n; ++k) {
        const std::int64_t j = base + k * g.inner;
        T v = (log ? dy[j] - std::exp(y[j]) * s : y[j] * (dy[j] - s)) * inv_t;
        dx[j] = req == OpReq::add ? dx[j] + v : v;
      }
    }
}

inline SoftmaxGeometry geometry_of(const SoftmaxParam& p, const Shape& s) {
  switch (p.kind) {
    case SoftmaxKind::activation_instance: {
      SoftmaxGeometry g;
      g.n = s.ndim() ? s.back() : 1;
      g.outer = s.size() / std::max<std::int64_t>(1, g.n);
      return g;
    }
    case SoftmaxKind::activation_channel:
      return axis_geometry(s, 1);
    default:
      return axis_geometry(s, static_cast<int>(p.axis < 0 ? p.axis + s.ndim() : p.axis));
  }
}

class SoftmaxBackward final : public Operator {
 public:
  ~SoftmaxBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit SoftmaxBackward(SoftmaxParam p) : p_(p) {}
  std::string type_name() const override {
    return p_.kind == SoftmaxKind::log_softmax ? "_backward_log_softmax" : "_backward_softmax";
  }
  std::vector<std::string> arguments() const override { return {"ograd", "output"}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = geometry_of(p_, in[1].shape());
    dispatch_float(in[0].dtype(), "softmax", [&](auto t) {
      using T = decltype(t);
      softmax_backward<T>(g, in[0].data<T>(), in[1].data<T>(), out[0].data<T>(), p_.temperature.value_or(1.0),
                          p_.kind == SoftmaxKind::log_softmax, req[0]);
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = geometry_of(p_, in[1].shape());
    cuda::softmax_grad(ctx.ctx.device_id, in[0].dtype(), {g.outer, g.n, g.inner}, in[0].raw_data(),
                       in[1].raw_data(), out[0].raw_data(), p_.temperature.value_or(1.0),
                       p_.kind == SoftmaxKind::log_softmax, req[0]);
  }
#endif
 private:
  SoftmaxParam p_;
};

class Softmax final : public Operator {
 public:
  ~Softmax() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Softmax(SoftmaxParam p) : p_(p) {
    if (p_.temperature && !(*p_.temperature > 0))
      throw ValueError(type_name() + ": temperature must be positive");
  }
  std::string type_name() const override {
    switch (p_.kind) {
      case SoftmaxKind::softmax:
        return "softmax";
      case SoftmaxKind::log_softmax:
        return "log_softmax";
      default:
        return "SoftmaxActivation";
    }
  }
  AttrMap attrs() const override {
    AttrMap m;
    if (p_.kind == SoftmaxKind::activation_channel) m["mode"] = "channel";
    if (p_.kind == SoftmaxKind::softmax || p_.kind == SoftmaxKind::log_softmax) {
      if (p_.axis != -1) m["axis"] = attr::format(p_.axis);
      if (p_.temperature) m["temperature"] = attr::format(*p_.temperature);
    }
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    same_shape_rule(c);
    const Shape& s = c.in(0);
    if (!s.rank_known()) return;
    if (p_.kind == SoftmaxKind::activation_channel && s.ndim() < 3)
      ShapeCtx::fail("mode='channel' needs data of rank >= 3, got " + s.str());
    if (p_.kind == SoftmaxKind::softmax || p_.kind == SoftmaxKind::log_softmax) {
      std::int64_t a = p_.axis < 0 ? p_.axis + s.ndim() : p_.axis;
      if (a < 0 || a >= s.ndim())
        ShapeCtx::fail("axis " + std::to_string(p_.axis) + " is out of range for " + s.str());
    }
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {
        out_entry(grad_node(std::make_shared<SoftmaxBackward>(p_), n, "backward", {og[0], out_entry(n)}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = geometry_of(p_, in[0].shape());
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          softmax_forward<T>(g, in[0].data<T>(), out[0].data<T>(), p_.temperature.value_or(1.0),
                             p_.kind == SoftmaxKind::log_softmax, req[0]);
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = geometry_of(p_, in[0].shape());
    cuda::softmax(ctx.ctx.device_id, in[0].dtype(), {g.outer, g.n, g.inner}, in[0].raw_data(),
                  out[0].raw_data(), p_.temperature.value_or(1.0), p_.kind == SoftmaxKind::log_softmax,
                  req[0]);
  }
#endif
 private:
  SoftmaxParam p_;
};

// Class index of a label value, or -1 when it is not a whole number in [0, classes).
inline std::int64_t class_index(double v, std::int64_t classes) {
  if (!(v >= 0) || v >= static_cast<double>(classes) || v != std::floor(v)) return -1;
  return static_cast<std::int64_t>(v);
}

class SoftmaxCrossEntropyBackward final : public Operator {
 public:
  ~SoftmaxCrossEntropyBackward() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_softmax_cross_entropy"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "label"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(1)) c.assign_out(0, *c.in(1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;
};

class SoftmaxCrossEntropy final : public Operator {
 public:
  ~SoftmaxCrossEntropy() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "softmax_cross_entropy"; }
  std::vector<std::string> arguments() const override { return {"data", "label"}; }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& d = c.in(0);
    if (d.rank_known() && d.ndim() != 2)
      ShapeCtx::fail(c.in_name(0) + " must be 2-D (batch, classes), got " + d.str());
    if (d.rank_known()) c.assign_in(1, Shape{d[0]}, "data " + d.str() + " (one class index per row)");
    c.assign_out(0, Shape{1});
  }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
    if (c.in(0) && !c.in(1)) c.assign_in(1, *c.in(0));
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<SoftmaxCrossEntropyBackward>(), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1]});
    return {out_entry(b), NodeEntry{}};
  }
  template <class T, class L>
  static void check_labels(const L* l, std::int64_t rows, std::int64_t classes) {
    for (std::int64_t i = 0; i < rows; ++i)
      if (class_index(static_cast<double>(l[i]), classes) < 0)
        throw KernelInputError{"label holds " + attr::format_number(static_cast<double>(l[i])) +
                               " at position " + std::to_string(i) + ", which is not a class index in [0, " +
                               std::to_string(classes) + ")"};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const std::int64_t N = in[0].shape()[0], C = in[0].shape()[1];
    dispatch_dtype(in[1].dtype(), [&](auto tl) {
      dispatch_float(in[0].dtype(), "softmax_cross_entropy", [&](auto t) {
        using T = decltype(t);
        const T* x = in[0].data<T>();
        const auto* l = in[1].data<decltype(tl)>();
        check_labels<T>(l, N, C);
        double total = 0;
        for (std::int64_t i = 0; i < N; ++i) {
          const T* row = x + i * C;
          T m = *std::max_element(row, row + C);
          double s = 0;
          for (std::int64_t k = 0; k < C; ++k) s += std::exp(static_cast<double>(row[k] - m));
          total += std::log(s) - static_cast<double>(row[static_cast<std::int64_t>(l[i])] - m);
        }
        T* y = out[0].data<T>();
        y[0] = req[0] == OpReq::add ? y[0] + static_cast<T>(total) : static_cast<T>(total);
      });
    });
  }
};

inline void SoftmaxCrossEntropyBackward::forward(const RunCtx&, std::span<const NDArray> in,
                                                 std::span<const NDArray> out,
                                                 std::span<const OpReq> req) const {
  if (req[0] == OpReq::null) return;
  const std::int64_t N = in[1].shape()[0], C = in[1].shape()[1];
  dispatch_dtype(in[2].dtype(), [&](auto tl) {
    dispatch_float(in[1].dtype(), "softmax_cross_entropy", [&](auto t) {
      using T = decltype(t);
      const T g = in[0].data<T>()[0];
      const T* x = in[1].data<T>();
      const auto* l = in[2].data<decltype(tl)>();
      SoftmaxCrossEntropy::check_labels<T>(l, N, C);
      T* dx = out[0].data<T>();
      for (std::int64_t i = 0; i < N; ++i) {
        const T* row = x + i * C;
        T m = *std::max_element(row, row + C);
        T sum = 0;
        for (std::int64_t k = 0; k < C; ++k) sum += std::exp(row[k] - m);
        const std::int64_t label = static_cast<std::int64_t>(l[i]);
        for (std::int64_t k = 0; k < C; ++k) {
          T v = (std::exp(row[k] - m) / sum - (k == label ? T(1) : T(0))) * g;
          dx[i * C + k] = req[0] == OpReq::add ? dx[i * C + k] + v : v;
        }
      }
    });
  });
}
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SOFTMAX)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol softmax(const Symbol& data, const SoftmaxOptions& o) {
  return compose(
      std::make_shared<ops::Softmax>(ops::SoftmaxParam{ops::SoftmaxKind::softmax, o.axis, o.temperature}),
      {data}, o.name);
}
SYMGRAD_INLINE Symbol log_softmax(const Symbol& data, const SoftmaxOptions& o) {
  return compose(
      std::make_shared<ops::Softmax>(ops::SoftmaxParam{ops::SoftmaxKind::log_softmax, o.axis, o.temperature}),
      {data}, o.name);
}
SYMGRAD_INLINE Symbol softmax_activation(const Symbol& data, const SoftmaxActivationOptions& o) {
  if (o.mode != "instance" && o.mode != "channel")
    throw ValueError("SoftmaxActivation: mode must be 'instance' or 'channel', got '" + o.mode + "'");
  auto k = o.mode == "channel" ? ops::SoftmaxKind::activation_channel : ops::SoftmaxKind::activation_instance;
  return compose(std::make_shared<ops::Softmax>(ops::SoftmaxParam{k, -1, {}}), {data}, o.name);
}
SYMGRAD_INLINE Symbol SoftmaxActivation(const Symbol& data, const SoftmaxActivationOptions& o) {
  return softmax_activation(data, o);
}
SYMGRAD_INLINE Symbol softmax_cross_entropy(const Symbol& data, const Symbol& label, std::string_view name) {
  return compose(std::make_shared<ops::SoftmaxCrossEntropy>(), {data, label}, name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
inline OpPtr softmax_like(const AttrMap& m, SoftmaxKind k, const char* name) {
  attr::Reader r(name, m);
  SoftmaxParam p;
  p.kind = k;
  r.get("axis", p.axis);
  if (auto t = r.find("temperature"); t && attr::trim(*t) != "None")
    p.temperature = attr::parse_float(name, "temperature", *t);
  std::string dt;
  r.get("dtype", dt);
  bool use_length = false;
  r.get("use_length", use_length);
  if (use_length) throw ValueError(std::string(name) + ": use_length=True is not supported");
  r.finish();
  return std::make_shared<Softmax>(p);
}
inline OpPtr softmax(const AttrMap& m, std::size_t) {
  return softmax_like(m, SoftmaxKind::softmax, "softmax");
}
inline OpPtr log_softmax(const AttrMap& m, std::size_t) {
  return softmax_like(m, SoftmaxKind::log_softmax, "log_softmax");
}
inline OpPtr softmax_activation(const AttrMap& m, std::size_t) {
  attr::Reader r("SoftmaxActivation", m);
  std::string mode = "instance";
  r.get("mode", mode);
  r.finish();
  if (mode != "instance" && mode != "channel")
    throw ValueError("SoftmaxActivation: mode must be 'instance' or 'channel'");
  return std::make_shared<Softmax>(SoftmaxParam{
      mode == "channel" ? SoftmaxKind::activation_channel : SoftmaxKind::activation_instance, -1, {}});
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SOFTMAX)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_softmax(OpTable& t) {
  t["softmax"] = reg::softmax;
  t["log_softmax"] = reg::log_softmax;
  t["SoftmaxActivation"] = reg::softmax_activation;
  t["softmax_cross_entropy"] = reg::plain<SoftmaxCrossEntropy>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SOFTMAX)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE SoftmaxBackward::~SoftmaxBackward() = default;
SYMGRAD_INLINE Softmax::~Softmax() = default;
SYMGRAD_INLINE SoftmaxCrossEntropyBackward::~SoftmaxCrossEntropyBackward() = default;
SYMGRAD_INLINE SoftmaxCrossEntropy::~SoftmaxCrossEntropy() = default;
}  // namespace SYMGRAD_NS::ops
#endif
