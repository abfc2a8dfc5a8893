// Definitions of train/metric_regression.hpp.
#pragma once
#include <cmath>
#include "metric_regression.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_METRIC_REGRESSION)
namespace SYMGRAD_NS::metric {

namespace detail {
SYMGRAD_INLINE void RegressionMetric::update(const std::vector<NDArray>& labels,
                                             const std::vector<NDArray>& preds) {
  check_counts(name_, labels.size(), preds.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
    check_same_values(name_, i, l, p);
    double s = 0;
    for (std::int64_t k = 0; k < l.size(); ++k) s += term(l[k] - p[k]);
    add(finish(s / static_cast<double>(l.size())), 1);
  }
}
SYMGRAD_INLINE double RegressionMetric::finish(double mean) const { return mean; }
}  // namespace detail
SYMGRAD_INLINE double MAE::term(double d) const { return std::abs(d); }
SYMGRAD_INLINE double MSE::term(double d) const { return d * d; }
SYMGRAD_INLINE double RMSE::term(double d) const { return d * d; }
SYMGRAD_INLINE double RMSE::finish(double mean) const { return std::sqrt(mean); }
SYMGRAD_INLINE void PearsonCorrelation::update(const std::vector<NDArray>& labels,
                                               const std::vector<NDArray>& preds) {
  detail::check_counts(name_, labels.size(), preds.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    detail::Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
    detail::check_same_values(name_, i, l, p);
    if (average_ == "macro") {
      Moments m;
      m.add(l, p);
      add(m.corr(), 1);
    } else {
      local_.add(l, p), global_.add(l, p);
      num_inst += 1, global_num_inst += 1;
    }
  }
}
SYMGRAD_INLINE NameValue PearsonCorrelation::get() const {
  if (average_ == "macro" || num_inst == 0) return EvalMetric::get();
  return {name_, local_.corr()};
}
SYMGRAD_INLINE NameValue PearsonCorrelation::get_global() const {
  if (average_ == "macro" || global_num_inst == 0) return EvalMetric::get_global();
  return {name_, global_.corr()};
}
SYMGRAD_INLINE void PearsonCorrelation::reset() {
  EvalMetric::reset();
  local_ = global_ = {};
}
SYMGRAD_INLINE void PearsonCorrelation::reset_local() {
  EvalMetric::reset_local();
  local_ = {};
}
SYMGRAD_INLINE void PearsonCorrelation::Moments::add(const detail::Values& l, const detail::Values& p) {
  std::int64_t k = l.size();
  if (k == 0) return;
  double n1 = n + static_cast<double>(k), dl = 0, dp = 0;
  for (std::int64_t j = 0; j < k; ++j) dl += l[j] - mean_l, dp += p[j] - mean_p;
  double new_l = mean_l + dl / n1, new_p = mean_p + dp / n1;
  for (std::int64_t j = 0; j < k; ++j) {
    m2_l += (l[j] - mean_l) * (l[j] - new_l);
    m2_p += (p[j] - mean_p) * (p[j] - new_p);
    c += (l[j] - new_l) * (p[j] - mean_p);
  }
  n = n1, mean_l = new_l, mean_p = new_p;
}

}  // namespace SYMGRAD_NS::metric
#endif
