// Operators and kernels of ops/batch_norm.hpp.
#pragma once
#include <cmath>
#include <memory>
#include <span>

#include "../cpu/parallel.hpp"
#include "../symbol/compose.hpp"
#include "batch_norm.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<BatchNormParam> =
    std::tuple{field("eps", &BatchNormParam::eps).above(0),
               field("momentum", &BatchNormParam::momentum).within(0, 1),
               field("fix_gamma", &BatchNormParam::fix_gamma),
               field("use_global_stats", &BatchNormParam::use_global_stats),
               field("output_mean_var", &BatchNormParam::output_mean_var),
               field("axis", &BatchNormParam::axis),
               field("cudnn_off", &BatchNormParam::cudnn_off),
               field("min_calib_range", &BatchNormParam::min_calib_range),
               field("max_calib_range", &BatchNormParam::max_calib_range)};

namespace bn_detail {
// data viewed as (outer, C, inner) around the channel axis
struct View {
  std::int64_t outer = 1, C = 1, inner = 1;
};
inline View view(const Shape& s, int axis) {
  View v;
  const int a = axis < 0 ? axis + s.ndim() : axis;
  for (int i = 0; i < s.ndim(); ++i) (i < a ? v.outer : i == a ? v.C : v.inner) *= s[i];
  return v;
}
}  // namespace bn_detail

class BatchNormBackward final : public Operator {
 public:
  ~BatchNormBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit BatchNormBackward(BatchNormParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_BatchNorm"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "gamma", "mean", "var"}; }
  std::vector<std::string> outputs() const override { return {"data_grad", "gamma_grad", "beta_grad"}; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(1));
    c.assign_out(1, c.in(2));
    c.assign_out(2, c.in(2));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const auto v = bn_detail::view(in[1].shape(), p_.axis);
    const double M = double(v.outer * v.inner);
    dispatch_float(in[0].dtype(), "BatchNorm", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      const T* x = in[1].data<T>();
      const T* gamma = in[2].data<T>();
      const T* mean = in[3].data<T>();
      const T* var = in[4].data<T>();
      T* dx = req[0] != OpReq::null ? out[0].data<T>() : nullptr;
      host::ThreadPool::instance().run(static_cast<std::size_t>(v.C), [&](std::size_t cu) {
        const auto c = static_cast<std::int64_t>(cu);
        const double mu = double(mean[c]), invstd = 1.0 / std::sqrt(double(var[c]) + p_.eps);
        const double g = p_.fix_gamma ? 1.0 : double(gamma[c]);
        double sdy = 0, sdyx = 0;
        for (std::int64_t o = 0; o < v.outer; ++o) {
          const T* dyr = dy + (o * v.C + c) * v.inner;
          const T* xr = x + (o * v.C + c) * v.inner;
          for (std::int64_t i = 0; i < v.inner; ++i) {
            sdy += double(dyr[i]);
            sdyx += double(dyr[i]) * (double(xr[i]) - mu) * invstd;
          }
        }
        if (dx) {
          for (std::int64_t o = 0; o < v.outer; ++o) {
            const T* dyr = dy + (o * v.C + c) * v.inner;
            const T* xr = x + (o * v.C + c) * v.inner;
            T* dxr = dx + (o * v.C + c) * v.inner;
            for (std::int64_t i = 0; i < v.inner; ++i) {
              double d;
              if (p_.use_global_stats) {
                d = double(dyr[i]) * g * invstd;
              } else {
                const double xh = (double(xr[i]) - mu) * invstd;
                d = g * invstd / M * (M * double(dyr[i]) - sdy - xh * sdyx);
              }
              dxr[i] = req[0] == OpReq::add ? T(double(dxr[i]) + d) : T(d);
            }
          }
        }
        if (req[1] != OpReq::null) {
          T* dg = out[1].data<T>();
          const T val = p_.fix_gamma ? T(0) : T(sdyx);
          dg[c] = req[1] == OpReq::add ? T(dg[c] + val) : val;
        }
        if (req[2] != OpReq::null) {
          T* db = out[2].data<T>();
          db[c] = req[2] == OpReq::add ? T(db[c] + T(sdy)) : T(sdy);
        }
      });
    });
  }

  // The GPU path keeps Σdy and Σdy·x̂ per channel between its two kernels.
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>&, DType) const override {
    return static_cast<std::size_t>(2 * bn_detail::view(in[1], p_.axis).C) * sizeof(double);
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const auto v = bn_detail::view(in[1].shape(), p_.axis);
    cuda::batch_norm_grad(ctx.ctx.device_id, in[0].dtype(), {v.outer, v.C, v.inner}, in[0].raw_data(),
                          in[1].raw_data(), in[2].raw_data(), in[3].raw_data(), in[4].raw_data(),
                          static_cast<double*>(ctx.workspace),
                          req[0] == OpReq::null ? nullptr : out[0].raw_data(), req[0],
                          req[1] == OpReq::null ? nullptr : out[1].raw_data(), req[1],
                          req[2] == OpReq::null ? nullptr : out[2].raw_data(), req[2], p_.eps, p_.fix_gamma,
                          p_.use_global_stats);
  }
#endif
 private:
  BatchNormParam p_;
};

