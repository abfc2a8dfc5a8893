// Broadcasting one array to a larger shape of the same rank: size-1 axes repeat.
// broadcast_to(data; shape): to `shape`, whose 0s keep the data's size.
// broadcast_axis(data; axis=(), size=()) (alias broadcast_axes): axis[i], of size 1, becomes size[i].
// broadcast_like(lhs, rhs; lhs_axes=None, rhs_axes=None): lhs to rhs's shape; with both axes
//   given, only lhs's axes lhs_axes[i] take the sizes of rhs's axes rhs_axes[i].
// Gradient: dy summed over the broadcast axes; rhs of broadcast_like gets none (zeros, as MXNet).
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
// Operator classes (ops/broadcast_to-inl.hpp).
class BroadcastTo;
class BroadcastToBackward;

// The shape rule of broadcast_to, for bind and for typed expressions: `error` says what is wrong
// (with axis `bad_axis` where one is to blame).
struct BroadcastToResult {
  Shape out = Shape::unknown();
  const char* error = nullptr;
  int bad_axis = -1;
};
constexpr BroadcastToResult broadcast_to_rule(const Shape& in, const std::int64_t* shape, std::size_t n) {
  BroadcastToResult r;
  if (!in.rank_known()) return r;
  if (static_cast<int>(n) != in.ndim()) {
    r.error = "the shapes must have the same rank (reshape or expand_dims first)";
    return r;
  }
  Shape out = in;
  for (int d = 0; d < in.ndim(); ++d) {
    r.bad_axis = d;
    if (shape[d] < 0) {
      r.error = "sizes must be positive, or 0 to keep the data's size";
      return r;
    }
    if (shape[d] == 0) continue;
    if (in[d] >= 0 && in[d] != shape[d] && in[d] != 1) {
      r.error = "only size-1 axes (or equal sizes) broadcast";
      return r;
    }
    out[d] = shape[d];
  }
  r.bad_axis = -1;
  r.out = out;
  return r;
}
}  // namespace ops

namespace sym {
// broadcast_to(x, {2, 0, 3}): (1, 4, 1) -> (2, 4, 3).
Symbol broadcast_to(const Symbol& data, std::vector<std::int64_t> shape, std::string_view name = {});

struct BroadcastAxisOptions {
  std::vector<std::int64_t> axis = {};
  std::vector<std::int64_t> size = {};
  std::string name = {};
};
// broadcast_axis(x, {.axis = {0, 2}, .size = {2, 4}}): (1, 3, 1) -> (2, 3, 4).
Symbol broadcast_axis(const Symbol& data, const BroadcastAxisOptions& o);
Symbol broadcast_axes(const Symbol& data, const BroadcastAxisOptions& o);

struct BroadcastLikeOptions {
  std::optional<std::vector<std::int64_t>> lhs_axes = {};
  std::optional<std::vector<std::int64_t>> rhs_axes = {};
  std::string name = {};
};
// broadcast_like(a, b): a broadcast to b's shape.
Symbol broadcast_like(const Symbol& lhs, const Symbol& rhs, const BroadcastLikeOptions& o = {});
}  // namespace sym

namespace why {
struct data_does_not_broadcast_to_the_shape;
}
namespace ops {
template <class A, std::int64_t... Dims>
struct BroadcastToOut {
  static constexpr std::array<std::int64_t, sizeof...(Dims)> dims{Dims...};
  static constexpr BroadcastToResult r = broadcast_to_rule(A::shape, dims.data(), dims.size());
  static constexpr Shape value = r.out;
};
}  // namespace ops
namespace sym {
// Typed: broadcast_to<2, 0, 3>(x) checks the shape against x's static shape at compile time.
template <std::int64_t... Dims, Typed A>
auto broadcast_to(const A& x, std::string_view name = {}) {
  using H = ops::BroadcastToOut<A, Dims...>;
  if constexpr (H::r.error != nullptr) {
    static_shape_error<ops::BroadcastTo, why::data_does_not_broadcast_to_the_shape, typename A::shape_type,
                       StaticShape<Dims...>>::raise();
  } else {
    return TSym<to_static_t<H>>(broadcast_to(Symbol(x), {Dims...}, name));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
