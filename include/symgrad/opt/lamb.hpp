// mx.optimizer.LAMB, layer-wise adaptive moments (MXNet's multi_lamb_update kernel, as its
// updater calls it; lamb_update_phase1/phase2 compute the same).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct LAMBOptions {
  std::optional<double> learning_rate = 0.001;  // MXNet passes it on, overwriting a scheduler's base_lr
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-6;
  std::optional<double> lower_bound = {};  // of the weight's norm in the trust ratio; <= 0: none
  std::optional<double> upper_bound = {};
  bool bias_correction = true;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad); m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
// r = m^ / (sqrt(v^) + epsilon) + wd * w, with m^ = m / (1 - beta1^t), v^ = v / (1 - beta2^t)
// (m and v without bias_correction); w -= lr * ||w|| / ||r|| * r, ||w|| bounded by lower_bound
// and upper_bound, and a ratio of 1 where either norm is 0.
class LAMB : public Optimizer {
 public:
  explicit LAMB(LAMBOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const LAMBOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  LAMBOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of LAMB, before those that every optimizer takes.
void read_options(Params& p, LAMBOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
