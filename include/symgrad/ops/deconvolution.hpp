// Deconvolution(data, weight, bias; kernel, num_filter, stride, dilate, pad, adj, target_shape,
// num_group=1, no_bias=True, workspace=512, layout) -- the transposed convolution, as MXNet 1.9.1:
//   weight (C, num_filter / num_group, k...), bias (num_filter,) unless no_bias (the default);
//   out = stride·(in − 1) + dilate·(k − 1) + 1 − 2·pad + adj per spatial dimension, adj < stride;
//   with target_shape (any value nonzero), pad and adj are derived instead: the total padding
//   t = stride·(in − 1) + dilate·(k − 1) + 1 − target must not be negative ("too big target shape"),
//   pad = ceil(t / 2), adj = t mod 2, so that out = target.
// It is the data gradient of the Convolution with the same kernel, stride, dilate and pad whose
// weight is this weight: forward is a GEMM per sample and group into columns plus col2im; the data
// gradient is that convolution's forward (im2col + GEMM), the weight gradient a GEMM against the
// same columns.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "../symbol/typed.hpp"
#include "convolution.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::DeconvolutionOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/deconvolution-inl.hpp.
struct DeconvolutionParam {
  Spatial kernel = {}, stride = {}, dilate = {}, pad = {}, adj = {},
          target_shape = {};  // empty = 1s / 1s / 0s / 0s / 0s / none
  std::int64_t num_filter = 0;
  std::int64_t num_group = 1;
  std::int64_t workspace = 512;
  bool no_bias = true;
  std::string cudnn_tune = {};  // None, fastest, limited_workspace, off
  bool cudnn_off = false;
  std::string layout = {};
  std::string name = {};

  constexpr int nsp() const { return kernel.n; }
  constexpr std::int64_t st(int i) const { return stride.n ? stride[i] : 1; }
  constexpr std::int64_t dil(int i) const { return dilate.n ? dilate[i] : 1; }
  constexpr bool has_target() const {
    for (int i = 0; i < target_shape.n; ++i)
      if (target_shape[i] != 0) return true;
    return false;
  }
};

struct DeconvolutionShapes {
  Shape out = Shape::unknown(), weight = Shape::unknown(), bias = Shape::unknown();
  Spatial pad, adj;  // the padding and adjustment in effect (derived from target_shape when given)
  const char* error = nullptr;
  int code =
      0;  // 1: data rank, 2: channels and num_group, 3: adj not below stride, 4: target too big, 5: no output
};

// The shape rule, usable at compile time.
constexpr DeconvolutionShapes deconvolution_rule(const Shape& data, const DeconvolutionParam& p) {
  DeconvolutionShapes r;
  const int ns = p.nsp();
  r.bias = Shape{p.num_filter};
  r.pad = Spatial::filled(ns, 0);
  r.adj = Spatial::filled(ns, 0);
  std::int64_t C = dyn;
  if (data.rank_known()) {
    if (data.ndim() != ns + 2) {
      r.error = "data must have 2 + (number of kernel dimensions) axes: (batch, channel, spatial...)";
      r.code = 1;
      return r;
    }
    C = data[1];
  }
  Shape w{C, p.num_filter / p.num_group};
  for (int i = 0; i < ns; ++i) w.push_back(p.kernel[i]);
  r.weight = w;
  if (C >= 0 && C % p.num_group != 0) {
    r.error = "the number of input channels must be divisible by num_group";
    r.code = 2;
    return r;
  }
  for (int i = 0; i < ns; ++i) {
    if (p.pad.n) r.pad[i] = p.pad[i];
    if (p.adj.n) r.adj[i] = p.adj[i];
  }
  if (!p.has_target())
    for (int i = 0; i < ns; ++i)
      if (r.adj[i] >= p.st(i)) {
        r.error = "adj must be smaller than stride in every dimension";
        r.code = 3;
        return r;
      }
  if (!data.rank_known()) return r;
  Shape out{data[0], p.num_filter};
  for (int i = 0; i < ns; ++i) {
    const std::int64_t in = data[i + 2];
    if (in < 0) {
      out.push_back(dyn);
      continue;
    }
    const std::int64_t full =
        add_size(add_size(mul_size(p.st(i), in - 1), mul_size(p.dil(i), p.kernel[i] - 1)), 1);
    if (p.has_target()) {
      const std::int64_t t = full - p.target_shape[i];
      if (t < 0) {
        r.error = "target_shape is larger than stride·(in − 1) + dilate·(kernel − 1) + 1, the largest output";
        r.code = 4;
        return r;
      }
      r.pad[i] = (t + 1) / 2;
      r.adj[i] = t % 2;
    }
    const std::int64_t o = add_size(full - mul_size(2, r.pad[i]), r.adj[i]);
    if (o < 1) {
      r.error =
          "pad leaves no output: stride·(in − 1) + dilate·(kernel − 1) + 1 − 2·pad + adj must be positive";
      r.code = 5;
      return r;
    }
    out.push_back(o);
  }
  r.out = out;
  return r;
}
// Operator classes (ops/deconvolution-inl.hpp).
class DeconvolutionBackward;
class Deconvolution;

}  // namespace ops

