// slice_like(data, shape_like; axes=()): the leading part of data with shape_like's sizes along
// `axes` (every axis when empty; then the ranks must be equal); data[:m0, :m1, ...].
// A negative axis counts from the end of data's rank, as MXNet. Shape: data's, with
// shape_like's sizes on those axes (each at most data's).
// Gradient: dy in the leading part of zeros; shape_like gets none (zeros, as MXNet).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/slice_like-inl.hpp).
class SliceLike;
class SliceLikeBackward;
}  // namespace ops

namespace sym {
struct SliceLikeOptions {
  std::vector<std::int64_t> axes = {};
  std::string name = {};
};
// slice_like(x, y, {.axes = {1}}): x (4, 6), y (2, 3) -> (4, 3).
Symbol slice_like(const Symbol& data, const Symbol& shape_like, const SliceLikeOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
