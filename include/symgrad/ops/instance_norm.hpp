// InstanceNorm(data, gamma, beta; eps=1e-3), as MXNet 1.9.1 defines it: data (N, C, spatial...),
// rank ≥ 3; μ and σ² of each (n, c) over the spatial axes; y = γ_c·(x − μ)/sqrt(σ² + eps) + β_c,
// γ and β of shape (C,).
// Shape: y has the data's shape; hidden outputs mean and var, (N, C).
// Gradient, with s = sqrt(σ² + eps), x̂ = (x − μ)/s, g = dy·γ and means over one (n, c):
// dx = (g − mean(g) − x̂·mean(g·x̂))/s, dγ = Σ dy·x̂, dβ = Σ dy.
// Differences: data of rank < 3 is a shape error here (MXNet fails only when running), and so is a
// gamma or beta of the wrong shape (MXNet replaces it by (C,)).
#pragma once
#include <memory>
#include <string>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::InstanceNormOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/instance_norm-inl.hpp.
struct InstanceNormParam {
  double eps = 1e-3;
  std::string name = {};
};
// Operator classes (ops/instance_norm-inl.hpp; the backward, shared with LayerNorm, in
// ops/norm_common-inl.hpp).
class MomentsNormBackward;
class InstanceNorm;

}  // namespace ops

namespace sym {

using InstanceNormOptions = ops::InstanceNormParam;
// instance_norm(x, {.eps = 1e-5}); gamma and beta become <name>_gamma, <name>_beta unless given.
Symbol instance_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta,
                     const InstanceNormOptions& o);
Symbol instance_norm(const Symbol& data, const InstanceNormOptions& o = {});
Symbol InstanceNorm(const Symbol& data, const InstanceNormOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed: the static shape of the data (the visible output only).
template <Typed A>
auto instance_norm(const A& x, const InstanceNormOptions& o = {}) {
  static_assert(A::shape.rank_known() && A::shape.ndim() >= 3,
                "instance_norm: data must be (batch, channel, spatial...), rank 3 or more");
  return TSym<typename A::shape_type>(instance_norm(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
