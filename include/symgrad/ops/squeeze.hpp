// Operators that re-view their data with another shape, read from attributes or from a second
// input (the values and their order stay; the gradient is dy re-viewed with the data's shape).
// squeeze(data; axis=None): removes the given axes, which must have size 1, or every size-1
//   axis; an array of ones keeps one axis ((1, 1) -> (1,)), as MXNet.
// reshape_like(lhs, rhs; lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None): lhs with
//   lhs's axes [lhs_begin, lhs_end) replaced by rhs's axes [rhs_begin, rhs_end) (all of them
//   when none is given); the sizes must agree. rhs gets no gradient (zeros, as MXNet).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/squeeze-inl.hpp).
class Squeeze;
class ReshapeLike;

// The shape rule of squeeze, for bind and for typed expressions: `error` says what is wrong with
// `bad_axis`; an unknown output (no error) waits for unknown dimensions.
struct SqueezeResult {
  Shape out = Shape::unknown();
  const char* error = nullptr;
  std::int64_t bad_axis = 0;
};
constexpr SqueezeResult squeeze_rule(const Shape& in, const std::int64_t* axes, std::size_t n) {
  SqueezeResult r;
  if (!in.rank_known()) return r;
  std::array<bool, kMaxRank> drop{};
  if (n == 0)
    for (int d = 0; d < in.ndim(); ++d) {
      if (in[d] < 0) return r;  // whether it goes is not known yet
      drop[d] = in[d] == 1;
    }
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t a = axes[i], d = a < 0 ? a + in.ndim() : a;
    r.bad_axis = a;
    if (d < 0 || d >= in.ndim())
      r.error = "the axis is out of range";
    else if (drop[d])
      r.error = "the axis is given twice";
    else if (in[d] >= 0 && in[d] != 1)
      r.error = "its size is not 1";
    if (r.error) return r;
    drop[d] = true;
  }
  Shape out;
  for (int d = 0; d < in.ndim(); ++d)
    if (!drop[d]) out.push_back(in[d]);
  if (out.ndim() == 0) out.push_back(1);
  r.out = out;
  return r;
}
}  // namespace ops

namespace sym {
struct SqueezeOptions {
  std::vector<std::int64_t> axis = {};  // empty: MXNet's None, every size-1 axis
  std::string name = {};
};
// squeeze(x, {.axis = {1}}): (2, 1, 3) -> (2, 3).
Symbol squeeze(const Symbol& data, const SqueezeOptions& o = {});

struct ReshapeLikeOptions {
  std::optional<std::int64_t> lhs_begin = {}, lhs_end = {}, rhs_begin = {}, rhs_end = {};
  std::string name = {};
};
// reshape_like(a, b): a's values with b's shape.
Symbol reshape_like(const Symbol& lhs, const Symbol& rhs, const ReshapeLikeOptions& o = {});
}  // namespace sym

namespace why {
struct squeeze_axis_invalid;
}
namespace ops {
template <class A, std::int64_t... Axes>
struct SqueezeOut {
  static constexpr std::array<std::int64_t, sizeof...(Axes)> axes{Axes...};
  static constexpr SqueezeResult r = squeeze_rule(A::shape, axes.data(), axes.size());
  static constexpr Shape value = r.out;
};
}  // namespace ops
namespace sym {
// Typed: squeeze<1>(x) checks the axes against x's static shape at compile time (an unknown
// dimension there is taken to be 1). Without axes the result's rank depends on the values of
// unknown dimensions, so squeeze(x) gives a Symbol.
template <std::int64_t Axis, std::int64_t... More, Typed A>
auto squeeze(const A& x, std::string_view name = {}) {
  using H = ops::SqueezeOut<A, Axis, More...>;
  if constexpr (H::r.error != nullptr) {
    static_shape_error<ops::Squeeze, why::squeeze_axis_invalid, typename A::shape_type,
                       StaticShape<Axis, More...>>::raise();
  } else {
    return TSym<to_static_t<H>>(squeeze(Symbol(x), {.axis = {Axis, More...}, .name = std::string(name)}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
