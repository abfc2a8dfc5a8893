// mx.optimizer.Signum (MXNet's signum_update and signsgd_update kernels): SGD on the sign of
// the momentum (signSGD without momentum).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct SignumOptions {
  std::optional<double> learning_rate = 0.01;  // MXNet passes it on, overwriting a scheduler's base_lr
  double momentum = 0.9;
  double wd_lh = 0.0;  // decoupled weight decay (Loshchilov and Hutter)
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// With momentum: mom = momentum * mom - (1 - momentum) * (wd * w + clip(rescale_grad * g));
// w = (1 - lr * wd_lh) * w + lr * sign(mom). Without (momentum 0): w = (1 - lr * wd) * w - lr * sign(g)
// (MXNet's signsgd ignores rescale_grad, clip_gradient and wd_lh).
class Signum : public Optimizer {
 public:
  explicit Signum(SignumOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {
    detail::check_momentum("Signum", o_.momentum);
  }
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const SignumOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  SignumOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of Signum, before those that every optimizer takes.
void read_options(Params& p, SignumOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
