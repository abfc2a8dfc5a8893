// Cast(data; dtype): the values converted to `dtype` (float32, float64, float16, uint8, int32, int64).
// Shape: the data's. Type: the output is `dtype`, whatever the input's.
// Gradient: dy cast back to the data's dtype.
// Differences: a float converted to an integer type saturates at the type's range and NaN gives
// 0 (MXNet's static_cast is undefined there).
//
// amp_cast(data; dtype): AMP's cast. float32 and float16 data become `dtype`; data of any other
// dtype passes unchanged. Shape: the data's. Type: forward only, as MXNet's (an output type does
// not decide the input's). Gradient: dy cast back to the data's dtype (_backward_amp_cast).
//
// amp_multicast(data_0 .. data_{n-1}; num_outputs = n, cast_narrow=False): AMP's cast of several
// inputs to one float type. Output i has input i's shape. Type, as MXNet 1.9.1: the target is
// float32 when any input or output is float32, else the first input's dtype (cast_narrow: float16
// when any is float16, else float32); outputs of float32/float16 inputs take the target, the
// others keep their input's dtype. Gradient: dy_i cast back to data_i's dtype
// (_backward_amp_multicast).
//
// float16 is a storage type in symgrad: these three operators (with their backward ones) are the
// only kernels that take it. amp::to_float32 rewrites an AMP graph to run in float32.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../core/dtype.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/cast-inl.hpp).
class Cast;
class CastBackward;
class AmpCast;
class AmpMultiCast;
class AmpMultiCastBackward;

// amp_multicast's parameters in MXNet's order; `name` names the node.
struct AmpMultiCastParam {
  std::int64_t num_outputs = 1;  // set from the inputs by sym::amp_multicast
  bool cast_narrow = false;
  std::string name = {};
};
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

// amp_cast(x, DType::float16): MXNet's amp_cast.
Symbol amp_cast(const Symbol& data, DType dtype, std::string_view name = {});
// amp_multicast({a, b}, {.cast_narrow = false}): one output per input (s[0], s[1] ...);
// num_outputs is the number of inputs.
using AmpMultiCastOptions = ops::AmpMultiCastParam;
Symbol amp_multicast(const std::vector<Symbol>& data, const AmpMultiCastOptions& o = {});
}  // namespace sym

namespace amp {
// A copy of `sym` that runs in float32, for deploying a float16 (AMP) graph on kernels that are
// float32: amp_cast and Cast to float16 become casts to float32, amp_multicast with cast_narrow
// casts to the widest type instead, and variables declared float16 (__dtype__ 2) become float32.
// Node names are kept, so the same .params load (float16 values convert on load).
Symbol to_float32(const Symbol& sym);
}  // namespace amp
}  // namespace SYMGRAD_NS
