// AdamW, Adam with decoupled weight decay: MXNet 1.9.1 has it as the operator
// mx.nd.contrib.adamw_update (src/operator/contrib/adamw-inl.h), not as an mx.optimizer class;
// this optimizer runs that operator's update, registered as "adamw".
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct AdamWOptions {
  std::optional<double> learning_rate = 0.001;  // MXNet passes it on, overwriting a scheduler's base_lr
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double eta = 1.0;           // the operator's schedule multiplier of the whole step
  bool correct_bias = false;  // lr x sqrt(1 - beta2^t) / (1 - beta1^t), t the index's update count
  double wd = 0.0;
  double rescale_grad = 1.0;    // 0, NaN or infinite: the update is skipped, as the operator does
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad); m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
// w -= eta * (lr * m / (sqrt(v) + epsilon) + wd * w). The operator has no bias correction;
// correct_bias folds Adam's into lr, as GluonNLP's BERTAdam does around the same operator.
// States (mean, var), a tuple in .states files as Adam's.
class AdamW : public Optimizer {
 public:
  explicit AdamW(AdamWOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdamWOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdamWOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of AdamW, before those that every optimizer takes.
void read_options(Params& p, AdamWOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
