// Definitions of train/metric_classification.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>
#include "../core/strings.hpp"
#include "metric_classification.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_METRIC_CLASSIFICATION)
namespace SYMGRAD_NS::metric {

SYMGRAD_INLINE void Accuracy::update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  detail::check_counts(name_, labels.size(), preds.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto cp = detail::class_pairs(name_, i, {labels[i], name_, "label", i},
                                  {preds[i], name_, "prediction", i}, axis_);
    double correct = 0;
    for (std::size_t k = 0; k < cp.label.size(); ++k) correct += cp.label[k] == cp.pred[k];
    add(correct, static_cast<double>(cp.label.size()));
  }
}
SYMGRAD_INLINE void TopKAccuracy::update(const std::vector<NDArray>& labels,
                                         const std::vector<NDArray>& preds) {
  detail::check_counts(name_, labels.size(), preds.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    detail::Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
    if (p.ndim() != 2)
      throw ShapeError(name_ + ": prediction " + std::to_string(i) + " has shape " + p.shape().str() +
                       "; top-k accuracy needs class scores of shape (N, C)");
    detail::ClassAxis ca(p.shape(), 1);
    bool probs = detail::label_form(name_, i, l, p.shape(), ca) == detail::LabelForm::probabilities;
    auto lab = probs ? detail::argmax(l, ca) : detail::indices(l, name_, "label", i, detail::kLabelHint);
    double correct = 0;
    for (std::int64_t r = 0; r < ca.rows(); ++r) {
      std::int64_t c = lab[r];
      if (c < 0 || c >= ca.classes) continue;
      double s = p[ca.at(r, c)];
      std::int64_t rank = 0;
      for (std::int64_t k = 0; k < ca.classes; ++k) {
        double x = p[ca.at(r, k)];
        rank += x > s || (x == s && k < c);
      }
      correct += rank < top_k_;
    }
    add(correct, static_cast<double>(ca.rows()));
  }
}
namespace detail {
SYMGRAD_INLINE void BinaryMetric::update(const std::vector<NDArray>& labels,
                                         const std::vector<NDArray>& preds) {
  check_counts(name_, labels.size(), preds.size());
  BinaryCounts batch;  // added only once every pair has passed its checks
  for (std::size_t i = 0; i < labels.size(); ++i) {
    Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
    if (p.ndim() >= 2 && p.shape()[1] > 2)
      throw ShapeError(name_ + ": prediction " + std::to_string(i) + " has shape " + p.shape().str() + ", " +
                       std::to_string(p.shape()[1]) + " classes along axis 1, but " + kind_ +
                       " scores a binary classifier: give two class scores per sample, shape (N, 2)");
    auto cp = class_pairs(name_, i, l, p, 1);
    check_binary(i, "label", cp.label);
    check_binary(i, "prediction", cp.pred);
    for (std::size_t k = 0; k < cp.label.size(); ++k) {
      bool pt = cp.pred[k] == 1, lt = cp.label[k] == 1;
      (pt ? (lt ? batch.tp : batch.fp) : (lt ? batch.fn : batch.tn)) += 1;
    }
  }
  local_ += batch, global_ += batch;
  if (average_ == "macro") {
    add(value(local_), 1);
    local_ = global_ = {};
  } else {
    sum_metric = value(local_) * local_.total(), num_inst = local_.total();
    global_sum_metric = value(global_) * global_.total(), global_num_inst = global_.total();
  }
}
SYMGRAD_INLINE void BinaryMetric::reset() {
  EvalMetric::reset();
  local_ = global_ = {};
}
SYMGRAD_INLINE void BinaryMetric::reset_local() {
  EvalMetric::reset_local();
  local_ = {};
}
SYMGRAD_INLINE void BinaryMetric::check_binary(std::size_t i, const char* role,
                                               const std::vector<std::int64_t>& v) const {
  std::set<std::int64_t> distinct(v.begin(), v.end());
  if (std::all_of(distinct.begin(), distinct.end(), [](std::int64_t c) { return c == 0 || c == 1; })) return;
  std::vector<std::string> names;
  for (auto c : distinct) names.push_back(std::to_string(c));
  throw ValueError(name_ + ": " + role + " " + std::to_string(i) + " holds the classes " +
                   symgrad::detail::join(names) + ", but " + kind_ +
                   " supports binary classification only (classes 0 and 1), as MXNet's; "
                   "use Accuracy or PCC for more classes");
}
}  // namespace detail
SYMGRAD_INLINE double F1::value(const detail::BinaryCounts& c) const { return c.fscore(); }
SYMGRAD_INLINE double MCC::value(const detail::BinaryCounts& c) const { return c.matthewscc(); }
SYMGRAD_INLINE void PCC::update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) {
  detail::check_counts(name_, labels.size(), preds.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto cp =
        detail::class_pairs(name_, i, {labels[i], name_, "label", i}, {preds[i], name_, "prediction", i}, 1);
    for (std::size_t k = 0; k < cp.label.size(); ++k) {
      std::int64_t a = cp.pred[k], b = cp.label[k];
      if (a < 0 || b < 0)
        throw ValueError(name_ + ": " + (a < 0 ? "prediction " : "label ") + std::to_string(i) +
                         " holds the negative class " + std::to_string(std::min(a, b)) + " at position " +
                         std::to_string(k));
      grow(static_cast<std::size_t>(std::max(a, b)) + 1);
      auto cell = static_cast<std::size_t>(a) * k_ + static_cast<std::size_t>(b);
      lcm_[cell] += 1, gcm_[cell] += 1;
    }
  }
  num_inst += 1, global_num_inst += 1;
  sum_metric = mcc(lcm_) * num_inst, global_sum_metric = mcc(gcm_) * global_num_inst;
}
SYMGRAD_INLINE void PCC::reset() {
  EvalMetric::reset();
  k_ = 2;
  lcm_.assign(k_ * k_, 0.0), gcm_.assign(k_ * k_, 0.0);
}
SYMGRAD_INLINE void PCC::reset_local() {
  EvalMetric::reset_local();
  lcm_.assign(k_ * k_, 0.0);
}
SYMGRAD_INLINE void PCC::grow(std::size_t k) {
  if (k <= k_) return;
  auto regrid = [&](std::vector<double>& m) {
    std::vector<double> n(k * k, 0.0);
    for (std::size_t a = 0; a < k_; ++a)
      for (std::size_t b = 0; b < k_; ++b) n[a * k + b] = m[a * k_ + b];
    m.swap(n);
  };
  regrid(lcm_), regrid(gcm_);
  k_ = k;
}
SYMGRAD_INLINE double PCC::mcc(const std::vector<double>& m) const {
  std::vector<double> x(k_, 0.0), y(k_, 0.0);
  double n = 0;
  for (std::size_t a = 0; a < k_; ++a)
    for (std::size_t b = 0; b < k_; ++b) x[a] += m[a * k_ + b], y[b] += m[a * k_ + b], n += m[a * k_ + b];
  double cxx = 0, cyy = 0, cxy = 0;
  for (std::size_t a = 0; a < k_; ++a)
    cxx += x[a] * (n - x[a]), cyy += y[a] * (n - y[a]), cxy += m[a * k_ + a] * n - x[a] * y[a];
  if (cxx == 0 || cyy == 0) return std::numeric_limits<double>::quiet_NaN();
  return cxy / std::sqrt(cxx * cyy);
}

}  // namespace SYMGRAD_NS::metric
#endif
