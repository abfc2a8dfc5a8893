// Operators that re-view their data with another shape, read from attributes or from a second
// input (the values and their order stay; the gradient is dy re-viewed with the data's shape).
// squeeze(data; axis=None): removes the given axes, which must have size 1, or every size-1
//   axis; an array of ones keeps one axis ((1, 1) -> (1,)), as MXNet.
// reshape_like(lhs, rhs; lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None): lhs with
//   lhs's axes [lhs_begin, lhs_end) replaced by rhs's axes [rhs_begin, rhs_end) (all of them
//   when none is given); the sizes must agree. rhs gets no gradient (zeros, as MXNet).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/squeeze-inl.hpp).
class Squeeze;
class ReshapeLike;
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
}  // namespace SYMGRAD_NS
