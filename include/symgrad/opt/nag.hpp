// mx.optimizer.NAG: SGD with Nesterov momentum.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct NAGOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double momentum = 0.0;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// Nesterov momentum: g = clip(rescale_grad * grad); mom = momentum * mom;
// w += (momentum + 1) * (mom - lr * (g + wd * w)) - mom; mom -= lr * (g + wd * w_new), with the
// weight already updated (MXNet's kernel writes the weight in place before it updates the
// momentum). Without momentum, plain SGD.
class NAG : public Optimizer {
 public:
  explicit NAG(NAGOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {
    detail::check_momentum("NAG", o_.momentum);
  }
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const NAGOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  NAGOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of NAG, before those that every optimizer takes.
void read_options(Params& p, NAGOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
