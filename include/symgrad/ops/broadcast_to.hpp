// Broadcasting one array to a larger shape of the same rank: size-1 axes repeat.
// broadcast_to(data; shape): to `shape`, whose 0s keep the data's size.
// broadcast_axis(data; axis=(), size=()) (alias broadcast_axes): axis[i], of size 1, becomes size[i].
// broadcast_like(lhs, rhs; lhs_axes=None, rhs_axes=None): lhs to rhs's shape; with both axes
//   given, only lhs's axes lhs_axes[i] take the sizes of rhs's axes rhs_axes[i].
// Gradient: dy summed over the broadcast axes; rhs of broadcast_like gets none (zeros, as MXNet).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/broadcast_to-inl.hpp).
class BroadcastTo;
class BroadcastToBackward;
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
}  // namespace SYMGRAD_NS
