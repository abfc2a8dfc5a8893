// _arange(; start, stop=None, step=1, repeat=1, infer_range=False, ctx, dtype=float32) (sym
// name arange): no inputs; start, start + step, ... up to stop (exclusive), each value `repeat`
// times; with stop None the range is [0, start). Shape: (ceil((stop − start) / step)·repeat,).
// Gradient: none (a constant). infer_range=True (the length taken from the consumer) is not
// supported: a ValueError says so.
#pragma once
#include <optional>
#include <string>

#include "../core/dtype.hpp"
#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator class (ops/arange-inl.hpp).
class Arange;
}  // namespace ops

namespace sym {
struct ArangeOptions {
  std::optional<double> stop = {};
  double step = 1.0;
  std::int64_t repeat = 1;
  bool infer_range = false;
  DType dtype = DType::float32;
  std::string name = {};
};
// arange(1, {.stop = 7, .step = 2}): 1, 3, 5. arange(5): 0 ... 4.
Symbol arange(double start, const ArangeOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
