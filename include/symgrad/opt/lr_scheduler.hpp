// mx.lr_scheduler: the learning rate as a function of num_update (the largest per-parameter
// update count of the optimizer), as MXNet 1.9.1's python/mxnet/lr_scheduler.py.
//   auto s = std::make_shared<sg::opt::FactorScheduler>(100, sg::opt::FactorSchedulerOptions{.factor = 0.9});
//   auto sgd = sg::opt::create("sgd", {{"momentum", 0.9}}, s);
// Every scheduler warms up first: for num_update < warmup_steps it returns warmup_begin_lr
// ("constant") or the line from warmup_begin_lr to base_lr ("linear").
// Like MXNet's, FactorScheduler and MultiFactorScheduler keep state (they only ever decay, so a
// smaller num_update later does not undo a decay), and PolyScheduler and CosineScheduler keep
// their last value once num_update passes max_update. base_lr may be overwritten by the
// optimizer's learning_rate (as MXNet does); Poly and Cosine keep decaying from the base_lr they
// were built with, as in MXNet.
// Differences: Poly/Cosine with max_update <= warmup_steps are a ValueError at construction
// (MXNet divides by zero at num_update == warmup_steps).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"

namespace SYMGRAD_NS::opt {

// Receives the line a scheduler writes when it changes the rate (MXNet's logging.info).
using SchedulerLog = std::function<void(const std::string&)>;

class LRScheduler {
 public:
  explicit LRScheduler(double base_lr = 0.01, std::int64_t warmup_steps = 0, double warmup_begin_lr = 0,
                       std::string warmup_mode = "linear");
  virtual ~LRScheduler() = default;

  virtual double operator()(std::int64_t num_update) = 0;

  double get_warmup_lr(std::int64_t num_update) const;

  double base_lr() const { return base_lr_; }
  void set_base_lr(double lr) { base_lr_ = lr; }
  std::int64_t warmup_steps() const { return warmup_steps_; }
  double warmup_begin_lr() const { return warmup_begin_lr_; }
  double warmup_final_lr() const { return warmup_final_lr_; }
  const std::string& warmup_mode() const { return warmup_mode_; }

 protected:
  bool in_warmup(std::int64_t num_update) const { return num_update < warmup_steps_; }
  static std::string num(double v);
  static std::string sci(double v);

  double base_lr_;
  std::int64_t warmup_steps_;
  double warmup_final_lr_, warmup_begin_lr_;
  std::string warmup_mode_;
};

struct FactorSchedulerOptions {
  double factor = 1;
  double stop_factor_lr = 1e-8;
  double base_lr = 0.01;
  std::int64_t warmup_steps = 0;
  double warmup_begin_lr = 0;
  std::string warmup_mode = "linear";
  SchedulerLog logger = {};
};

// lr *= factor every `step` updates (while num_update > count + step), floored at stop_factor_lr.
class FactorScheduler : public LRScheduler {
 public:
  explicit FactorScheduler(std::int64_t step, FactorSchedulerOptions o = {})
      : LRScheduler(o.base_lr, o.warmup_steps, o.warmup_begin_lr, o.warmup_mode),
        step_(step),
        factor_(o.factor),
        stop_factor_lr_(o.stop_factor_lr),
        log_(std::move(o.logger)) {
    if (step < 1)
      throw ValueError("FactorScheduler: step must be at least 1 update, got " + std::to_string(step));
    if (factor_ > 1.0)
      throw ValueError("FactorScheduler: factor must be no more than 1 to make lr reduce, got " +
                       num(factor_));
  }

  double operator()(std::int64_t num_update) override;

  std::int64_t step() const { return step_; }
  double factor() const { return factor_; }
  double stop_factor_lr() const { return stop_factor_lr_; }
  std::int64_t count() const { return count_; }

