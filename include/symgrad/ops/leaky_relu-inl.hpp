// Operators and kernels of ops/leaky_relu.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <span>
#include <utility>

#include "../cpu/parallel.hpp"
#include "../symbol/compose.hpp"
#include "dropout-inl.hpp"
#include "gpu_util.hpp"
#include "leaky_relu.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<LeakyReLUParam> = std::tuple{
    field("act_type", &LeakyReLUParam::act_type), field("slope", &LeakyReLUParam::slope),
    field("lower_bound", &LeakyReLUParam::lower_bound), field("upper_bound", &LeakyReLUParam::upper_bound)};

namespace leaky_detail {
inline constexpr double kLambda = 1.0507009873554804934193349852946;
inline constexpr double kAlpha = 1.6732632423543772848170429916717;
inline constexpr double kInvSqrt2 = 1 / std::numbers::sqrt2,
                        kInvSqrt2Pi = std::numbers::inv_sqrtpi / std::numbers::sqrt2;

// gamma's dims matched to data axes 0 and 1, as MXNet's prelu broadcast does; g0, g1 are its
// sizes there (1 or the data's). ok is false when some gamma dim is left unmatched.
struct GammaMap {
  bool ok = true;
  std::int64_t g0 = 1, g1 = 1;
};
inline GammaMap gamma_map(const Shape& data, const Shape& gamma) {
  GammaMap m;
  int s = gamma.ndim() - 1;
  for (int i = data.ndim() - 1; i >= 0; --i)
    if (s >= 0 && i <= 1 && (data[i] == gamma[s] || gamma[s] == 1)) (i == 0 ? m.g0 : m.g1) = gamma[s--];
  m.ok = s == -1;
  return m;
}
// data as (N, C, inner)
struct View {
  std::int64_t N = 1, C = 1, inner = 1;
};
inline View view(const Shape& s) {
  View v;
  if (s.ndim() >= 1) v.N = s[0];
  if (s.ndim() >= 2) v.C = s[1];
  for (int i = 2; i < s.ndim(); ++i) v.inner *= s[i];
  return v;
}
template <class T>
void store(T* p, T v, OpReq req) {
  *p = req == OpReq::add ? T(*p + v) : v;
}
// The CUDA kernels' parameters (cuda/bodies_nn.hpp); gamma_shape for prelu.
inline cuda::LeakyGeo gpu_geo(const LeakyReLUParam& p, const Shape& data, const Shape& gamma_shape) {
  cuda::LeakyGeo g;
  g.kind = static_cast<cuda::LeakyOp>(static_cast<int>(p.act_type.value));
  g.slope = p.slope;
  g.lo = p.lower_bound;
  g.width = p.upper_bound - p.lower_bound;
  if (p.act_type == LeakyType::prelu) {
    const View v = view(data);
    const GammaMap m = gamma_map(data, gamma_shape);
    g.C = v.C, g.inner = v.inner, g.g0 = m.g0, g.g1 = m.g1;
  }
  return g;
}
// Calls f(begin, end) over [0, n) in parallel chunks.
template <class F>
void chunks(std::int64_t n, F&& f) {
  host::parallel_for(static_cast<std::size_t>(n), host::kParallelGrain, 1, [&](std::size_t b, std::size_t e) {
    f(static_cast<std::int64_t>(b), static_cast<std::int64_t>(e));
  });
}
}  // namespace leaky_detail

