// mx.optimizer.Adam (MXNet's adam_update kernel).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct AdamOptions {
  std::optional<double> learning_rate = 0.001;  // MXNet passes it on, overwriting a scheduler's base_lr
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  bool lazy_update = true;  // MXNet: for row-sparse gradients; no effect on dense arrays
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad + wd * w); m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
// w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon), t the index's update count.
class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdamOptions& options() const { return o_; }
  bool has_gpu_kernel() const override;

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdamOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of Adam, before those that every optimizer takes.
void read_options(Params& p, AdamOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
