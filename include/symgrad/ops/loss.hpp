// Loss heads and gradient blocking.
// MakeLoss(data; grad_scale=1, valid_thresh=0, normalization=null|batch|valid): forward identity;
//   backward ignores any head gradient and writes grad_scale (null), grad_scale / rows of the 2-D
//   view (batch), or grad_scale / max(1, #(data > valid_thresh)) (valid): the objective is Σ data.
// BlockGrad(data): forward identity; no gradient to its input; its output needs no head gradient.
// Shapes: output = data.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class LossNorm { null, batch, valid };

struct MakeLossParam {
  double grad_scale = 1.0;
  double valid_thresh = 0.0;
  LossNorm normalization = LossNorm::null;
};
// Operator classes (ops/loss-inl.hpp).
class MakeLossBackward;
class MakeLoss;
class BlockGrad;

}  // namespace ops

namespace sym {

struct MakeLossOptions {
  double grad_scale = 1.0;
  double valid_thresh = 0.0;
  std::string normalization = "null";  // null, batch, valid
  std::string name = {};
};
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