// inputs: ograd, data, output, then gamma (prelu) or mask (rrelu); outputs: data_grad (, gamma_grad)
class LeakyReLUBackward final : public Operator {
 public:
  ~LeakyReLUBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LeakyReLUBackward(LeakyReLUParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_LeakyReLU"; }
  std::vector<std::string> arguments() const override {
    if (p_.act_type == LeakyType::prelu) return {"ograd", "data", "output", "gamma"};
    if (p_.act_type == LeakyType::rrelu) return {"ograd", "data", "output", "mask"};
    return {"ograd", "data", "output"};
  }
  std::vector<std::string> outputs() const override {
    if (p_.act_type == LeakyType::prelu) return {"data_grad", "gamma_grad"};
    return {"data_grad"};
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(1));
    if (p_.act_type == LeakyType::prelu) c.assign_out(1, c.in(3));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    using namespace leaky_detail;
    dispatch_float(in[0].dtype(), "LeakyReLU", [&](auto t) {
      using T = decltype(t);
      const T *dy = in[0].data<T>(), *x = in[1].data<T>(), *y = in[2].data<T>();
      const std::int64_t n = in[0].size();
      if (p_.act_type == LeakyType::prelu) return prelu(in, out, req, dy, x);
      if (req[0] == OpReq::null) return;
      T* dx = out[0].data<T>();
      const T slope = T(p_.slope), lam = T(kLambda), alpha = T(kAlpha);
      const T* mask = p_.act_type == LeakyType::rrelu ? in[3].data<T>() : nullptr;
      chunks(n, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t i = b; i < e; ++i) {
          T d;
          switch (p_.act_type) {
            case LeakyType::elu:
              d = y[i] > 0 ? T(1) : T(y[i] + slope);
              break;
            case LeakyType::selu:
              d = y[i] > 0 ? lam : T(y[i] + lam * alpha);
              break;
            case LeakyType::gelu: {
              const double xv = double(x[i]);
              d = T(0.5 * (1 + std::erf(xv * kInvSqrt2)) + xv * std::exp(-0.5 * xv * xv) * kInvSqrt2Pi);
              break;
            }
            case LeakyType::rrelu:
              d = y[i] > 0 ? T(1) : mask[i];
              break;
            default:
              d = y[i] > 0 ? T(1) : slope;
              break;
          }
          store(dx + i, T(d * dy[i]), req[0]);
        }
      });
    });
  }

 private:
  template <class T>
  void prelu(std::span<const NDArray> in, std::span<const NDArray> out, std::span<const OpReq> req,
             const T* dy, const T* x) const {
    const auto v = leaky_detail::view(in[1].shape());
    const auto g = leaky_detail::gamma_map(in[1].shape(), in[3].shape());
    const T* gamma = in[3].data<T>();
    T* dx = req[0] != OpReq::null ? out[0].data<T>() : nullptr;
    T* dg = req[1] != OpReq::null ? out[1].data<T>() : nullptr;
    if (dg && req[1] == OpReq::write) std::fill_n(dg, in[3].size(), T(0));
    // one task per channel when gamma has one: every gamma element then belongs to one task
    const std::int64_t tasks = g.g1 > 1 ? v.C : 1, per = v.C / tasks;
    host::ThreadPool::instance().run(static_cast<std::size_t>(tasks), [&](std::size_t task) {
      for (std::int64_t nn = 0; nn < v.N; ++nn)
        for (std::int64_t c = std::int64_t(task) * per; c < std::int64_t(task + 1) * per; ++c) {
          const std::int64_t gi = (g.g0 > 1 ? nn : 0) * g.g1 + (g.g1 > 1 ? c : 0),
                             off = (nn * v.C + c) * v.inner;
          double sum = 0;
          for (std::int64_t i = off; i < off + v.inner; ++i) {
            if (dx) leaky_detail::store(dx + i, x[i] > 0 ? dy[i] : T(gamma[gi] * dy[i]), req[0]);
            if (x[i] <= 0) sum += double(x[i]) * double(dy[i]);
          }
          if (dg) dg[gi] = T(dg[gi] + T(sum));
        }
    });
  }

 public:
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const bool prelu = p_.act_type == LeakyType::prelu;
    const auto g = leaky_detail::gpu_geo(p_, in[1].shape(), prelu ? in[3].shape() : Shape{});
    void* dx = req[0] != OpReq::null ? out[0].raw_data() : nullptr;
    void* dg = prelu && req[1] != OpReq::null ? out[1].raw_data() : nullptr;
    if (dg && req[1] == OpReq::write) out[1].fill(0);
    const void* aux = in.size() > 3 ? in[3].raw_data() : nullptr;
    cuda::leaky_relu_grad(ctx.ctx.device_id, in[0].dtype(), g, in[0].size(), in[0].raw_data(),
                          in[1].raw_data(), in[2].raw_data(), aux, dx, req[0], dg);
  }
