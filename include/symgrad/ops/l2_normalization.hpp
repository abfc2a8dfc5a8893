// L2Normalization(data; eps=1e-10, mode=instance|channel|spatial), as MXNet 1.9.1 defines it:
// y = x/sqrt(Σx² + eps), the sum over
//   instance: every axis after the first (1-d data: each element alone);
//   channel: axis 1, at each (n, spatial position);
//   spatial: the axes after 1, for each (n, c).
// Shape: y has the data's shape; channel and spatial need rank ≥ 3. The hidden output norm has
// shape (N,), the data's with axis 1 set to 1, or (N, C).
// Gradient: dx = (dy − y·Σ dy·y)/norm, the sum over the same elements.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"
#include "choice.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class L2Mode { instance, channel, spatial };
template <>
inline constexpr std::array<std::string_view, 3> enum_names<L2Mode>{"instance", "channel", "spatial"};

// The parameters in MXNet's order (sym::L2NormalizationOptions); `name` names the node and is not
// an attribute. The attribute table is in ops/l2_normalization-inl.hpp.
struct L2NormalizationParam {
  double eps = 1e-10;
  Choice<L2Mode> mode = L2Mode::instance;  // or by name: .mode = "channel"
  std::string name = {};
};
// Operator classes (ops/l2_normalization-inl.hpp).
class L2NormalizationBackward;
class L2Normalization;

}  // namespace ops

namespace sym {

using L2NormalizationOptions = ops::L2NormalizationParam;
// l2_normalization(x, {.mode = "channel"})
Symbol l2_normalization(const Symbol& data, const L2NormalizationOptions& o = {});
Symbol L2Normalization(const Symbol& data, const L2NormalizationOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed: the static shape of the data (the visible output only).
template <Typed A>
auto l2_normalization(const A& x, const L2NormalizationOptions& o = {}) {
  static_assert(A::shape.rank_known() && A::shape.ndim() >= 1,
                "l2_normalization: data needs at least one axis");
  return TSym<typename A::shape_type>(l2_normalization(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