class BatchNorm final : public ParamOp<BatchNormParam, "BatchNorm"> {
 public:
  ~BatchNorm() override;  // the key function: vtable and kernels are compiled with the unit
  using ParamOp::ParamOp;
  std::vector<std::string> arguments() const override {
    return {"data", "gamma", "beta", "moving_mean", "moving_var"};
  }
  std::vector<std::string> outputs() const override { return {"output", "mean", "var"}; }
  std::size_t num_visible_outputs() const override { return p_.output_mean_var ? 3 : 1; }
  std::vector<std::size_t> aux_inputs() const override { return {3, 4}; }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& d = c.in(0);
    Shape ch = Shape::unknown_dims(1);
    if (d.rank_known()) {
      const int a = p_.axis < 0 ? p_.axis + d.ndim() : p_.axis;
      if (a < 0 || a >= d.ndim())
        ShapeCtx::fail("axis " + std::to_string(p_.axis) + " is out of range for " + c.in_name(0) + " " +
                       d.str());
      ch = Shape{d[a]};
      c.assign_out(0, d);
    }
    for (std::size_t i = 1; i < 5; ++i)
      c.assign_in(i, ch, "the channel axis " + std::to_string(p_.axis) + " of the data");
    c.assign_out(1, c.in(1));
    c.assign_out(2, c.in(1));
  }
  bool differentiable(std::size_t i) const override { return i < 3; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<BatchNormBackward>(p_), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1], out_entry(n, 1), out_entry(n, 2)});
    return {out_entry(b, 0), out_entry(b, 1), out_entry(b, 2), NodeEntry{}, NodeEntry{}};
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const auto v = bn_detail::view(in[0].shape(), p_.axis);
    const bool batch_stats = ctx.is_train && !p_.use_global_stats;
    const double M = double(v.outer * v.inner);
    dispatch_float(in[0].dtype(), "BatchNorm", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* gamma = in[1].data<T>();
      const T* beta = in[2].data<T>();
      T* mmean = in[3].data<T>();
      T* mvar = in[4].data<T>();
      T* y = out[0].data<T>();
      T* omean = out[1].data<T>();
      T* ovar = out[2].data<T>();
      host::ThreadPool::instance().run(static_cast<std::size_t>(v.C), [&](std::size_t cu) {
        const auto c = static_cast<std::int64_t>(cu);
        double mu, var;
        if (batch_stats) {
          double s = 0;
          for (std::int64_t o = 0; o < v.outer; ++o) {
            const T* xr = x + (o * v.C + c) * v.inner;
            for (std::int64_t i = 0; i < v.inner; ++i) s += double(xr[i]);
          }
          mu = s / M;
          double q = 0;
          for (std::int64_t o = 0; o < v.outer; ++o) {
            const T* xr = x + (o * v.C + c) * v.inner;
            for (std::int64_t i = 0; i < v.inner; ++i) q += (double(xr[i]) - mu) * (double(xr[i]) - mu);
          }
          var = q / M;
          mmean[c] = T(double(mmean[c]) * p_.momentum + mu * (1 - p_.momentum));
          mvar[c] = T(double(mvar[c]) * p_.momentum + var * (1 - p_.momentum));
        } else {
          mu = double(mmean[c]);
          var = double(mvar[c]);
        }
        if (p_.fix_gamma) gamma[c] = T(1);
        const auto [scale, shift] = batch_norm_affine(double(gamma[c]), double(beta[c]), mu, var, p_.eps);
        omean[c] = T(mu);
        ovar[c] = T(var);
        if (req[0] == OpReq::null) return;
        for (std::int64_t o = 0; o < v.outer; ++o) {
          const T* xr = x + (o * v.C + c) * v.inner;
          T* yr = y + (o * v.C + c) * v.inner;
          for (std::int64_t i = 0; i < v.inner; ++i) {
            const T r = T(double(xr[i]) * scale + shift);
            yr[i] = req[0] == OpReq::add ? T(yr[i] + r) : r;
          }
        }
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const auto v = bn_detail::view(in[0].shape(), p_.axis);
    const bool batch_stats = ctx.is_train && !p_.use_global_stats;
    cuda::batch_norm(ctx.ctx.device_id, in[0].dtype(), {v.outer, v.C, v.inner}, in[0].raw_data(),
                     in[1].raw_data(), in[2].raw_data(), in[3].raw_data(), in[4].raw_data(),
                     out[1].raw_data(), out[2].raw_data(), out[0].raw_data(), p_.eps, p_.momentum,
                     batch_stats, p_.fix_gamma, req[0]);
  }
#endif
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_BATCH_NORM)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol batch_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta,
                                 const Symbol& moving_mean, const Symbol& moving_var,
                                 const BatchNormOptions& o) {
  auto op = std::make_shared<ops::BatchNorm>(o);
  return compose(op, {data, gamma, beta, moving_mean, moving_var}, o.name);
}
SYMGRAD_INLINE Symbol batch_norm(const Symbol& data, const BatchNormOptions& o) {
  return batch_norm(data, Symbol(), Symbol(), Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol BatchNorm(const Symbol& data, const BatchNormOptions& o) { return batch_norm(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_BATCH_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_batch_norm(OpTable& t) { t["BatchNorm"] = reg::with_attrs<BatchNorm>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_BATCH_NORM)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE BatchNormBackward::~BatchNormBackward() = default;
SYMGRAD_INLINE BatchNorm::~BatchNorm() = default;
}  // namespace SYMGRAD_NS::ops
#endif
