// mx.optimizer.AdaDelta.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct AdaDeltaOptions {
  std::optional<double> learning_rate = {};  // accepted as by MXNet, but AdaDelta has no learning rate
  double rho = 0.90;
  double epsilon = 1e-5;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad); acc_g = rho acc_g + (1 - rho) g^2;
// d = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g; acc_delta = rho acc_delta + (1 - rho) d^2;
// w -= d + wd * w. (No learning rate, so lr_mult has no effect: MXNet's rule.)
class AdaDelta : public Optimizer {
 public:
  explicit AdaDelta(AdaDeltaOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdaDeltaOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdaDeltaOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of AdaDelta, before those that every optimizer takes.
void read_options(Params& p, AdaDeltaOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
