// Definitions of train/metric_probabilistic.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include "metric_probabilistic.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_METRIC_PROBABILISTIC)
namespace SYMGRAD_NS::metric {

SYMGRAD_INLINE void Perplexity::update(const std::vector<NDArray>& labels,
                                       const std::vector<NDArray>& preds) {
  detail::check_counts(name_, labels.size(), preds.size());
  double loss = 0, num = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    detail::Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
    auto ca = detail::score_axis(name_, i, p.shape(), axis_);
    auto [s, n] = detail::neg_log_sum(
        name_, i, l, p, ca, [](double x) { return std::log(std::max(1e-10, x)); }, ignore_label_);
    loss += s, num += static_cast<double>(n);
  }
  add(loss, num);
}
SYMGRAD_INLINE NameValue Perplexity::get() const {
  return {name_, num_inst == 0 ? std::numeric_limits<double>::quiet_NaN() : std::exp(sum_metric / num_inst)};
}
SYMGRAD_INLINE NameValue Perplexity::get_global() const {
  return {name_, global_num_inst == 0 ? std::numeric_limits<double>::quiet_NaN()
                                      : std::exp(global_sum_metric / global_num_inst)};
}
SYMGRAD_INLINE void CrossEntropy::update(const std::vector<NDArray>& labels,
                                         const std::vector<NDArray>& preds) {
  detail::check_counts(name_, labels.size(), preds.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    detail::Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
    if (p.ndim() < 2) detail::score_axis(name_, i, p.shape(), 1);  // throws
    double eps = eps_;
    auto [s, n] = detail::neg_log_sum(name_, i, l, p, detail::ClassAxis(p.shape(), 1),
                                      [eps](double x) { return std::log(x + eps); });
    add(s, static_cast<double>(n));
  }
}

}  // namespace SYMGRAD_NS::metric
#endif
