// Pooling(data; kernel, pool_type='max'|'avg'|'sum'|'lp', global_pool=False, pooling_convention=
// 'valid'|'full'|'same', stride=1s, pad=0s, count_include_pad=True, layout) over 1, 2 or 3
// channels-first spatial dimensions, as MXNet 1.9.1:
//   valid out = floor((in + 2p − k) / s) + 1; full out = ceil((in + 2p − k) / s) + 1;
//   same out = ceil((in + 2p) / s); global_pool gives 1 per spatial dimension.
// A window covers [o·s − p, o·s − p + k) clipped to the input; avg divides by the window clipped
// to the padded input (count_include_pad) or to the input. max sends the gradient to the first
// largest element of each window. lp (p_value required) is MXNet's signed p-norm of the window,
// out = (Σ x^p)^(1/p) with x^p keeping its sign for odd p (p = 1 is the sum), and the gradient
// dy·(x / out)^(p − 1) (0 where out is 0, for p > 1).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../symbol/typed.hpp"
#include "choice.hpp"
#include "convolution.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class PoolType { max, avg, sum, lp };
enum class PoolConvention { valid, full, same };

template <>
inline constexpr std::array<std::string_view, 4> enum_names<PoolType>{"max", "avg", "sum", "lp"};
template <>
inline constexpr std::array<std::string_view, 3> enum_names<PoolConvention>{"valid", "full", "same"};

// The parameters in MXNet's order (sym::PoolingOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/pooling-inl.hpp.
struct PoolingParam {
  Spatial kernel = {};
  Choice<PoolType> pool_type = PoolType::max;  // or by name: .pool_type = "avg"
  bool global_pool = false;
  bool cudnn_off = false;
  Choice<PoolConvention> pooling_convention = PoolConvention::valid;
  Spatial stride = {}, pad = {};
  std::optional<int> p_value = {};  // lp only: the power
  bool count_include_pad = true;
  std::string layout = {};  // as ConvolutionParam::layout
  std::string name = {};

  constexpr int power() const { return p_value.value_or(0); }
  constexpr std::int64_t st(int i) const { return stride.n ? stride[i] : 1; }
  constexpr std::int64_t pd(int i) const { return pad.n ? pad[i] : 0; }
};

struct PoolingShapes {
  Shape out = Shape::unknown();
  const char* error = nullptr;
};

constexpr PoolingShapes pooling_rule(const Shape& data, const PoolingParam& p) {
  PoolingShapes r;
  if (!data.rank_known()) return r;
  const int ns = data.ndim() - 2;
  if (ns < 1 || ns > 3) {
    r.error = "data must have 3, 4 or 5 axes: (batch, channel, spatial...)";
    return r;
  }
  if (!p.global_pool && p.kernel.n != ns) {
    r.error = "kernel must have one value per spatial axis of the data";
    return r;
  }
  Shape out{data[0], data[1]};
  for (int i = 0; i < ns; ++i) {
    const std::int64_t in = data[i + 2];
    if (p.global_pool) {
      out.push_back(1);
      continue;
    }
    if (in < 0) {
      out.push_back(dyn);
      continue;
    }
    const std::int64_t k = p.kernel[i], s = p.st(i), padded = add_size(in, mul_size(2, p.pd(i)));
    if (p.pooling_convention == PoolConvention::same) {
      out.push_back((padded + s - 1) / s);
      continue;
    }
    if (k > padded) {
      r.error = "the kernel is larger than the padded input";
      return r;
    }
    out.push_back(p.pooling_convention == PoolConvention::valid ? (padded - k) / s + 1
                                                                : (padded - k + s - 1) / s + 1);
  }
  r.out = out;
  return r;
}
// Operator classes (ops/pooling-inl.hpp).
class PoolingBackward;
class Pooling;

}  // namespace ops

namespace sym {

using PoolingOptions = ops::PoolingParam;
Symbol pooling(const Symbol& data, const PoolingOptions& o);
Symbol Pooling(const Symbol& data, const PoolingOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS
namespace SYMGRAD_NS {
namespace ops {
// The parameters of a typed pooling (a constant expression).
constexpr PoolingParam typed_pooling_param(Spatial kernel, Spatial stride, Spatial pad, bool global) {
  return {.kernel = kernel, .global_pool = global, .stride = stride, .pad = pad};
}
template <class A, Spatial K, Spatial S, Spatial P, bool Global>
struct PoolingOut {
  static constexpr Shape value = pooling_rule(A::shape, typed_pooling_param(K, S, P, Global)).out;
};
}  // namespace ops
namespace why {
struct pooling_data_or_kernel_does_not_fit;
}
namespace sym {
struct TypedPoolingOptions {
  std::string pool_type = "max";
  std::string pooling_convention = "valid";
  bool count_include_pad = true;
  std::string name = {};
};
// Typed: pooling<dims(2, 2), dims(2, 2)>(x) (kernel, stride, pad) has the static output shape of
// the 'valid' convention; a kernel larger than the padded input does not compile.
template <ops::Spatial Kernel, ops::Spatial Stride = ops::Spatial{}, ops::Spatial Pad = ops::Spatial{},
          Typed A>
auto pooling(const A& x, const TypedPoolingOptions& o = {}) {
  if constexpr (ops::pooling_rule(A::shape, ops::typed_pooling_param(Kernel, Stride, Pad, false)).error !=
                nullptr) {
    static_shape_error<ops::Pooling, why::pooling_data_or_kernel_does_not_fit,
                       typename A::shape_type>::raise();
  } else {
    if (o.pooling_convention != "valid")
      throw ValueError(
          "typed pooling: only pooling_convention 'valid' has a static shape; use the Symbol form for '" +
          o.pooling_convention + "'");
    return TSym<to_static_t<ops::PoolingOut<A, Kernel, Stride, Pad, false>>>(
        pooling(Symbol(x), {.kernel = Kernel,
                            .pool_type = o.pool_type,
                            .stride = Stride,
                            .pad = Pad,
                            .count_include_pad = o.count_include_pad,
                            .name = o.name}));
  }
}
// Typed global pooling: (N, C, spatial...) -> (N, C, 1...).
template <Typed A>
auto global_pooling(const A& x, const TypedPoolingOptions& o = {}) {
  if constexpr (ops::pooling_rule(A::shape, ops::typed_pooling_param({}, {}, {}, true)).error != nullptr) {
    static_shape_error<ops::Pooling, why::pooling_data_or_kernel_does_not_fit,
                       typename A::shape_type>::raise();
  } else {
    return TSym<to_static_t<ops::PoolingOut<A, ops::Spatial{}, ops::Spatial{}, ops::Spatial{}, true>>>(
        pooling(Symbol(x), {.pool_type = o.pool_type, .global_pool = true, .name = o.name}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
