// mx.optimizer.Nadam, Adam with Nesterov momentum (MXNet computes it with NDArray operations).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct NadamOptions {
  std::optional<double> learning_rate = 0.001;  // MXNet passes it on, overwriting a scheduler's base_lr
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double schedule_decay = 0.004;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad + wd * w); mu_t = beta1 (1 - 0.5 * 0.96^(t schedule_decay));
// m_schedule *= mu_t (one product over every update, of any index, as MXNet keeps it);
// m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
// m_bar = (1 - mu_t) g / (1 - m_schedule) + mu_(t+1) m / (1 - m_schedule mu_(t+1));
// w -= lr * m_bar / (sqrt(v / (1 - beta2^t)) + epsilon). States mean, var; m_schedule is saved
// with them.
class Nadam : public Optimizer {
 public:
  explicit Nadam(NadamOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const NadamOptions& options() const { return o_; }

 protected:
  std::map<std::string, double> global_states() const override;
  void set_global_states(const std::map<std::string, double>& s) override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  NadamOptions o_;
  double m_schedule_ = 1.0;
};

namespace detail {

// Reads create()'s keyword arguments of Nadam, before those that every optimizer takes.
void read_options(Params& p, NadamOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
