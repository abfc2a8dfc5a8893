// one_hot(indices; depth, on_value=1, off_value=0, dtype): indices.shape + (depth,); an index
//   outside [0, depth) gives a row of off_value (as MXNet). No gradient to the indices.
// argmax / argmin(data; axis=None, keepdims=False): index of the first extreme value, as a float
//   of data's dtype; axis None looks at the flattened array and gives (1,). No gradient.
// pick(data, index; axis=-1, keepdims=False, mode=clip|wrap): data's element at `index` along
//   `axis`. Gradient: dy scattered back to the picked positions; none to the index.
// where(condition, x, y): x where condition != 0, else y; condition has x's shape or is 1-D
//   over x's first axis. Gradient: dy to x or y by the condition; none to the condition.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "../symbol/typed.hpp"
#include "choice.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::OneHotOptions, ArgOptions, PickOptions); `name` names the
// node and is not an attribute. The attribute tables are in ops/indexing-inl.hpp.
struct OneHotParam {
  std::int64_t depth = 0;
  double on_value = 1.0, off_value = 0.0;
  DType dtype = DType::float32;
  std::string name = {};
};

struct ArgParam {
  std::int64_t axis = attr::kNone;  // None: the flattened array
  bool keepdims = false;
  std::string name = {};
};

enum class PickMode { clip, wrap };
template <>
inline constexpr std::array<std::string_view, 2> enum_names<PickMode>{"clip", "wrap"};
struct PickParam {
  std::int64_t axis = -1;
  bool keepdims = false;
  Choice<PickMode> mode = PickMode::clip;  // or by name: .mode = "wrap"
  std::string name = {};
};
// Operator classes (ops/indexing-inl.hpp).
class OneHot;
class ArgExtreme;
class PickBackward;
class Pick;
class WhereBackward;
class Where;

}  // namespace ops

namespace sym {

using OneHotOptions = ops::OneHotParam;
Symbol one_hot(const Symbol& indices, const OneHotOptions& o);
using ArgOptions = ops::ArgParam;
Symbol argmax(const Symbol& data, const ArgOptions& o = {});
Symbol argmin(const Symbol& data, const ArgOptions& o = {});
using PickOptions = ops::PickParam;
Symbol pick(const Symbol& data, const Symbol& index, const PickOptions& o = {});
Symbol where(const Symbol& condition, const Symbol& x, const Symbol& y, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct axis_out_of_range;
}
namespace ops {
template <class A, std::int64_t Depth>
struct OneHotOut {
  static constexpr Shape value = [] {
    Shape s = A::shape;
    s.push_back(Depth);
    return s;
  }();
};
template <class A, std::int64_t Axis>
struct DropAxisOut {
  static constexpr int ax = static_cast<int>(Axis < 0 ? Axis + A::shape.ndim() : Axis);
  static constexpr bool ok = ax >= 0 && ax < A::shape.ndim();
  static constexpr Shape value = [] {
    Shape s;
    for (int d = 0; d < A::shape.ndim(); ++d)
      if (d != ax) s.push_back(A::shape[d]);
    if (s.ndim() == 0) s.push_back(1);
    return s;
  }();
};
}  // namespace ops
namespace sym {
template <std::int64_t Depth, Typed A>
auto one_hot(const A& indices, std::string_view name = {}) {
  static_assert(Depth >= 1, "one_hot: depth must be at least 1");
  return TSym<to_static_t<ops::OneHotOut<A, Depth>>>(
      one_hot(Symbol(indices), {.depth = Depth, .name = std::string(name)}));
}
template <std::int64_t Axis, Typed A>
auto argmax(const A& x, std::string_view name = {}) {
  using H = ops::DropAxisOut<A, Axis>;
  if constexpr (!H::ok) {
    static_shape_error<ops::ArgExtreme, why::axis_out_of_range, typename A::shape_type,
                       std::integral_constant<std::int64_t, Axis>>::raise();
  } else {
    return TSym<to_static_t<H>>(argmax(Symbol(x), {.axis = Axis, .name = std::string(name)}));
  }
}
template <std::int64_t Axis, Typed A>
auto argmin(const A& x, std::string_view name = {}) {
  using H = ops::DropAxisOut<A, Axis>;
  if constexpr (!H::ok) {
    static_shape_error<ops::ArgExtreme, why::axis_out_of_range, typename A::shape_type,
                       std::integral_constant<std::int64_t, Axis>>::raise();
  } else {
    return TSym<to_static_t<H>>(argmin(Symbol(x), {.axis = Axis, .name = std::string(name)}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
