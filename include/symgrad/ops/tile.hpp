// tile(data; reps): repeat the whole array along each axis (reps and data promoted to a common
//   rank with leading 1s). repeat(data; repeats, axis=None): repeat each element along `axis`
//   (None: of the flattened array). Both are strided copies over an expanded shape in which the
//   copies are a stride-0 dimension; the gradient sums dy over that dimension.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// Operator classes (ops/tile-inl.hpp).
class TileBackward;
class Tile;

}  // namespace ops

namespace sym {

Symbol tile(const Symbol& data, std::vector<std::int64_t> reps, std::string_view name = {});
struct RepeatOptions {
  std::int64_t repeats;
  std::int64_t axis = attr::kNone;  // None: repeat the flattened array
  std::string name = {};
};
Symbol repeat(const Symbol& data, const RepeatOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct tile_or_repeat_arguments_invalid;
}
namespace ops {
template <class A, std::int64_t... Reps>
struct TileOut {
  static constexpr std::array<std::int64_t, sizeof...(Reps)> reps{Reps...};
  static constexpr bool ok = [] {
    for (auto r : reps)
      if (r < 1) return false;
    return A::shape.ndim() <= kMaxRank && static_cast<int>(sizeof...(Reps)) <= kMaxRank;
  }();
  static constexpr Shape value = [] {
    if (!ok) return Shape::unknown();
    const Shape& in = A::shape;
    int nd = in.ndim() > static_cast<int>(reps.size()) ? in.ndim() : static_cast<int>(reps.size());
    Shape out;
    for (int d = 0; d < nd; ++d) {
      int id = d - (nd - in.ndim()), rd = d - (nd - static_cast<int>(reps.size()));
      std::int64_t din = id >= 0 ? in[id] : 1, r = rd >= 0 ? reps[rd] : 1;
      out.push_back(din < 0 ? dyn : mul_size(din, r));
    }
    return out;
  }();
};
template <class A, std::int64_t Repeats, std::int64_t Axis>
struct RepeatOut {
  static constexpr int ax = static_cast<int>(Axis < 0 ? Axis + A::shape.ndim() : Axis);
  static constexpr bool ok = Repeats >= 1 && ax >= 0 && ax < A::shape.ndim();
  static constexpr Shape value = [] {
    if (!ok) return Shape::unknown();
    Shape out = A::shape;
    out[ax] = out[ax] < 0 ? dyn : mul_size(out[ax], Repeats);
    return out;
  }();
};
}  // namespace ops
namespace sym {
template <std::int64_t... Reps, Typed A>
auto tile(const A& x, std::string_view name = {}) {
  using H = ops::TileOut<A, Reps...>;
  if constexpr (!H::ok) {
    static_shape_error<ops::Tile, why::tile_or_repeat_arguments_invalid, typename A::shape_type,
                       StaticShape<Reps...>>::raise();
  } else {
    return TSym<to_static_t<H>>(tile(Symbol(x), {Reps...}, name));
  }
}
template <std::int64_t Repeats, std::int64_t Axis, Typed A>
auto repeat(const A& x, std::string_view name = {}) {
  using H = ops::RepeatOut<A, Repeats, Axis>;
  if constexpr (!H::ok) {
    static_shape_error<ops::Tile, why::tile_or_repeat_arguments_invalid, typename A::shape_type,
                       StaticShape<Repeats, Axis>>::raise();
  } else {
    return TSym<to_static_t<H>>(
        repeat(Symbol(x), {.repeats = Repeats, .axis = Axis, .name = std::string(name)}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
