// Definitions of opt/lr_scheduler.hpp.
#pragma once
#include <cmath>
#include <cstdio>
#include <numbers>
#include <utility>
#include "lr_scheduler.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_LR_SCHEDULER)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE LRScheduler::LRScheduler(double base_lr, std::int64_t warmup_steps, double warmup_begin_lr,
                                        std::string warmup_mode)
    : base_lr_(base_lr),
      warmup_steps_(warmup_steps),
      warmup_final_lr_(base_lr),
      warmup_begin_lr_(warmup_begin_lr),
      warmup_mode_(std::move(warmup_mode)) {
  if (warmup_begin_lr_ > warmup_final_lr_)
    throw ValueError("LRScheduler: base_lr (" + num(base_lr) + ") has to be higher than warmup_begin_lr (" +
                     num(warmup_begin_lr) + ")");
  if (warmup_steps_ < 0)
    throw ValueError("LRScheduler: warmup_steps has to be positive or 0, got " +
                     std::to_string(warmup_steps));
  if (warmup_mode_ != "linear" && warmup_mode_ != "constant")
    throw ValueError("LRScheduler: warmup_mode '" + warmup_mode_ +
                     "' is not supported; use 'linear' or 'constant'");
}
SYMGRAD_INLINE double LRScheduler::get_warmup_lr(std::int64_t num_update) const {
  if (warmup_mode_ == "constant") return warmup_begin_lr_;
  double increase = (warmup_final_lr_ - warmup_begin_lr_) * static_cast<double>(num_update) /
                    static_cast<double>(warmup_steps_);
  return warmup_begin_lr_ + increase;
}
SYMGRAD_INLINE std::string LRScheduler::num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}
SYMGRAD_INLINE std::string LRScheduler::sci(double v) {  // Python's %0.5e
  char b[32];
  std::snprintf(b, sizeof b, "%0.5e", v);
  return b;
}
SYMGRAD_INLINE double FactorScheduler::operator()(std::int64_t num_update) {
  if (in_warmup(num_update)) return get_warmup_lr(num_update);
  while (num_update > count_ + step_) {
    count_ += step_;
    base_lr_ *= factor_;
    const bool floored = base_lr_ < stop_factor_lr_;
    if (floored) base_lr_ = stop_factor_lr_;
    if (!log_) continue;
    if (floored)
      log_("Update[" + std::to_string(num_update) + "]: now learning rate arrived at " + sci(base_lr_) +
           ", will not change in the future");
    else
      log_("Update[" + std::to_string(num_update) + "]: Change learning rate to " + sci(base_lr_));
  }
  return base_lr_;
}
SYMGRAD_INLINE double MultiFactorScheduler::operator()(std::int64_t num_update) {
  if (in_warmup(num_update)) return get_warmup_lr(num_update);
  while (cur_step_ind_ < step_.size() && num_update > step_[cur_step_ind_]) {
    count_ = step_[cur_step_ind_];
    ++cur_step_ind_;
    base_lr_ *= factor_;
    if (log_) log_("Update[" + std::to_string(num_update) + "]: Change learning rate to " + sci(base_lr_));
  }
  return base_lr_;
}
namespace detail {
SYMGRAD_INLINE void check_max_update(const char* who, std::int64_t max_update, std::int64_t warmup_steps) {
  if (max_update < 1)
    throw ValueError(std::string(who) + ": max_update must be strictly positive, got " +
                     std::to_string(max_update));
  if (max_update <= warmup_steps)
    throw ValueError(std::string(who) + ": max_update (" + std::to_string(max_update) +
                     ") must exceed warmup_steps (" + std::to_string(warmup_steps) + ")");
}
}  // namespace detail
SYMGRAD_INLINE double PolyScheduler::operator()(std::int64_t num_update) {
  if (in_warmup(num_update)) return get_warmup_lr(num_update);
  if (num_update <= max_update_)
    base_lr_ = final_lr_ +
               (base_lr_orig_ - final_lr_) * std::pow(1.0 - static_cast<double>(num_update - warmup_steps_) /
                                                                static_cast<double>(max_steps_),
                                                      power_);
  return base_lr_;
}
SYMGRAD_INLINE double CosineScheduler::operator()(std::int64_t num_update) {
  if (in_warmup(num_update)) return get_warmup_lr(num_update);
  if (num_update <= max_update_)
    base_lr_ =
        final_lr_ + (base_lr_orig_ - final_lr_) *
                        (1 + std::cos(std::numbers::pi * static_cast<double>(num_update - warmup_steps_) /
                                      static_cast<double>(max_steps_))) /
                        2;
  return base_lr_;
}

}  // namespace SYMGRAD_NS::opt
#endif