 private:
  std::int64_t step_;
  double factor_, stop_factor_lr_;
  std::int64_t count_ = 0;
  SchedulerLog log_;
};

struct MultiFactorSchedulerOptions {
  double factor = 1;
  double base_lr = 0.01;
  std::int64_t warmup_steps = 0;
  double warmup_begin_lr = 0;
  std::string warmup_mode = "linear";
  SchedulerLog logger = {};
};

// lr *= factor once num_update passes each of the increasing steps.
class MultiFactorScheduler : public LRScheduler {
 public:
  explicit MultiFactorScheduler(std::vector<std::int64_t> step, MultiFactorSchedulerOptions o = {})
      : LRScheduler(o.base_lr, o.warmup_steps, o.warmup_begin_lr, o.warmup_mode),
        step_(std::move(step)),
        factor_(o.factor),
        log_(std::move(o.logger)) {
    if (step_.empty()) throw ValueError("MultiFactorScheduler: step must list at least one update");
    for (std::size_t i = 0; i < step_.size(); ++i) {
      if (i != 0 && step_[i] <= step_[i - 1])
        throw ValueError("MultiFactorScheduler: steps must be an increasing list; step[" + std::to_string(i) +
                         "] = " + std::to_string(step_[i]) + " follows " + std::to_string(step_[i - 1]));
      if (step_[i] < 1)
        throw ValueError("MultiFactorScheduler: each step must be at least 1 update, got " +
                         std::to_string(step_[i]));
    }
    if (factor_ > 1.0)
      throw ValueError("MultiFactorScheduler: factor must be no more than 1 to make lr reduce, got " +
                       num(factor_));
  }

  double operator()(std::int64_t num_update) override;

  const std::vector<std::int64_t>& step() const { return step_; }
  double factor() const { return factor_; }
  std::int64_t count() const { return count_; }

 private:
  std::vector<std::int64_t> step_;
  double factor_;
  std::size_t cur_step_ind_ = 0;
  std::int64_t count_ = 0;
  SchedulerLog log_;
};

namespace detail {
void check_max_update(const char* who, std::int64_t max_update, std::int64_t warmup_steps);
}  // namespace detail

struct PolySchedulerOptions {
  double base_lr = 0.01;
  double pwr = 2;
  double final_lr = 0;
  std::int64_t warmup_steps = 0;
  double warmup_begin_lr = 0;
  std::string warmup_mode = "linear";
};

// final_lr + (base_lr - final_lr) * (1 - (n - warmup_steps) / (max_update - warmup_steps))^pwr.
class PolyScheduler : public LRScheduler {
 public:
  explicit PolyScheduler(std::int64_t max_update, PolySchedulerOptions o = {})
      : LRScheduler(o.base_lr, o.warmup_steps, o.warmup_begin_lr, o.warmup_mode),
        power_(o.pwr),
        base_lr_orig_(o.base_lr),
        max_update_(max_update),
        final_lr_(o.final_lr),
        max_steps_(max_update - o.warmup_steps) {
    detail::check_max_update("PolyScheduler", max_update, o.warmup_steps);
  }

  double operator()(std::int64_t num_update) override;

  std::int64_t max_update() const { return max_update_; }
  double pwr() const { return power_; }
  double final_lr() const { return final_lr_; }

 private:
  double power_, base_lr_orig_;
  std::int64_t max_update_;
  double final_lr_;
  std::int64_t max_steps_;
};

struct CosineSchedulerOptions {
  double base_lr = 0.01;
  double final_lr = 0;
  std::int64_t warmup_steps = 0;
  double warmup_begin_lr = 0;
  std::string warmup_mode = "linear";
};

// final_lr + (base_lr - final_lr) * (1 + cos(pi * (n - warmup_steps) / (max_update - warmup_steps))) / 2.
class CosineScheduler : public LRScheduler {
 public:
  explicit CosineScheduler(std::int64_t max_update, CosineSchedulerOptions o = {})
      : LRScheduler(o.base_lr, o.warmup_steps, o.warmup_begin_lr, o.warmup_mode),
        base_lr_orig_(o.base_lr),
        max_update_(max_update),
        final_lr_(o.final_lr),
        max_steps_(max_update - o.warmup_steps) {
    detail::check_max_update("CosineScheduler", max_update, o.warmup_steps);
  }

  double operator()(std::int64_t num_update) override;

  std::int64_t max_update() const { return max_update_; }
  double final_lr() const { return final_lr_; }

 private:
  double base_lr_orig_;
  std::int64_t max_update_;
  double final_lr_;
  std::int64_t max_steps_;
};

}  // namespace SYMGRAD_NS::opt
