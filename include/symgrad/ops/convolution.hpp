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

namespace SYMGRAD_NS {
namespace ops {

// Up to three spatial values (kernel, stride, dilate, pad), usable in constant expressions.
struct Spatial {
  int n = 0;
  std::array<std::int64_t, 3> v{};
  constexpr Spatial() = default;
  constexpr Spatial(std::initializer_list<std::int64_t> l) {
    for (auto x : l)
      if (n < 3) v[static_cast<std::size_t>(n++)] = x;
  }
  constexpr std::int64_t operator[](int i) const { return v[static_cast<std::size_t>(i)]; }
  constexpr std::int64_t& operator[](int i) { return v[static_cast<std::size_t>(i)]; }
  std::vector<std::int64_t> vec() const { return {v.begin(), v.begin() + n}; }
  static Spatial from(const std::vector<std::int64_t>& x) {
    Spatial s;
    for (auto e : x)
      if (s.n < 3)
        s.v[static_cast<std::size_t>(s.n++)] = e;
      else
        throw ValueError("at most 3 spatial dimensions are supported");
    return s;
  }
  static constexpr Spatial filled(int n, std::int64_t value) {
    Spatial s;
    s.n = n;
    for (int i = 0; i < n; ++i) s.v[static_cast<std::size_t>(i)] = value;
    return s;
  }
  friend constexpr bool operator==(const Spatial& a, const Spatial& b) {
    if (a.n != b.n) return false;
    for (int i = 0; i < a.n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
};

struct ConvolutionParam {
  Spatial kernel, stride, dilate, pad;  // stride/dilate/pad: empty = 1s/1s/0s
  std::int64_t num_filter = 0;
  std::int64_t num_group = 1;
  bool no_bias = false;
  std::int64_t workspace = 1024;
  int layout = 0;  // 0: not given (channels first by the kernel's rank); else 1, 2, 3 = NCW, NCHW, NCDHW

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
    const std::int64_t ext = p.dil(i) * (p.kernel[i] - 1) + 1, padded = in + 2 * p.pd(i);
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

struct ConvolutionOptions {
  std::vector<std::int64_t> kernel = {};
  std::int64_t num_filter = 0;
  std::vector<std::int64_t> stride = {}, dilate = {}, pad = {};
  std::int64_t num_group = 1;
  bool no_bias = false;
  std::int64_t workspace = 1024;
  std::string layout = {};
  std::string name = {};
};
ops::ConvolutionParam convolution_param(const ConvolutionOptions& o);
// convolution(x, {.kernel = {5, 5}, .num_filter = 20}); weight and bias become <name>_weight,
// <name>_bias unless given.
Symbol convolution(const Symbol& data, const Symbol& weight, const Symbol& bias, const ConvolutionOptions& o);
Symbol convolution(const Symbol& data, const ConvolutionOptions& o);
Symbol Convolution(const Symbol& data, const ConvolutionOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
template <class A, ConvolutionParam P>
struct ConvolutionOut {
  static constexpr Shape value = convolution_rule(A::shape, P).out;
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
  static_assert(Kernel.n >= 1 && (Stride.n == 0 || Stride.n == Kernel.n) &&
                    (Pad.n == 0 || Pad.n == Kernel.n) && (Dilate.n == 0 || Dilate.n == Kernel.n),
                "convolution: stride, pad and dilate need as many values as the kernel");
  constexpr ops::ConvolutionParam P{Kernel, Stride, Dilate, Pad, NumFilter, NumGroup, false, 1024, 0};
  constexpr auto r = ops::convolution_rule(A::shape, P);
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
    return TSym<to_static_t<ops::ConvolutionOut<A, P>>>(convolution(Symbol(x), {.kernel = Kernel.vec(),
                                                                                .num_filter = NumFilter,
                                                                                .stride = Stride.vec(),
                                                                                .dilate = Dilate.vec(),
                                                                                .pad = Pad.vec(),
                                                                                .num_group = NumGroup,
                                                                                .no_bias = o.no_bias,
                                                                                .name = o.name}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
