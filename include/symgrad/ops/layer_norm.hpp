// LayerNorm(data, gamma, beta; axis=-1, eps=1e-5, output_mean_var=False), as MXNet 1.9.1 defines it:
// at every position of the other axes, μ and the biased σ² along `axis`;
// y = γ·(x − μ)/sqrt(σ² + eps) + β, γ and β of shape (C,), C = data.shape[axis].
// Shape: y has the data's shape; the outputs mean μ and std sqrt(σ² + eps) have it with `axis` set
// to 1, and are visible with output_mean_var.
// Gradient, with s = sqrt(σ² + eps), x̂ = (x − μ)/s, g = dy·γ and means along `axis`:
// dx = (g − mean(g) − x̂·mean(g·x̂))/s, dγ = Σ dy·x̂, dβ = Σ dy; none flows back through mean and std.
#pragma once
#include <memory>
#include <string>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::LayerNormOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/layer_norm-inl.hpp.
struct LayerNormParam {
  int axis = -1;
  double eps = 1e-5;
  bool output_mean_var = false;
  std::string name = {};
};
// Operator classes (ops/layer_norm-inl.hpp; the backward, shared with InstanceNorm, in
// ops/norm_common-inl.hpp).
class MomentsNormBackward;
class LayerNorm;

}  // namespace ops

namespace sym {

using LayerNormOptions = ops::LayerNormParam;
// layer_norm(x, {.axis = 1}); gamma and beta become <name>_gamma, <name>_beta unless given.
Symbol layer_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta, const LayerNormOptions& o);
Symbol layer_norm(const Symbol& data, const LayerNormOptions& o = {});
Symbol LayerNorm(const Symbol& data, const LayerNormOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed: the static shape of the data (the visible output only).
template <Typed A>
auto layer_norm(const A& x, const LayerNormOptions& o = {}) {
  static_assert(A::shape.rank_known() && A::shape.ndim() >= 1, "layer_norm: data needs at least one axis");
  if (o.output_mean_var)
    throw ValueError("typed layer_norm has one output; use the Symbol form for output_mean_var");
  return TSym<typename A::shape_type>(layer_norm(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
