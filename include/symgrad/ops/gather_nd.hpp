// gather_nd(data, indices): indices (M, Y0, ..., Yk) hold M coordinates into data's first M axes
//   (M <= data's rank); output[y] = data[indices[0, y], ..., indices[M−1, y]], a slice of the
//   remaining axes. Shape: (Y0, ..., Yk, X_M, ..., X_{N−1}); indices need rank at least 2.
//   Gradient: dy added into the slices taken (_backward_gather_nd, a scatter-add); none to the
//   indices.
// scatter_nd(data, indices; shape): zeros of `shape` with data's slices written at the
//   coordinates (data (Y0, ..., Yk, shape[M:])). Gradient: gather_nd of dy; none to the indices.
// Coordinates are truncated to integers; one in [−n, −1] counts from the end of its axis, as in
// MXNet's gather_nd. A coordinate outside [−n, n−1] (or NaN) is a ValueError naming it and the
// axis. scatter_nd writes repeated coordinates in order (the last one stays).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/gather_nd-inl.hpp).
class GatherND;
class GatherNDBackward;
class ScatterND;
}  // namespace ops

namespace sym {
Symbol gather_nd(const Symbol& data, const Symbol& indices, std::string_view name = {});
struct ScatterNDOptions {
  std::vector<std::int64_t> shape = {};  // required: the output's shape
  std::string name = {};
};
Symbol scatter_nd(const Symbol& data, const Symbol& indices, const ScatterNDOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS
