// mx.optimizer.AdaGrad.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct AdaGradOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double eps = 1e-7;                         // MXNet's name (float_stable_eps), inside the sqrt
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad); h += g^2; w -= lr * (g / sqrt(h + eps) + wd * w).
class AdaGrad : public Optimizer {
 public:
  explicit AdaGrad(AdaGradOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdaGradOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdaGradOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of AdaGrad, before those that every optimizer takes.
void read_options(Params& p, AdaGradOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
