// mx.optimizer.FTML, Follow the Moving Leader (MXNet's ftml_update kernel).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct FTMLOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double beta1 = 0.6;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad + wd * w); v = beta2 v + (1 - beta2) g^2;
// d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - beta2^t)) + epsilon);
// z = beta1 z + (1 - beta1) g - (d_t - beta1 d_(t-1)) w; w = -z / d_t. States d, v, z.
class FTML : public Optimizer {
 public:
  explicit FTML(FTMLOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const FTMLOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  FTMLOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of FTML, before those that every optimizer takes.
void read_options(Params& p, FTMLOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
