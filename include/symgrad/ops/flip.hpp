// reverse(data; axis) (alias flip): the elements in reverse order along each axis of `axis` (an
// axis or a tuple; negative counts from the end). Shape: the data's.
// Gradient: dy reversed along the same axes.
#pragma once
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator class (ops/flip-inl.hpp).
class Reverse;
}  // namespace ops

namespace sym {
// flip(x, {1}): columns in reverse order. MXNet writes the node as `reverse`.
Symbol reverse(const Symbol& data, std::vector<std::int64_t> axis, std::string_view name = {});
Symbol flip(const Symbol& data, std::vector<std::int64_t> axis, std::string_view name = {});
// Typed: the data's static shape (the axes are checked when the graph is bound).
template <Typed A>
auto reverse(const A& x, std::vector<std::int64_t> axis, std::string_view name = {}) {
  return TSym<typename A::shape_type>(reverse(Symbol(x), std::move(axis), name));
}
template <Typed A>
auto flip(const A& x, std::vector<std::int64_t> axis, std::string_view name = {}) {
  return TSym<typename A::shape_type>(reverse(Symbol(x), std::move(axis), name));
}
}  // namespace sym
}  // namespace SYMGRAD_NS