namespace sym {

using DeconvolutionOptions = ops::DeconvolutionParam;
// deconvolution(x, {.kernel = {4, 4}, .stride = {2, 2}, .pad = {1, 1}, .num_filter = 8}); weight
// (and bias, with .no_bias = false) become <name>_weight, <name>_bias unless given.
Symbol deconvolution(const Symbol& data, const Symbol& weight, const Symbol& bias,
                     const DeconvolutionOptions& o);
Symbol deconvolution(const Symbol& data, const DeconvolutionOptions& o);
Symbol Deconvolution(const Symbol& data, const DeconvolutionOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
// The parameters of a typed deconvolution (a constant expression).
constexpr DeconvolutionParam typed_deconvolution_param(Spatial kernel, Spatial stride, Spatial pad,
                                                       Spatial adj, Spatial dilate, Spatial target_shape,
                                                       std::int64_t num_filter, std::int64_t num_group) {
  return {.kernel = kernel,
          .stride = stride,
          .dilate = dilate,
          .pad = pad,
          .adj = adj,
          .target_shape = target_shape,
          .num_filter = num_filter,
          .num_group = num_group};
}
template <class A, Spatial K, Spatial S, Spatial P, Spatial Adj, Spatial D, Spatial T, std::int64_t F,
          std::int64_t G>
struct DeconvolutionOut {
  static constexpr Shape value =
      deconvolution_rule(A::shape, typed_deconvolution_param(K, S, P, Adj, D, T, F, G)).out;
};
}  // namespace ops
namespace why {
struct adj_must_be_smaller_than_stride;
struct target_shape_too_big;
struct padding_leaves_no_output;
}  // namespace why
namespace sym {
struct TypedDeconvolutionOptions {
  bool no_bias = true;
  std::string name = {};
};
// Typed: deconvolution<8, dims(4, 4), dims(2, 2), dims(1, 1)>(x) on a static (N, C, H, W) shape has
// the static output shape of MXNet's formula; adj, dilate, num_group and target_shape follow as
// further template arguments.
template <std::int64_t NumFilter, ops::Spatial Kernel, ops::Spatial Stride = ops::Spatial{},
          ops::Spatial Pad = ops::Spatial{}, ops::Spatial Adj = ops::Spatial{},
          ops::Spatial Dilate = ops::Spatial{}, std::int64_t NumGroup = 1,
          ops::Spatial TargetShape = ops::Spatial{}, Typed A>
auto deconvolution(const A& x, const TypedDeconvolutionOptions& o = {}) {
  static_assert(NumFilter >= 1 && NumGroup >= 1 && NumFilter % NumGroup == 0,
                "deconvolution: num_filter must be positive and divisible by num_group");
  static_assert(Kernel.n >= 1 && Kernel.n <= 3 && (Stride.n == 0 || Stride.n == Kernel.n) &&
                    (Pad.n == 0 || Pad.n == Kernel.n) && (Adj.n == 0 || Adj.n == Kernel.n) &&
                    (Dilate.n == 0 || Dilate.n == Kernel.n) &&
                    (TargetShape.n == 0 || TargetShape.n == Kernel.n),
                "deconvolution: stride, pad, adj, dilate and target_shape need as many values as the kernel");
  constexpr auto r = ops::deconvolution_rule(
      A::shape,
      ops::typed_deconvolution_param(Kernel, Stride, Pad, Adj, Dilate, TargetShape, NumFilter, NumGroup));
  if constexpr (r.code == 1) {
    static_shape_error<ops::Deconvolution, why::data_must_be_batch_channel_spatial,
                       typename A::shape_type>::raise();
  } else if constexpr (r.code == 2) {
    static_shape_error<ops::Deconvolution, why::channels_must_divide_by_num_group,
                       typename A::shape_type>::raise();
  } else if constexpr (r.code == 3) {
    static_shape_error<ops::Deconvolution, why::adj_must_be_smaller_than_stride,
                       typename A::shape_type>::raise();
  } else if constexpr (r.code == 4) {
    static_shape_error<ops::Deconvolution, why::target_shape_too_big, typename A::shape_type>::raise();
  } else if constexpr (r.code == 5) {
    static_shape_error<ops::Deconvolution, why::padding_leaves_no_output, typename A::shape_type>::raise();
  } else {
    using Out = to_static_t<
        ops::DeconvolutionOut<A, Kernel, Stride, Pad, Adj, Dilate, TargetShape, NumFilter, NumGroup>>;
    return TSym<Out>(deconvolution(Symbol(x), {.kernel = Kernel,
                                               .stride = Stride,
                                               .dilate = Dilate,
                                               .pad = Pad,
                                               .adj = Adj,
                                               .target_shape = TargetShape,
                                               .num_filter = NumFilter,
                                               .num_group = NumGroup,
                                               .no_bias = o.no_bias,
                                               .name = o.name}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
