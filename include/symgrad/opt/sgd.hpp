// mx.optimizer.SGD: stochastic gradient descent, with momentum when momentum > 0 (MXNet's
// sgd_update and sgd_mom_update kernels).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct SGDOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double momentum = 0.0;
  bool lazy_update = true;  // MXNet: for row-sparse gradients; no effect on dense arrays
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// mom = momentum * mom - lr * wd * w - lr * clip(rescale_grad * g); w += mom (mom = 0 without momentum).
class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {
    detail::check_momentum("SGD", o_.momentum);
  }
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const SGDOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  bool has_gpu_kernel() const override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  SGDOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of SGD, before those that every optimizer takes.
void read_options(Params& p, SGDOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
