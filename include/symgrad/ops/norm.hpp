// Normalisation layers, as MXNet 1.9.1 defines them:
// * LayerNorm(data, gamma, beta; axis=-1, eps=1e-5, output_mean_var=False): at every position of the
//   other axes, μ and the biased σ² along `axis`; y = γ·(x − μ)/sqrt(σ² + eps) + β, γ and β of shape
//   (C,), C = data.shape[axis]. Outputs: y, mean μ and std sqrt(σ² + eps), both of the data's shape
//   with `axis` set to 1 and visible with output_mean_var; no gradient flows back through them.
// * InstanceNorm(data, gamma, beta; eps=1e-3): data (N, C, spatial...), rank ≥ 3; μ and σ² of each
//   (n, c) over the spatial axes; y = γ_c·(x − μ)/sqrt(σ² + eps) + β_c. Hidden outputs mean, var (N, C).
//   Gradient of both, with s = sqrt(σ² + eps), x̂ = (x − μ)/s, g = dy·γ and means over one group:
//   dx = (g − mean(g) − x̂·mean(g·x̂))/s, dγ = Σ dy·x̂, dβ = Σ dy.
// * L2Normalization(data; eps=1e-10, mode='instance'): y = x/sqrt(Σx² + eps), the sum over
//   instance: every axis after the first (1-d data: each element alone); channel: axis 1 at each
//   (n, spatial position); spatial: the axes after 1 for each (n, c). channel and spatial need rank
//   ≥ 3. Hidden output norm, of shape (N,), the data's with axis 1 set to 1, or (N, C).
//   dx = (dy − y·Σ dy·y)/norm.
// * LRN(data; alpha=1e-4, beta=0.75, knorm=2, nsize): data (N, C, H, W), nsize odd and ≤ C;
//   n_c = knorm + alpha/nsize·Σ_{|j−c| ≤ nsize/2} x_j² (channels outside 0..C−1 omitted), y = x·n^−β,
//   hidden output tmp_norm = n; dx_c = dy_c·n_c^−β − 2αβ/nsize·x_c·Σ_{|j−c| ≤ nsize/2} dy_j·x_j·n_j^(−β−1).
// Differences: these are shape errors here, where MXNet fails only when running (InstanceNorm on
// rank < 3; LRN on data that is not 4-d or has fewer channels than nsize; even nsize) or not at all
// (InstanceNorm replaces a gamma or beta of the wrong shape by (C,)).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

struct LayerNormParam {
  int axis = -1;
  double eps = 1e-5;
  bool output_mean_var = false;
};
struct InstanceNormParam {
  double eps = 1e-3;
};
enum class L2Mode { instance, channel, spatial };
struct L2NormalizationParam {
  double eps = 1e-10;
  L2Mode mode = L2Mode::instance;
};
struct LRNParam {
  double alpha = 1e-4;
  double beta = 0.75;
  double knorm = 2;
  std::int64_t nsize = 0;  // required
};
// Operator classes (ops/norm-inl.hpp).
class MomentsNormBackward;
class LayerNorm;
class InstanceNorm;
class L2NormalizationBackward;
class L2Normalization;
class LRNBackward;
class LRN;

}  // namespace ops

namespace sym {

struct LayerNormOptions {
  int axis = -1;
  double eps = 1e-5;
  bool output_mean_var = false;
  std::string name = {};
};
// layer_norm(x, {.axis = 1}); gamma and beta become <name>_gamma, <name>_beta unless given.
Symbol layer_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta, const LayerNormOptions& o);
Symbol layer_norm(const Symbol& data, const LayerNormOptions& o = {});
Symbol LayerNorm(const Symbol& data, const LayerNormOptions& o = {});

struct InstanceNormOptions {
  double eps = 1e-3;
  std::string name = {};
};
Symbol instance_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta,
                     const InstanceNormOptions& o);
Symbol instance_norm(const Symbol& data, const InstanceNormOptions& o = {});
Symbol InstanceNorm(const Symbol& data, const InstanceNormOptions& o = {});

struct L2NormalizationOptions {
  double eps = 1e-10;
  std::string mode = "instance";  // instance, channel or spatial
  std::string name = {};
};
Symbol l2_normalization(const Symbol& data, const L2NormalizationOptions& o = {});
Symbol L2Normalization(const Symbol& data, const L2NormalizationOptions& o = {});

struct LRNOptions {
  std::int64_t nsize = 0;  // required: the odd window width
  double alpha = 1e-4;
  double beta = 0.75;
  double knorm = 2;
  std::string name = {};
};
// lrn(x, {.nsize = 5})
Symbol lrn(const Symbol& data, const LRNOptions& o);
Symbol LRN(const Symbol& data, const LRNOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed: each keeps the static shape of its data (the visible output only).
template <Typed A>
auto layer_norm(const A& x, const LayerNormOptions& o = {}) {
  static_assert(A::shape.rank_known() && A::shape.ndim() >= 1, "layer_norm: data needs at least one axis");
  if (o.output_mean_var)
    throw ValueError("typed layer_norm has one output; use the Symbol form for output_mean_var");
  return TSym<typename A::shape_type>(layer_norm(Symbol(x), o));
}
template <Typed A>
auto instance_norm(const A& x, const InstanceNormOptions& o = {}) {
  static_assert(A::shape.rank_known() && A::shape.ndim() >= 3,
                "instance_norm: data must be (batch, channel, spatial...), rank 3 or more");
  return TSym<typename A::shape_type>(instance_norm(Symbol(x), o));
}
template <Typed A>
auto l2_normalization(const A& x, const L2NormalizationOptions& o = {}) {
  static_assert(A::shape.rank_known() && A::shape.ndim() >= 1,
                "l2_normalization: data needs at least one axis");
  return TSym<typename A::shape_type>(l2_normalization(Symbol(x), o));
}
template <Typed A>
auto lrn(const A& x, const LRNOptions& o) {
  static_assert(A::shape.rank_known() && A::shape.ndim() == 4,
                "lrn: data must be 4-d (batch, channel, height, width)");
  return TSym<typename A::shape_type>(lrn(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
