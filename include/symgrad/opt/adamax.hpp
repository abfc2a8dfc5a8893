// mx.optimizer.Adamax, Adam with the infinity norm (MXNet computes it with NDArray operations).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct AdamaxOptions {
  std::optional<double> learning_rate = 0.002;  // MXNet passes it on, overwriting a scheduler's base_lr
  double beta1 = 0.9;
  double beta2 = 0.999;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad + wd * w); m = beta1 m + (1 - beta1) g; u = max(beta2 u, |g|);
// w -= lr / (1 - beta1^t) * m / u. States mean (m), var (u).
class Adamax : public Optimizer {
 public:
  explicit Adamax(AdamaxOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdamaxOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdamaxOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of Adamax, before those that every optimizer takes.
void read_options(Params& p, AdamaxOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