#endif

 private:
  LeakyReLUParam p_;
};

class LeakyReLU final : public ParamOp<LeakyReLUParam, "LeakyReLU"> {
 public:
  ~LeakyReLU() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LeakyReLU(LeakyReLUParam p) : ParamOp(std::move(p)) { check(); }
  explicit LeakyReLU(const AttrMap& m) : ParamOp(m) { check(); }
  std::vector<std::string> arguments() const override {
    if (p_.act_type == LeakyType::prelu) return {"data", "gamma"};
    return {"data"};
  }
  std::vector<std::string> outputs() const override {
    if (p_.act_type == LeakyType::rrelu) return {"output", "mask"};
    return {"output"};
  }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t j = 0; j < c.num_out(); ++j) c.assign_in(0, c.out(j), "the output");
    const Shape& d = c.in(0);
    for (std::size_t j = 0; j < c.num_out(); ++j) c.assign_out(j, d);
    if (p_.act_type != LeakyType::prelu || !d.rank_known()) return;
    if (!c.in(1).rank_known()) {
      if (d.ndim() < 2)
        ShapeCtx::fail("prelu takes gamma of shape (C,) from axis 1 of " + c.in_name(0) +
                       ", but it has shape " + d.str() + "; give gamma of shape (1,) (one slope) or " +
                       Shape{d.ndim() ? d[0] : 1}.str());
      c.assign_in(1, Shape{d[1]}, "axis 1 of " + c.in_name(0) + " " + d.str());
      return;
    }
    const Shape& g = c.in(1);
    bool known = g.known();
    for (int i = 0; i < std::min(d.ndim(), 2); ++i) known = known && d[i] >= 0;
    if (known && (d.ndim() == 0 || !leaky_detail::gamma_map(d, g).ok))
      ShapeCtx::fail(c.in_name(1) + " has shape " + g.str() + ", which does not broadcast to " +
                     c.in_name(0) + " " + d.str() +
                     ": prelu's gamma is (C,) for axis 1, (1,) for all, or (N, C)");
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> ins{og[0], n->inputs[0], out_entry(n, 0)};
    if (p_.act_type == LeakyType::prelu) ins.push_back(n->inputs[1]);
    if (p_.act_type == LeakyType::rrelu) ins.push_back(out_entry(n, 1));
    auto b = grad_node(std::make_shared<LeakyReLUBackward>(p_), n, "backward", std::move(ins));
    if (p_.act_type == LeakyType::prelu) return {out_entry(b, 0), out_entry(b, 1)};
    return {out_entry(b, 0)};
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    using namespace leaky_detail;
    dispatch_float(in[0].dtype(), "LeakyReLU", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      const std::int64_t n = in[0].size();
      const OpReq r = req[0];
      const T slope = T(p_.slope), lam = T(kLambda), la = T(kLambda * kAlpha);
      switch (p_.act_type) {
        case LeakyType::leaky:
          return chunks(n, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i)
              if (r != OpReq::null) store(y + i, x[i] > 0 ? x[i] : T(slope * x[i]), r);
          });
        case LeakyType::elu:
          return chunks(n, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i)
              if (r != OpReq::null) store(y + i, x[i] > 0 ? x[i] : T(slope * std::expm1(x[i])), r);
          });
        case LeakyType::selu:
          return chunks(n, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i)
              if (r != OpReq::null) store(y + i, x[i] > 0 ? T(lam * x[i]) : T(la * std::expm1(x[i])), r);
          });
        case LeakyType::gelu:
          return chunks(n, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i)
              if (r != OpReq::null)
                store(y + i, T(T(0.5) * x[i] * (T(1) + std::erf(x[i] * T(kInvSqrt2)))), r);
          });
        case LeakyType::prelu: {
          if (r == OpReq::null) return;
          const auto v = view(in[0].shape());
          const auto g = gamma_map(in[0].shape(), in[1].shape());
          const T* gamma = in[1].data<T>();
          return host::ThreadPool::instance().run(static_cast<std::size_t>(v.N * v.C), [&](std::size_t row) {
            const std::int64_t nn = std::int64_t(row) / v.C, c = std::int64_t(row) % v.C;
            const T gv = gamma[(g.g0 > 1 ? nn : 0) * g.g1 + (g.g1 > 1 ? c : 0)];
            for (std::int64_t i = std::int64_t(row) * v.inner; i < std::int64_t(row + 1) * v.inner; ++i)
              store(y + i, x[i] > 0 ? x[i] : T(gv * x[i]), r);
          });
        }
        case LeakyType::rrelu: {
          T* mask = out[1].data<T>();
          const double lo = p_.lower_bound, width = p_.upper_bound - p_.lower_bound;
          const std::uint64_t base = ctx.is_train ? ctx.rng->next() : 0;  // counter-based draws, as Dropout's
          const T mid = T((p_.lower_bound + p_.upper_bound) / 2);
          return chunks(n, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i) {
              mask[i] = ctx.is_train ? T(lo + width * uniform_at(base, static_cast<std::uint64_t>(i))) : mid;
              if (r != OpReq::null) store(y + i, x[i] > 0 ? x[i] : T(mask[i] * x[i]), r);
            }
          });
        }
      }
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  // The same values (and rrelu draws, for the same generator state) as forward().
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const bool prelu = p_.act_type == LeakyType::prelu, rrelu = p_.act_type == LeakyType::rrelu;
    auto g = leaky_detail::gpu_geo(p_, in[0].shape(), prelu ? in[1].shape() : Shape{});
    g.train = ctx.is_train;
    if (rrelu && ctx.is_train)
      g.base = ctx.rng->next();
    else if (!rrelu && req[0] == OpReq::null)
      return;
    cuda::leaky_relu(ctx.ctx.device_id, in[0].dtype(), g, in[0].size(), in[0].raw_data(),
                     prelu ? in[1].raw_data() : nullptr, out[0].raw_data(),
                     rrelu ? out[1].raw_data() : nullptr, req[0]);
  }
