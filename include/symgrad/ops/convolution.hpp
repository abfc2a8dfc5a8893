// Convolution(data, weight, bias; kernel, num_filter, stride, dilate, pad, num_group=1,
// no_bias=False, workspace=1024, layout) for 1, 2 and 3 spatial dimensions, channels first
// (NCW, NCHW, NCDHW), as MXNet 1.9.1:
//   weight (num_filter, C / num_group, k...), bias (num_filter,),
//   out = floor((in + 2·pad − (dilate·(k − 1) + 1)) / stride) + 1 per spatial dimension.
// CPU: per sample and group, im2col into the executor's workspace and one GEMM; backward: the
// weight gradient as GEMMs against the same columns, the data gradient as a GEMM into columns
// and col2im. Depthwise convolutions (one input channel per group) skip the columns: direct
// loops over (sample, filter) planes on the thread pool. Channels-last layouts are errors (MXNet runs them on
// GPUs only).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"
#include "spatial.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::ConvolutionOptions); `name` names the node and is not an
// attribute. cudnn_tune and cudnn_off are kept and written back, and change nothing here. The
// attribute table is in ops/convolution-inl.hpp.
struct ConvolutionParam {
  Spatial kernel = {}, stride = {}, dilate = {}, pad = {};  // stride/dilate/pad: empty = 1s/1s/0s
  std::int64_t num_filter = 0;
  std::int64_t num_group = 1;
  std::int64_t workspace = 1024;
  bool no_bias = false;
  std::string cudnn_tune = {};  // None, fastest, limited_workspace, off
  bool cudnn_off = false;
  std::string layout = {};  // channels first (NCW, NCHW, NCDHW) or empty: by the kernel's rank
  std::string name = {};

  constexpr int nsp() const { return kernel.n; }
  constexpr std::int64_t st(int i) const { return stride.n ? stride[i] : 1; }
  constexpr std::int64_t dil(int i) const { return dilate.n ? dilate[i] : 1; }
  constexpr std::int64_t pd(int i) const { return pad.n ? pad[i] : 0; }
};

struct ConvolutionShapes {
  Shape out = Shape::unknown(), weight = Shape::unknown(), bias = Shape::unknown();
  const char* error = nullptr;
  int code = 0;  // 1: data rank, 2: channels and num_group, 3: kernel larger than the input
};

// The shape rule, usable at compile time.
constexpr ConvolutionShapes convolution_rule(const Shape& data, const ConvolutionParam& p) {
  ConvolutionShapes r;
  const int ns = p.nsp();
  r.bias = Shape{p.num_filter};
  std::int64_t C = dyn;
  if (data.rank_known()) {
    if (data.ndim() != ns + 2) {
      r.error = "data must have 2 + (number of kernel dimensions) axes: (batch, channel, spatial...)";
      r.code = 1;
      return r;
    }
    C = data[1];
  }
  Shape w{p.num_filter, C < 0 ? dyn : C / p.num_group};
  for (int i = 0; i < ns; ++i) w.push_back(p.kernel[i]);
  r.weight = w;
  if (C >= 0 && C % p.num_group != 0) {
    r.error = "the number of input channels must be divisible by num_group";
    r.code = 2;
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
    const std::int64_t ext = add_size(mul_size(p.dil(i), p.kernel[i] - 1), 1),
                       padded = add_size(in, mul_size(2, p.pd(i)));
    if (ext > padded) {
      r.error = "the (dilated) kernel is larger than the padded input";
      r.code = 3;
      return r;
    }
    out.push_back((padded - ext) / p.st(i) + 1);
  }
  r.out = out;
  return r;
}
// Operator classes (ops/convolution-inl.hpp).
class ConvolutionBackward;
class Convolution;

}  // namespace ops

