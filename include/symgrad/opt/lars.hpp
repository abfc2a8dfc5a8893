// mx.optimizer.LARS, layer-wise adaptive rate scaling (MXNet's multi_lars and
// preloaded_multi_sgd(_mom)_update kernels, as its updater calls them).
#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct LARSOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double momentum = 0.0;
  bool lazy_update = true;  // MXNet: for row-sparse gradients; no effect on dense arrays
  double eta = 0.001;       // the LARS coefficient
  double eps = 0.0;
  // Scale the momentum by the change of the scheduler's rate since the previous update
  // (Goyal et al., "Accurate, Large Minibatch SGD").
  bool momentum_correction = true;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// SGD (with momentum) at a rate scaled per array: for names not ending in gamma, beta or bias,
// lr * eta * |w| / (|g| * rescale_grad + wd * |w| + eps) when both norms are positive (g before
// clipping). With momentum_correction the momentum is momentum * lr_now / lr_before (the rates
// before multipliers, of this update and the previous one, of any index). Only names ending in
// _weight get weight decay by default (not _gamma, unlike the other optimizers).
class LARS : public Optimizer {
 public:
  explicit LARS(LARSOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {
    detail::check_momentum("LARS", o_.momentum);
  }
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const LARSOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  bool decayed_by_default(const std::string& name) const override;
  std::map<std::string, double> global_states() const override;
  void set_global_states(const std::map<std::string, double>& s) override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  LARSOptions o_;
  // MXNet's cur_lr and last_lr; NaN before the first update.
  double cur_lr_ = std::numeric_limits<double>::quiet_NaN();
  double last_lr_ = std::numeric_limits<double>::quiet_NaN();
};

namespace detail {

// Reads create()'s keyword arguments of LARS, before those that every optimizer takes.
void read_options(Params& p, LARSOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