#endif

 private:
  void check() const {
    if (p_.act_type == LeakyType::rrelu && !(p_.lower_bound <= p_.upper_bound))
      throw ValueError("LeakyReLU: rrelu needs lower_bound <= upper_bound, got lower_bound=" +
                       attr::format(p_.lower_bound) + ", upper_bound=" + attr::format(p_.upper_bound));
  }
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LEAKY_RELU)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol leaky_relu(const Symbol& data, const Symbol& gamma, const LeakyReLUOptions& o) {
  auto op = std::make_shared<ops::LeakyReLU>(o);
  if (o.act_type != ops::LeakyType::prelu) {
    if (!gamma.empty())
      throw ValueError("leaky_relu: gamma is an argument of act_type 'prelu' only, not '" +
                       std::string(o.act_type.name()) + "'");
    return compose(op, {data}, o.name);
  }
  Symbol s = compose(op, {data, gamma}, o.name);
  // as MXNet: a gamma variable without an initializer starts at 0.25
  const NodePtr& g = s.entries()[0].node->inputs[1].node;
  if (g->is_variable() && !g->attrs.count("__init__"))
    g->attrs["__init__"] = R"(["Constant", {"value": 0.25}])";
  return s;
}
SYMGRAD_INLINE Symbol leaky_relu(const Symbol& data, const LeakyReLUOptions& o) {
  return leaky_relu(data, Symbol(), o);
}
SYMGRAD_INLINE Symbol LeakyReLU(const Symbol& data, const LeakyReLUOptions& o) { return leaky_relu(data, o); }
SYMGRAD_INLINE Symbol LeakyReLU(const Symbol& data, const Symbol& gamma, const LeakyReLUOptions& o) {
  return leaky_relu(data, gamma, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LEAKY_RELU)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_leaky_relu(OpTable& t) { t["LeakyReLU"] = reg::with_attrs<LeakyReLU>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LEAKY_RELU)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE LeakyReLUBackward::~LeakyReLUBackward() = default;
SYMGRAD_INLINE LeakyReLU::~LeakyReLU() = default;
}  // namespace SYMGRAD_NS::ops
#endif
