// mx.metric's classification metrics: Accuracy, TopKAccuracy, F1 and MCC (binary), PCC
// (multiclass Matthews correlation). train/metric.hpp lists how labels are read.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "metric_base.hpp"

namespace SYMGRAD_NS::metric {

struct AccuracyOptions {
  int axis = 1;  // the class axis of the predictions
  std::string name = "accuracy";
};
class Accuracy : public EvalMetric {
 public:
  explicit Accuracy(const AccuracyOptions& o = {}) : EvalMetric(o.name, true), axis_(o.axis) {}
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  int axis() const { return axis_; }

 private:
  int axis_;
};

struct TopKAccuracyOptions {
  int top_k = 1;  // MXNet's default, which it rejects: give 2 or more
  std::string name = "top_k_accuracy";
};
// A sample counts when its label is among the top_k highest scores (ties: lower class first).
class TopKAccuracy : public EvalMetric {
 public:
  explicit TopKAccuracy(const TopKAccuracyOptions& o = {})
      : EvalMetric(o.name + "_" + std::to_string(o.top_k), true), top_k_(o.top_k) {
    if (top_k_ <= 1)
      throw ValueError("top_k_accuracy: top_k is " + std::to_string(top_k_) +
                       "; please use Accuracy if top_k is no more than 1 (as MXNet), e.g. "
                       "TopKAccuracy({.top_k = 5})");
  }
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  int top_k() const { return top_k_; }

 private:
  int top_k_;
};

// F1 and MCC of a binary classifier (labels 0 and 1; predictions (N, 2) scores, argmax over axis 1).
// 'macro': the mean of per-update values; 'micro': one value from the counts pooled since reset.
struct F1Options {
  std::string average = "macro";
  std::string name = "f1";
};
struct MCCOptions {
  std::string average = "macro";
  std::string name = "mcc";
};

namespace detail {
class BinaryMetric : public EvalMetric {
 public:
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  void reset() override;
  void reset_local() override;
  const std::string& average() const { return average_; }

 protected:
  BinaryMetric(const std::string& name, std::string average, const char* kind)
      : EvalMetric(name, true), average_(std::move(average)), kind_(kind) {
    check_average(name_, average_);
  }
  virtual double value(const BinaryCounts& c) const = 0;

 private:
  // MXNet raises only for more than two distinct labels; any class but 0 and 1 (labels {1, 2},
  // say) would count as a negative and give a silent wrong number, so it is an error here.
  void check_binary(std::size_t i, const char* role, const std::vector<std::int64_t>& v) const;

  std::string average_;
  const char* kind_;
  BinaryCounts local_, global_;
};
}  // namespace detail

class F1 : public detail::BinaryMetric {
 public:
  explicit F1(const F1Options& o = {}) : BinaryMetric(o.name, o.average, "F1") {}

 protected:
  double value(const detail::BinaryCounts& c) const override;
};
class MCC : public detail::BinaryMetric {
 public:
  explicit MCC(const MCCOptions& o = {}) : BinaryMetric(o.name, o.average, "MCC") {}

 protected:
  double value(const detail::BinaryCounts& c) const override;
};

// Multiclass Matthews correlation from the confusion matrix accumulated since the last reset_local
// (local) or reset (global); nan while every sample sits in one predicted or one label class.
struct PCCOptions {
  std::string name = "pcc";
};
class PCC : public EvalMetric {
 public:
  explicit PCC(const PCCOptions& o = {}) : EvalMetric(o.name, true) { reset(); }
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  void reset() override;
  void reset_local() override;

 private:
  void grow(std::size_t k);
  double mcc(const std::vector<double>& m) const;
  std::size_t k_ = 2;
  std::vector<double> lcm_, gcm_;  // k x k, [predicted][label]
};

}  // namespace SYMGRAD_NS::metric
