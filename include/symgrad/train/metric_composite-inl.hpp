// Definitions of train/metric_composite.hpp.
#pragma once
#include <algorithm>
#include <memory>
#include <utility>
#include "metric_composite.hpp"
#include "metric_registry.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_METRIC_COMPOSITE)
namespace SYMGRAD_NS::metric {

SYMGRAD_INLINE void Loss::update(const std::vector<NDArray>& /*labels*/, const std::vector<NDArray>& preds) {
  for (std::size_t i = 0; i < preds.size(); ++i) {
    detail::Values p(preds[i], name_, "prediction", i);
    double s = 0;
    for (std::int64_t k = 0; k < p.size(); ++k) s += p[k];
    add(s, static_cast<double>(p.size()));
  }
}
SYMGRAD_INLINE void CustomMetric::update(const std::vector<NDArray>& labels,
                                         const std::vector<NDArray>& preds) {
  if (!allow_extra_outputs_) detail::check_counts(name_, labels.size(), preds.size());
  for (std::size_t i = 0; i < std::min(labels.size(), preds.size()); ++i) {
    detail::Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
    auto [s, n] = feval_(l.array(), p.array());
    add(s, n);
  }
}
SYMGRAD_INLINE auto CustomMetric::wrap(FEval f) -> FEvalSum {
  if (!f) return {};
  return [f = std::move(f)](const NDArray& l, const NDArray& p) {
    return std::pair<double, double>{f(l, p), 1.0};
  };
}
SYMGRAD_INLINE void CompositeEvalMetric::add(const std::string& metric_name) { add(create(metric_name)); }
SYMGRAD_INLINE void CompositeEvalMetric::add(std::shared_ptr<EvalMetric> metric) {
  if (!metric) throw ValueError(name_ + ": add() got a null metric");
  metrics_.push_back(std::move(metric));
}
SYMGRAD_INLINE const std::shared_ptr<EvalMetric>& CompositeEvalMetric::get_metric(std::size_t index) const {
  if (index >= metrics_.size())
    throw ValueError(name_ + ": metric index " + std::to_string(index) + " is out of range 0 and " +
                     std::to_string(metrics_.size()));
  return metrics_[index];
}
SYMGRAD_INLINE void CompositeEvalMetric::update(const std::vector<NDArray>& labels,
                                                const std::vector<NDArray>& preds) {
  for (auto& m : metrics_) m->update(labels, preds);
}
SYMGRAD_INLINE void CompositeEvalMetric::reset() {
  for (auto& m : metrics_) m->reset();
}
SYMGRAD_INLINE void CompositeEvalMetric::reset_local() {
  for (auto& m : metrics_) m->reset_local();
}
SYMGRAD_INLINE NameValue CompositeEvalMetric::get() const { return single("get")->get(); }
SYMGRAD_INLINE NameValue CompositeEvalMetric::get_global() const {
  return single("get_global")->get_global();
}
SYMGRAD_INLINE std::vector<NameValue> CompositeEvalMetric::get_name_value() const {
  std::vector<NameValue> r;
  for (const auto& m : metrics_)
    for (auto& nv : m->get_name_value()) r.push_back(std::move(nv));
  return r;
}
SYMGRAD_INLINE std::vector<NameValue> CompositeEvalMetric::get_global_name_value() const {
  std::vector<NameValue> r;
  for (const auto& m : metrics_)
    for (auto& nv : m->get_global_name_value()) r.push_back(std::move(nv));
  return r;
}
SYMGRAD_INLINE const EvalMetric* CompositeEvalMetric::single(const char* what) const {
  if (metrics_.size() != 1)
    throw ValueError(name_ + ": " + what + "() returns one value but this composite holds " +
                     std::to_string(metrics_.size()) +
                     " metrics; use get_name_value() / "
                     "get_global_name_value(), which list them all");
  return metrics_[0].get();
}

}  // namespace SYMGRAD_NS::metric
#endif
