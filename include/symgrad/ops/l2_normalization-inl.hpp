// Operators and kernels of ops/l2_normalization.hpp.
#pragma once
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>

#include "../symbol/compose.hpp"
#include "l2_normalization.hpp"
#include "norm_common-inl.hpp"
#include "op_table.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<L2NormalizationParam> =
    std::tuple{field("eps", &L2NormalizationParam::eps).at_least(0).finite(),
               field("mode", &L2NormalizationParam::mode)};

namespace norm_detail {
// The groups of a mode: each holds the elements one norm is taken over.
inline View l2_view(const Shape& s, L2Mode m) {
  return m == L2Mode::instance  ? view(s, 1, s.ndim())
         : m == L2Mode::channel ? view(s, 1, 2)
                                : view(s, 2, s.ndim());
}
}  // namespace norm_detail

class L2NormalizationBackward final : public norm_detail::Backward {
 public:
  ~L2NormalizationBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit L2NormalizationBackward(L2Mode m)
      : Backward("_backward_L2Normalization", {"ograd", "output", "norm"}, {"data_grad"}), mode_(m) {}
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto v = norm_detail::l2_view(in[1].shape(), mode_);
    dispatch_float(in[0].dtype(), "L2Normalization", [&](auto t) {
      using T = decltype(t);
      const T *dy = in[0].data<T>(), *y = in[1].data<T>(), *norm = in[2].data<T>();
      T* dx = out[0].data<T>();
      norm_detail::for_groups(v, [&](std::int64_t g) {
        const std::int64_t f = v.first(g);
        double s = 0;
        for (std::int64_t r = 0; r < v.R; ++r) s += double(dy[f + r * v.inner]) * double(y[f + r * v.inner]);
        for (std::int64_t r = 0; r < v.R; ++r) {
          const std::int64_t k = f + r * v.inner;
          norm_detail::put(dx[k], (double(dy[k]) - double(y[k]) * s) / double(norm[g]), req[0]);
        }
      });
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto v = norm_detail::l2_view(in[1].shape(), mode_);
    cuda::l2_normalization_grad(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(v), in[0].raw_data(),
                                in[1].raw_data(), in[2].raw_data(), out[0].raw_data(), req[0]);
  }
#endif

 private:
  L2Mode mode_;
};

class L2Normalization final : public ParamOp<L2NormalizationParam, "L2Normalization"> {
 public:
  ~L2Normalization() override;  // the key function: vtable and kernels are compiled with the unit
  using ParamOp::ParamOp;
  std::vector<std::string> outputs() const override { return {"output", "norm"}; }
  std::size_t num_visible_outputs() const override { return 1; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() < 1) ShapeCtx::fail(c.in_name(0) + " is a scalar; L2Normalization needs at least one axis");
    if (p_.mode != L2Mode::instance && d.ndim() < 3)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has rank " + std::to_string(d.ndim()) + "; mode '" +
                     std::string(p_.mode.name()) + "' needs (batch, channel, spatial...), rank 3 or more");
    Shape norm = p_.mode == L2Mode::instance  ? Shape{d[0]}
                 : p_.mode == L2Mode::spatial ? Shape{d[0], d[1]}
                                              : d;
    if (p_.mode == L2Mode::channel) norm[1] = 1;
    c.assign_out(0, d);
    c.assign_out(1, norm);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<L2NormalizationBackward>(p_.mode), n, "backward",
                       {og[0], out_entry(n, 0), out_entry(n, 1)});
    return {out_entry(b, 0)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const auto v = norm_detail::l2_view(in[0].shape(), p_.mode);
    dispatch_float(in[0].dtype(), "L2Normalization", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T *y = out[0].data<T>(), *norm = out[1].data<T>();
      norm_detail::for_groups(v, [&](std::int64_t g) {
        const std::int64_t f = v.first(g);
        double s = 0;
        for (std::int64_t r = 0; r < v.R; ++r) s += double(x[f + r * v.inner]) * double(x[f + r * v.inner]);
        const double nrm = std::sqrt(s + p_.eps);
        norm[g] = T(nrm);
        if (req[0] != OpReq::null)
          for (std::int64_t r = 0; r < v.R; ++r)
            norm_detail::put(y[f + r * v.inner], double(x[f + r * v.inner]) / nrm, req[0]);
      });
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const auto v = norm_detail::l2_view(in[0].shape(), p_.mode);
    cuda::l2_normalization(ctx.ctx.device_id, in[0].dtype(), norm_detail::gpu_geo(v, 1, true, p_.eps),
                           in[0].raw_data(), out[0].raw_data(), out[1].raw_data(), req[0]);
  }
#endif
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_L2_NORMALIZATION)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol l2_normalization(const Symbol& data, const L2NormalizationOptions& o) {
  return compose(std::make_shared<ops::L2Normalization>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol L2Normalization(const Symbol& data, const L2NormalizationOptions& o) {
  return l2_normalization(data, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_L2_NORMALIZATION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_l2_normalization(OpTable& t) {
  t["L2Normalization"] = reg::with_attrs<L2Normalization>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_L2_NORMALIZATION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE L2NormalizationBackward::~L2NormalizationBackward() = default;
SYMGRAD_INLINE L2Normalization::~L2Normalization() = default;
}  // namespace SYMGRAD_NS::ops
#endif
