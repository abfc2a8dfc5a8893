// mx.optimizer.SGLD, stochastic gradient Langevin dynamics (MXNet 1.9.1's SGLD.update).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../ndarray/random.hpp"
#include "optimizer_base.hpp"

namespace SYMGRAD_NS::opt {

struct SGLDOptions {
  std::uint64_t seed = 0;  // of the optimizer's own generator (MXNet draws from its global one)
  std::optional<double> learning_rate = {};
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// w += -lr / 2 * (clip(rescale_grad * grad) + wd * w) + noise, noise ~ N(0, sqrt(lr)) drawn per
// element (standard deviation sqrt(lr)). No state (None in .states files). The same seed and the
// same calls give the same weights on every machine.
class SGLD : public Optimizer {
 public:
  explicit SGLD(SGLDOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)), gen_(o_.seed) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const SGLDOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  SGLDOptions o_;
  nd::random::Generator gen_;
};

namespace detail {

// Reads create()'s keyword arguments of SGLD, before those that every optimizer takes.
void read_options(Params& p, SGLDOptions& o);

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
