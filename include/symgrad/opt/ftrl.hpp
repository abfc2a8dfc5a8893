// mx.optimizer.Ftrl, Follow the Regularized Leader (MXNet's ftrl_update kernel).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct FtrlOptions {
  double lamda1 = 0.01;  // L1 regularization (MXNet's spelling)
  // MXNet keeps it aside: with an lr_scheduler the scheduler's base_lr stands.
  std::optional<double> learning_rate = 0.1;
  double beta = 1.0;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad); z += g - (sqrt(n + g^2) - sqrt(n)) * w / lr; n += g^2;
// w = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) where |z| > lamda1, else 0. States z, n.
class Ftrl : public Optimizer {
 public:
  explicit Ftrl(FtrlOptions o = {}) : Optimizer(common_of(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const FtrlOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  FtrlOptions o_;
  static detail::Common common_of(const FtrlOptions& o) {
    detail::Common c = detail::common(o);
    if (o.lr_scheduler) c.learning_rate.reset();
    return c;
  }
};

namespace detail {

// Reads create()'s keyword arguments of Ftrl, before those that every optimizer takes.
void read_options(Params& p, FtrlOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
