// stack(arg0..arg{n-1}; axis=0, num_args): joins equally shaped arrays along a new axis; the
// output has the inputs' shape with n inserted at `axis` (-ndim-1 <= axis <= ndim, negative counts
// from the end of the output). gluon's unroll(..., merge_outputs=True) writes it. Gradient: dy
// split along `axis`, the axis removed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator class (ops/stack-inl.hpp).
class Stack;
}  // namespace ops

namespace sym {
struct StackOptions {
  std::int64_t axis = 0;
  std::string name = {};
};
// stack({a, b, c}, {.axis = 1}): (N, C) arrays become (N, 3, C).
Symbol stack(const std::vector<Symbol>& data, const StackOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
