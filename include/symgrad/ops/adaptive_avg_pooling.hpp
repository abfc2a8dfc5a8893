// _contrib_AdaptiveAvgPooling2D(data; output_size=()): 4-D data (N, C, H, W) averaged over windows
// chosen for the output (N, C, oh, ow): output (i, j) is the mean of rows
// [floor(i·H/oh), ceil((i+1)·H/oh)) and columns [floor(j·W/ow), ceil((j+1)·W/ow)).
// output_size: () gives (1, 1), (s) gives (s, s), (oh, ow). Shape: (N, C, oh, ow).
// Gradient: dy / window size added to every pixel of its window.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// The parameters in MXNet's order; `name` names the node and is not an attribute. The attribute
// table is in ops/adaptive_avg_pooling-inl.hpp.
struct AdaptiveAvgPooling2DParam {
  std::vector<std::int64_t> output_size = {};
  std::string name = {};
};
// Operator classes (ops/adaptive_avg_pooling-inl.hpp).
class AdaptiveAvgPooling2D;
class AdaptiveAvgPooling2DBackward;
}  // namespace ops

namespace sym {
using AdaptiveAvgPooling2DOptions = ops::AdaptiveAvgPooling2DParam;
// adaptive_avg_pooling2d(x, {.output_size = {7, 7}})
Symbol adaptive_avg_pooling2d(const Symbol& data, const AdaptiveAvgPooling2DOptions& o = {});
namespace contrib {
// mx.sym.contrib.AdaptiveAvgPooling2D
Symbol AdaptiveAvgPooling2D(const Symbol& data, const AdaptiveAvgPooling2DOptions& o = {});
}  // namespace contrib
}  // namespace sym
}  // namespace SYMGRAD_NS
