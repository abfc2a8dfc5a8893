// Cast(data; dtype): the values converted to `dtype` (float32, float64, float16, uint8, int32, int64).
// Shape: the data's. Type: the output is `dtype`, whatever the input's.
// Gradient: dy cast back to the data's dtype.
// Differences: a float converted to an integer type saturates at the type's range and NaN gives
// 0 (MXNet's static_cast is undefined there).
#pragma once
#include <string_view>

#include "../core/dtype.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/cast-inl.hpp).
class Cast;
class CastBackward;
}  // namespace ops

namespace sym {
// cast(x, DType::int32): MXNet's Cast, the graph form of NDArray::astype.
Symbol cast(const Symbol& data, DType dtype, std::string_view name = {});
Symbol Cast(const Symbol& data, DType dtype, std::string_view name = {});
// Typed: the data's static shape.
template <Typed A>
auto cast(const A& x, DType dtype, std::string_view name = {}) {
  return TSym<typename A::shape_type>(cast(Symbol(x), dtype, name));
}
}  // namespace sym
}  // namespace SYMGRAD_NS
