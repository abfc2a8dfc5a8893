// BatchNorm(data, gamma, beta, moving_mean, moving_var; eps=1e-3, momentum=0.9, fix_gamma=True,
// use_global_stats=False, output_mean_var=False, axis=1), as MXNet 1.9.1:
// * gamma, beta (C,) are arguments; moving_mean, moving_var (C,) auxiliary states; C = data.shape[axis];
// * training (and not use_global_stats): per channel the batch mean μ and biased variance σ² over
//   every other axis, y = γ·(x − μ)/sqrt(σ² + eps) + β; otherwise the moving statistics;
// * fix_gamma: γ is taken as 1 (the forward writes 1 into gamma) and gets gradient 0;
// * outputs: the normalised data, and the mean and variance used (visible with output_mean_var);
// * gradient with batch statistics: dx = γ/sqrt(σ²+eps)/M·(M·dy − Σdy − x̂·Σdy·x̂), dγ = Σdy·x̂,
//   dβ = Σdy, M the elements per channel; with global statistics dx = dy·γ/sqrt(var+eps).
// Difference: the moving statistics are updated in the training forward,
// m ← m·momentum + μ·(1 − momentum) and v ← v·momentum + σ²·(1 − momentum), as MXNet's GPU path
// and PyTorch do (MXNet's CPU path waits for backward).
#pragma once
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::BatchNormOptions); `name` names the node and is not an
// attribute. cudnn_off and the calibration ranges are kept and written back, and change nothing
// here. The attribute table is in ops/batch_norm-inl.hpp.
// BatchNorm of one channel as y = x · scale + shift, from gamma, beta and the mean and variance
// it normalises with (in double; BatchNorm's forward and the fused inference convolution).
inline std::pair<double, double> batch_norm_affine(double gamma, double beta, double mean, double var,
                                                   double eps) {
  const double scale = gamma / std::sqrt(var + eps);
  return {scale, beta - mean * scale};
}

struct BatchNormParam {
  double eps = 1e-3;
  double momentum = 0.9;
  bool fix_gamma = true;
  bool use_global_stats = false;
  bool output_mean_var = false;
  int axis = 1;
  bool cudnn_off = false;
  std::optional<double> min_calib_range = {}, max_calib_range = {};
  std::string name = {};
};
// Operator classes (ops/batch_norm-inl.hpp).
class BatchNormBackward;
class BatchNorm;

}  // namespace ops

namespace sym {

using BatchNormOptions = ops::BatchNormParam;
// batch_norm(x, {.fix_gamma = false}); gamma, beta, moving_mean and moving_var become
// <name>_gamma … unless given; the moving statistics are auxiliary states.
Symbol batch_norm(const Symbol& data, const Symbol& gamma, const Symbol& beta, const Symbol& moving_mean,
                  const Symbol& moving_var, const BatchNormOptions& o);
Symbol batch_norm(const Symbol& data, const BatchNormOptions& o = {});
Symbol BatchNorm(const Symbol& data, const BatchNormOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed: batch_norm keeps the static shape of its data.
template <Typed A>
auto batch_norm(const A& x, const BatchNormOptions& o = {}) {
  static_assert(A::shape.rank_known() && A::shape.ndim() >= 2,
                "batch_norm: data needs a batch and a channel axis");
  return TSym<typename A::shape_type>(batch_norm(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
