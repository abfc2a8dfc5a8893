// The inference-time fusion of a convolution with what follows it (exec/infer_rewrite-inl.hpp):
//   Convolution [→ BatchNorm] [→ add of a residual] [→ relu or clip]
// or the same chain from a BatchNorm, as one step whose output pass (cpu/conv_forward-inl.hpp) adds
// the bias, applies the normalisation with the moving statistics, adds the residual and clamps.
// BatchNorm is folded into a per-channel scale and shift, recomputed from gamma, beta and the
// moving statistics at every call (O(channels)), so parameters copied in after bind are used.
// The executor runs it for forward(is_train = false) only; it is never written to JSON.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../cpu/conv_forward-inl.hpp"
#include "batch_norm.hpp"
#include "convolution-inl.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

struct FusedConvSpec {
  bool has_conv = false;
  ConvolutionParam conv = {};  // when has_conv
  bool has_bn = false;
  double eps = 1e-3;  // BatchNorm's
  bool fix_gamma = true;
  bool residual = false;
  bool clamp = false;
  double lo = 0, hi = std::numeric_limits<double>::infinity();
  std::string chain;  // the fused operators, e.g. "Convolution+BatchNorm+elemwise_add+relu"
};

class FusedConv final : public Operator {
 public:
  ~FusedConv() override;  // the key function: vtable and kernels are compiled with the unit
  explicit FusedConv(FusedConvSpec s) : s_(std::move(s)) {}
  const FusedConvSpec& spec() const { return s_; }
  std::string type_name() const override { return "_fused(" + s_.chain + ")"; }
  // data, then weight and bias (a convolution with a bias), gamma, beta, moving_mean and
  // moving_var (a batch norm), residual: those present.
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a{"data"};
    if (s_.has_conv) a.push_back("weight");
    if (has_bias()) a.push_back("bias");
    if (s_.has_bn) a.insert(a.end(), {"gamma", "beta", "moving_mean", "moving_var"});
    if (s_.residual) a.push_back("residual");
    return a;
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, s_.has_conv ? convolution_rule(c.in(0), s_.conv).out : c.in(0));
  }
  bool differentiable(std::size_t) const override { return false; }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    throw Error("internal: the fused inference step " + type_name() + " has no gradient");
  }
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>& out,
                              DType t) const override {
    std::int64_t n = s_.has_bn ? scale_elements(out[0][1]) : 0;
    if (s_.has_conv) n += host::conv::forward_workspace(conv_detail::geometry(in[0], out[0], s_.conv));
    return static_cast<std::size_t>(n) * dtype_size(t);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& ys = out[0].shape();
    const std::int64_t N = ys[0], F = ys[1], P = ys.size() / (N * F);
    dispatch_float(in[0].dtype(), "fused convolution", [&](auto t) {
      using T = decltype(t);
      T* ws = static_cast<T*>(ctx.workspace);
      host::conv::Epilogue<T> e;
      std::size_t k = s_.has_conv ? 2 : 1;
      const T* bias = has_bias() ? in[k++].data<T>() : nullptr;
      if (s_.has_bn) {  // as BatchNorm's forward with the moving statistics, in double
        T* gamma = in[k].data<T>();
        const T *beta = in[k + 1].data<T>(), *mean = in[k + 2].data<T>(), *var = in[k + 3].data<T>();
        k += 4;
        T *scale = ws, *shift = ws + F;
        for (std::int64_t f = 0; f < F; ++f) {
          if (s_.fix_gamma) gamma[f] = T(1);
          // the convolution's bias enters as a shift of the mean
          const auto [sc, sh] =
              batch_norm_affine(double(gamma[f]), double(beta[f]),
                                double(mean[f]) - (bias ? double(bias[f]) : 0.0), double(var[f]), s_.eps);
          scale[f] = T(sc);
          shift[f] = T(sh);
        }
        e.scale = scale;
        e.shift = shift;
        ws += scale_elements(F);
      } else {
        e.shift = bias;
      }
      if (s_.residual) e.residual = in[k].data<T>();
      if (s_.clamp) e.clamp = true, e.lo = T(s_.lo), e.hi = T(s_.hi);
      T* y = out[0].data<T>();
      if (s_.has_conv)
        host::conv::forward(conv_detail::geometry(in[0].shape(), ys, s_.conv), in[0].data<T>(),
                            in[1].data<T>(), y, false, ws, e);  // the rewrite fuses written outputs only
      else
        host::conv::apply_epilogue_all(e, in[0].data<T>(), y, N, F, P);
    });
  }

 private:
  bool has_bias() const { return s_.has_conv && !s_.conv.no_bias; }
  // The folded scale and shift, rounded up to a multiple of 16 elements (keeps what follows aligned).
  static std::int64_t scale_elements(std::int64_t F) { return (2 * F + 15) / 16 * 16; }
  FusedConvSpec s_;
};

}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CONV_FUSED)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE FusedConv::~FusedConv() = default;
}  // namespace SYMGRAD_NS::ops
#endif
