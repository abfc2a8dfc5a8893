// mx.optimizer.RMSProp: Tieleman & Hinton's, or Graves's centered form.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct RMSPropOptions {
  std::optional<double> learning_rate = 0.001;  // MXNet passes it on, overwriting a scheduler's base_lr
  double gamma1 = 0.9;
  double gamma2 = 0.9;  // centered only
  double epsilon = 1e-8;
  bool centered = false;
  double clip_weights = -1.0;  // <= 0: weights not clipped
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad + wd * w); n = (1 - gamma1) g^2 + gamma1 n; then
//   Tieleman & Hinton: w -= lr * g / sqrt(n + epsilon)
//   centered (Graves): s = (1 - gamma1) g + gamma1 s; delta = gamma2 delta - lr g / sqrt(n - s^2 + epsilon);
//                      w += delta
// and w is clipped to [-clip_weights, clip_weights].
class RMSProp : public Optimizer {
 public:
  explicit RMSProp(RMSPropOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  bool mxnet_state_is_tuple() const override { return true; }  // (n,) or (n, g, delta)
  const RMSPropOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  RMSPropOptions o_;
};

namespace detail {

// Reads create()'s keyword arguments of RMSProp, before those that every optimizer takes.
void read_options(Params& p, RMSPropOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
