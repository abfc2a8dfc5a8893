// Loss heads and gradient blocking.
// MakeLoss(data; grad_scale=1, valid_thresh=0, normalization=null|batch|valid): forward identity;
//   backward ignores any head gradient and writes grad_scale (null), grad_scale / rows of the 2-D
//   view (batch), or grad_scale / max(1, #(data > valid_thresh)) (valid): the objective is Σ data.
// BlockGrad(data): forward identity; no gradient to its input; its output needs no head gradient.
// Shapes: output = data.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "../symbol/typed.hpp"
#include "choice.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class LossNorm { null, batch, valid };
template <>
inline constexpr std::array<std::string_view, 3> enum_names<LossNorm>{"null", "batch", "valid"};

// The parameters in MXNet's order (sym::MakeLossOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/loss-inl.hpp.
struct MakeLossParam {
  double grad_scale = 1.0;
  double valid_thresh = 0.0;
  Choice<LossNorm> normalization = LossNorm::null;  // or by name: .normalization = "batch"
  std::string name = {};
};
// Operator classes (ops/loss-inl.hpp).
class MakeLossBackward;
class MakeLoss;
class BlockGrad;

}  // namespace ops

namespace sym {

using MakeLossOptions = ops::MakeLossParam;
Symbol make_loss(const Symbol& data, const MakeLossOptions& o = {});
Symbol MakeLoss(const Symbol& data, const MakeLossOptions& o = {});

Symbol block_grad(const Symbol& data, std::string_view name = {});
Symbol BlockGrad(const Symbol& data, std::string_view name = {});
Symbol stop_gradient(const Symbol& data, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed forms keep the static shape of their input.
template <Typed A>
TSym<typename A::shape_type> make_loss(const A& data, const MakeLossOptions& o = {}) {
  return TSym<typename A::shape_type>(make_loss(Symbol(data), o));
}
template <Typed A>
TSym<typename A::shape_type> block_grad(const A& data, std::string_view name = {}) {
  return TSym<typename A::shape_type>(block_grad(Symbol(data), name));
}
}  // namespace SYMGRAD_NS::sym
