// Dropout(data; p=0.5, mode=training|always, axes=()): in training (or always), each element is
// kept with probability 1-p and scaled by 1/(1-p), else zeroed; `axes` share one draw along the
// listed axes. Inference is the identity. The mask is a hidden second output; masks come from
// the executor's generator (BindOptions::seed), so a seed gives the same masks every run.
// Gradient: dy · mask.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../symbol/typed.hpp"
#include "choice.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class DropoutMode { training, always };
template <>
inline constexpr std::array<std::string_view, 2> enum_names<DropoutMode>{"training", "always"};

// The parameters in MXNet's order (sym::DropoutOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/dropout-inl.hpp.
struct DropoutParam {
  double p = 0.5;
  Choice<DropoutMode> mode = DropoutMode::training;  // or by name: .mode = "always"
  std::vector<std::int64_t> axes = {};
  bool cudnn_off = false;
  std::string name = {};
};

// Operator classes (ops/dropout-inl.hpp).
class DropoutBackward;
class Dropout;

}  // namespace ops

namespace sym {

using DropoutOptions = ops::DropoutParam;
Symbol dropout(const Symbol& data, const DropoutOptions& o = {});
Symbol Dropout(const Symbol& data, const DropoutOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
template <Typed A>
TSym<typename A::shape_type> dropout(const A& x, const DropoutOptions& o = {}) {
  return TSym<typename A::shape_type>(dropout(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
