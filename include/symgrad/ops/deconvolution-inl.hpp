// Operators and kernels of ops/deconvolution.hpp.
#pragma once
#include <algorithm>
#include <memory>
#include <span>
#include <tuple>
#include <utility>

#include "convolution-inl.hpp"
#include "deconvolution.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"
#include "with_weights.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<DeconvolutionParam> =
    std::tuple_cat(conv_spatial_fields<DeconvolutionParam>(),
                   std::tuple{field("adj", &DeconvolutionParam::adj).at_least(0),
                              field("target_shape", &DeconvolutionParam::target_shape).at_least(0)},
                   conv_filter_fields<DeconvolutionParam>());

namespace deconv_detail {

// The geometry of the convolution this deconvolution transposes: its input is our output (num_filter
// channels), its output our data (C channels), its weight ours.
inline conv_detail::Geo geometry(const Shape& data, const Shape& out, const DeconvolutionParam& p) {
  const auto r = deconvolution_rule(data, p);
  ConvolutionParam c;
  c.kernel = p.kernel;
  c.stride = p.stride;
  c.dilate = p.dilate;
  c.pad = r.pad;
  c.num_filter = data[1];
  c.num_group = p.num_group;
  return conv_detail::geometry(out, data, c);
}

inline std::string describe(const DeconvolutionParam& p) { return describe_params(p); }

}  // namespace deconv_detail

class DeconvolutionBackward final : public WithWeightsBackward<DeconvolutionParam> {
 public:
  ~DeconvolutionBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit DeconvolutionBackward(DeconvolutionParam p) : WithWeightsBackward(std::move(p)) {}
  std::string type_name() const override { return "_backward_Deconvolution"; }
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>&,
                              DType t) const override {
    auto g = deconv_detail::geometry(in[1], in[0], p_);
    return static_cast<std::size_t>(g.col_rows() * g.out_size()) * dtype_size(t);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const NDArray &dy = in[0], &x = in[1], &w = in[2];
    // g: the transposed convolution; its input is dy (F channels), its output x (C channels)
    const auto g = deconv_detail::geometry(x.shape(), dy.shape(), p_);
    const std::int64_t P = g.out_size(), K = g.col_rows(), Cg = g.fg(), Fg = g.cg(), F = g.C, C = g.F;
    dispatch_float(dy.dtype(), "Deconvolution", [&](auto t) {
      using T = decltype(t);
      T* col = static_cast<T*>(ctx.workspace);
      const T* gy = dy.data<T>();
      const T* xs = x.data<T>();
      const T* ws = w.data<T>();
      const bool want_dx = req[0] != OpReq::null, want_dw = req[1] != OpReq::null;
      if (want_dw && req[1] == OpReq::write) std::fill_n(out[1].data<T>(), w.size(), T(0));
      for (std::int64_t n = 0; n < g.N; ++n)
        for (std::int64_t gr = 0; gr < g.G; ++gr) {
          if (!want_dx && !want_dw) break;
          conv_detail::im2col(g, gy + (n * F + gr * Fg) * g.in_size(), col);  // (K, P)
          const T* xg = xs + (n * C + gr * Cg) * P;
          if (want_dx)  // dx_g (Cg, P) = W_g (Cg, K) · col (K, P)
            host::gemm<T>(false, false, Cg, P, K, T(1), ws + gr * Cg * K, K, col, P,
                          req[0] == OpReq::add ? T(1) : T(0), out[0].data<T>() + (n * C + gr * Cg) * P, P);
          if (want_dw)  // dW_g (Cg, K) += x_g (Cg, P) · colᵀ (P, K)
            host::gemm<T>(false, true, Cg, K, P, T(1), xg, P, col, P, T(1), out[1].data<T>() + gr * Cg * K,
                          K);
        }
    });
    if (!p_.no_bias)
      dev::sum_channel_bias(in[0], out[2], g.N, F, g.in_size(), req[2]);  // db[f] = Σ over n, pixels
  }
};

class Deconvolution final : public WithWeights<DeconvolutionParam, "Deconvolution", DeconvolutionBackward> {
 public:
  ~Deconvolution() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Deconvolution(DeconvolutionParam p) : WithWeights(std::move(p)) {
    check_conv_params("Deconvolution", p_);
  }
  explicit Deconvolution(const AttrMap& m) : WithWeights(m) { check_conv_params("Deconvolution", p_); }
  void infer_shape(ShapeCtx& c) const override {
    auto r = deconvolution_rule(c.in(0), p_);
    if (r.error)
      ShapeCtx::fail(c.in_name(0) + " " + c.in(0).str() + " with " + deconv_detail::describe(p_) + ": " +
                     r.error);
    c.assign_in(1, r.weight, deconv_detail::describe(p_) + " and the data shape " + c.in(0).str());
    if (!p_.no_bias) c.assign_in(2, r.bias, "num_filter=" + std::to_string(p_.num_filter));
    c.assign_out(0, r.out);
  }
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>& out,
                              DType t) const override {
    auto g = deconv_detail::geometry(in[0], out[0], p_);
    return static_cast<std::size_t>(g.col_rows() * g.out_size()) * dtype_size(t);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray &x = in[0], &w = in[1];
    const auto g = deconv_detail::geometry(x.shape(), out[0].shape(), p_);
    const std::int64_t P = g.out_size(), K = g.col_rows(), Cg = g.fg(), Fg = g.cg(), F = g.C, C = g.F;
    dispatch_float(x.dtype(), "Deconvolution", [&](auto t) {
      using T = decltype(t);
      T* col = static_cast<T*>(ctx.workspace);
      T* y = out[0].data<T>();
      const T* xs = x.data<T>();
      const T* ws = w.data<T>();
      if (req[0] == OpReq::write) std::fill_n(y, out[0].size(), T(0));
      for (std::int64_t n = 0; n < g.N; ++n)
        for (std::int64_t gr = 0; gr < g.G; ++gr) {
          // col (K, P) = W_gᵀ (K, Cg) · x_g (Cg, P), scattered into y_g by col2im
          host::gemm<T>(true, false, K, P, Cg, T(1), ws + gr * Cg * K, K, xs + (n * C + gr * Cg) * P, P, T(0),
                        col, P);
          conv_detail::col2im(g, col, y + (n * F + gr * Fg) * g.in_size());
        }
    });
    if (!p_.no_bias)
      dev::channel_bias(out[0], in[2], g.N, F, g.in_size(), OpReq::add);  // y (N, F, P) += b[f]
  }
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DECONVOLUTION)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol deconvolution(const Symbol& data, const Symbol& weight, const Symbol& bias,
                                    const DeconvolutionOptions& o) {
  return ops::compose_with_weights<ops::Deconvolution>(o, data, weight, bias);
}
SYMGRAD_INLINE Symbol deconvolution(const Symbol& data, const DeconvolutionOptions& o) {
  return deconvolution(data, Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol Deconvolution(const Symbol& data, const DeconvolutionOptions& o) {
  return deconvolution(data, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DECONVOLUTION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_deconvolution(OpTable& t) {
  t["Deconvolution"] = reg::with_attrs<Deconvolution>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DECONVOLUTION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE DeconvolutionBackward::~DeconvolutionBackward() = default;
SYMGRAD_INLINE Deconvolution::~Deconvolution() = default;
}  // namespace SYMGRAD_NS::ops
#endif