namespace sym {

using ConvolutionOptions = ops::ConvolutionParam;
// convolution(x, {.kernel = {5, 5}, .num_filter = 20}); weight and bias become <name>_weight,
// <name>_bias unless given.
Symbol convolution(const Symbol& data, const Symbol& weight, const Symbol& bias, const ConvolutionOptions& o);
Symbol convolution(const Symbol& data, const ConvolutionOptions& o);
Symbol Convolution(const Symbol& data, const ConvolutionOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
// The parameters of a typed convolution (a constant expression).
constexpr ConvolutionParam typed_convolution_param(Spatial kernel, Spatial stride, Spatial pad,
                                                   Spatial dilate, std::int64_t num_filter,
                                                   std::int64_t num_group) {
  return {.kernel = kernel,
          .stride = stride,
          .dilate = dilate,
          .pad = pad,
          .num_filter = num_filter,
          .num_group = num_group};
}
template <class A, Spatial K, Spatial S, Spatial P, Spatial D, std::int64_t F, std::int64_t G>
struct ConvolutionOut {
  static constexpr Shape value = convolution_rule(A::shape, typed_convolution_param(K, S, P, D, F, G)).out;
};
}  // namespace ops
namespace why {
struct data_must_be_batch_channel_spatial;
struct channels_must_divide_by_num_group;
struct kernel_larger_than_padded_input;
}  // namespace why
namespace sym {
// Kernel, stride, pad and dilate values for the typed convolution and pooling: dims(5, 5).
template <class... I>
constexpr ops::Spatial dims(I... v) {
  return ops::Spatial{static_cast<std::int64_t>(v)...};
}
struct TypedConvolutionOptions {
  bool no_bias = false;
  std::string name = {};
};
// Typed: convolution<20, dims(5, 5)>(x) on a static (N, C, H, W) shape has the static output
// shape of MXNet's formula; stride, pad, dilate and num_group are further template arguments.
// A kernel larger than the padded input, or channels that num_group does not divide, do not compile.
template <std::int64_t NumFilter, ops::Spatial Kernel, ops::Spatial Stride = ops::Spatial{},
          ops::Spatial Pad = ops::Spatial{}, ops::Spatial Dilate = ops::Spatial{}, std::int64_t NumGroup = 1,
          Typed A>
auto convolution(const A& x, const TypedConvolutionOptions& o = {}) {
  static_assert(NumFilter >= 1 && NumGroup >= 1 && NumFilter % NumGroup == 0,
                "convolution: num_filter must be positive and divisible by num_group");
  static_assert(Kernel.n >= 1 && Kernel.n <= 3 && (Stride.n == 0 || Stride.n == Kernel.n) &&
                    (Pad.n == 0 || Pad.n == Kernel.n) && (Dilate.n == 0 || Dilate.n == Kernel.n),
                "convolution: stride, pad and dilate need as many values as the kernel");
  constexpr auto r = ops::convolution_rule(
      A::shape, ops::typed_convolution_param(Kernel, Stride, Pad, Dilate, NumFilter, NumGroup));
  if constexpr (r.code == 1) {
    static_shape_error<ops::Convolution, why::data_must_be_batch_channel_spatial,
                       typename A::shape_type>::raise();
  } else if constexpr (r.code == 2) {
    static_shape_error<ops::Convolution, why::channels_must_divide_by_num_group,
                       typename A::shape_type>::raise();
  } else if constexpr (r.code == 3) {
    static_shape_error<ops::Convolution, why::kernel_larger_than_padded_input,
                       typename A::shape_type>::raise();
  } else {
    using Out = to_static_t<ops::ConvolutionOut<A, Kernel, Stride, Pad, Dilate, NumFilter, NumGroup>>;
    return TSym<Out>(convolution(Symbol(x), {.kernel = Kernel,
                                             .stride = Stride,
                                             .dilate = Dilate,
                                             .pad = Pad,
                                             .num_filter = NumFilter,
                                             .num_group = NumGroup,
                                             .no_bias = o.no_bias,
                                             .name = o.name}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
