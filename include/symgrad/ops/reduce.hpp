// sum, mean, max, min, prod (axis=() all axes, keepdims=False, exclude=False) and
// norm (ord=2|1, axis, keepdims).
// Shape: the reduced axes are removed (kept as 1 with keepdims); reducing everything without
// keepdims gives (1,), MXNet's legacy rule. Gradient: dy broadcast back (mean: / count;
// max/min: to every element equal to the result; prod: dy·y/x; norm: dy·x/y, ord 1: dy·sign(x)).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class ReduceKind { sum, mean, max, min, prod, norm };

struct ReduceParam {
  std::vector<std::int64_t> axis = {};  // empty: every axis
  bool keepdims = false;
  bool exclude = false;
  int ord = 2;  // norm only
};

// Which axes of a rank-n input are reduced; `error` names a bad axis.
struct ReduceAxes {
  std::array<bool, kMaxRank> reduced{};
  const char* error = nullptr;
  std::int64_t bad_axis = 0;
};
constexpr ReduceAxes reduce_axes(int ndim, const std::vector<std::int64_t>& axis, bool exclude) {
  ReduceAxes r;
  if (axis.empty()) {
    for (int d = 0; d < ndim; ++d) r.reduced[d] = !exclude;
    if (exclude)
      for (int d = 0; d < ndim; ++d) r.reduced[d] = false;
    return r;
  }
  std::array<bool, kMaxRank> listed{};
  for (auto a : axis) {
    std::int64_t d = a < 0 ? a + ndim : a;
    if (d < 0 || d >= ndim) {
      r.error = "exceeds the input's dimensions";
      r.bad_axis = a;
      return r;
    }
    if (listed[d]) {
      r.error = "is listed twice (reduction axes have duplicates)";
      r.bad_axis = a;
      return r;
    }
    listed[d] = true;
  }
  for (int d = 0; d < ndim; ++d) r.reduced[d] = exclude ? !listed[d] : listed[d];
  return r;
}
constexpr Shape reduce_shape(const Shape& in, const ReduceAxes& ax, bool keepdims) {
  Shape out;
  for (int d = 0; d < in.ndim(); ++d) {
    if (!ax.reduced[d])
      out.push_back(in[d]);
    else if (keepdims)
      out.push_back(1);
  }
  if (out.ndim() == 0) out.push_back(1);
  return out;
}

// Strides that map an input index to its output element (0 along reduced axes).
#if SYMGRAD_WITH_CUDA

#endif

// Operator classes (ops/reduce-inl.hpp).
class ReduceBackward;
class Reduce;

}  // namespace ops

namespace sym {

struct ReduceOptions {
  std::vector<std::int64_t> axis = {};
  bool keepdims = false;
  bool exclude = false;
  std::string name = {};
};
struct NormOptions {
  int ord = 2;
  std::vector<std::int64_t> axis = {};
  bool keepdims = false;
  std::string name = {};
};
namespace detail {
// A node of reduction k (the typed reductions build theirs with this).
Symbol reduce(ops::ReduceKind k, const ops::ReduceParam& p, const Symbol& x, std::string_view name);
}  // namespace detail
Symbol sum(const Symbol& x, const ReduceOptions& o = {});
Symbol mean(const Symbol& x, const ReduceOptions& o = {});
Symbol max(const Symbol& x, const ReduceOptions& o = {});
Symbol min(const Symbol& x, const ReduceOptions& o = {});
Symbol prod(const Symbol& x, const ReduceOptions& o = {});
Symbol norm(const Symbol& x, const NormOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct reduction_axis_out_of_range_or_repeated;
}
namespace ops {
template <class A, bool Keep, bool Exclude, std::int64_t... Axes>
struct ReduceOut {
  static constexpr ReduceAxes ax = [] {
    ReduceAxes r;
    constexpr std::int64_t axes[] = {Axes..., 0};
    const int nd = A::shape.ndim();
    if constexpr (sizeof...(Axes) == 0) {
      for (int d = 0; d < nd; ++d) r.reduced[d] = !Exclude;
      return r;
    }
    std::array<bool, kMaxRank> listed{};
    for (std::size_t i = 0; i < sizeof...(Axes); ++i) {
      std::int64_t d = axes[i] < 0 ? axes[i] + nd : axes[i];
      if (d < 0 || d >= nd || listed[d]) {
        r.error = "bad axis";
        return r;
      }
      listed[d] = true;
    }
    for (int d = 0; d < nd; ++d) r.reduced[d] = Exclude ? !listed[d] : listed[d];
    return r;
  }();
  static constexpr Shape value = ax.error ? Shape::unknown() : reduce_shape(A::shape, ax, Keep);
};
template <ReduceKind K, bool Keep, bool Exclude, std::int64_t... Axes, Typed A>
auto typed_reduce(const A& x, std::string_view name) {
  using H = ReduceOut<A, Keep, Exclude, Axes...>;
  if constexpr (H::ax.error != nullptr) {
    static_shape_error<Reduce, why::reduction_axis_out_of_range_or_repeated, typename A::shape_type,
                       StaticShape<Axes...>>::raise();
  } else {
    return TSym<to_static_t<H>>(
        sym::detail::reduce(K, ReduceParam{{Axes...}, Keep, Exclude, 2}, Symbol(x), name));
  }
}
}  // namespace ops
namespace sym {
// Typed reductions: sum<1>(x), mean<0, 2>(x), max<>(x) (all axes); keepdims / exclude forms.
template <std::int64_t... Axes, Typed A>
auto sum(const A& x, std::string_view name = {}) {
  return ops::typed_reduce<ops::ReduceKind::sum, false, false, Axes...>(x, name);
}
template <std::int64_t... Axes, Typed A>
auto mean(const A& x, std::string_view name = {}) {
  return ops::typed_reduce<ops::ReduceKind::mean, false, false, Axes...>(x, name);
}
template <std::int64_t... Axes, Typed A>
auto max(const A& x, std::string_view name = {}) {
  return ops::typed_reduce<ops::ReduceKind::max, false, false, Axes...>(x, name);
}
template <std::int64_t... Axes, Typed A>
auto min(const A& x, std::string_view name = {}) {
  return ops::typed_reduce<ops::ReduceKind::min, false, false, Axes...>(x, name);
}
template <std::int64_t... Axes, Typed A>
auto prod(const A& x, std::string_view name = {}) {
  return ops::typed_reduce<ops::ReduceKind::prod, false, false, Axes...>(x, name);
}
template <std::int64_t... Axes, Typed A>
auto sum_keepdims(const A& x, std::string_view name = {}) {
  return ops::typed_reduce<ops::ReduceKind::sum, true, false, Axes...>(x, name);
}
template <std::int64_t... Axes, Typed A>
auto mean_keepdims(const A& x, std::string_view name = {}) {
  return ops::typed_reduce<ops::ReduceKind::mean, true, false, Axes...>(x, name);
}
}  // namespace sym
}  // namespace SYMGRAD_NS
