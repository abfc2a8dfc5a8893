// take(a, indices; axis=0, mode='clip'): the slices of `a` along `axis` at the given indices
// (truncated to integers); shape a.shape[:axis] + indices.shape + a.shape[axis+1:]. mode clip
// limits indices to [0, n−1], wrap takes them modulo n, raise makes an index outside [−n, n−1] a
// ValueError (negative ones counting from the end). A NaN index is a ValueError in every mode.
// Gradient: dy added into the taken slices of a; indices get none.
#pragma once
#include <cstdint>
#include <string>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/take-inl.hpp).
class Take;
class TakeBackward;
}  // namespace ops

namespace sym {
struct TakeOptions {
  std::int64_t axis = 0;
  std::string mode = "clip";  // clip, wrap or raise
  std::string name = {};
};
// take(weights, ids): rows of weights, as Embedding without its checks on ids.
Symbol take(const Symbol& a, const Symbol& indices, const TakeOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
