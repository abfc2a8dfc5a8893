// mx.metric's metrics made of other things: Loss (outputs that are losses already), CustomMetric
// (a user's function) and CompositeEvalMetric (several metrics updated together).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "metric_base.hpp"

namespace SYMGRAD_NS::metric {

// The mean of the prediction values: for outputs that are losses already (MakeLoss). Labels are
// not read.
struct LossOptions {
  std::string name = "loss";
};
class Loss : public EvalMetric {
 public:
  explicit Loss(const LossOptions& o = {}) : EvalMetric(o.name, true) {}
  void update(const std::vector<NDArray>& /*labels*/, const std::vector<NDArray>& preds) override;
};

// A metric from a function of one (label, prediction) pair (host arrays). A function returning a
// number adds it and counts one; one returning {sum, count} adds both.
struct CustomMetricOptions {
  bool allow_extra_outputs = false;  // more predictions than labels (RNN states): extras are skipped
  std::string name = "custom";
};
class CustomMetric : public EvalMetric {
 public:
  using FEval = std::function<double(const NDArray& label, const NDArray& pred)>;
  using FEvalSum = std::function<std::pair<double, double>(const NDArray& label, const NDArray& pred)>;
  explicit CustomMetric(FEval feval, const CustomMetricOptions& o = {})
      : CustomMetric(o, wrap(std::move(feval))) {}
  explicit CustomMetric(FEvalSum feval, const CustomMetricOptions& o = {})
      : CustomMetric(o, std::move(feval)) {}
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;

 private:
  CustomMetric(const CustomMetricOptions& o, FEvalSum f)
      : EvalMetric(o.name, true), feval_(std::move(f)), allow_extra_outputs_(o.allow_extra_outputs) {
    if (!feval_) throw ValueError("CustomMetric '" + name_ + "': the function is empty");
  }
  static FEvalSum wrap(FEval f);
  FEvalSum feval_;
  bool allow_extra_outputs_;
};

// Several metrics updated together; get_name_value() lists each child's values in order.
class CompositeEvalMetric : public EvalMetric {
 public:
  explicit CompositeEvalMetric(std::vector<std::shared_ptr<EvalMetric>> metrics = {},
                               std::string name = "composite")
      : EvalMetric(std::move(name), true) {
    for (auto& m : metrics) add(std::move(m));
  }
  void add(std::shared_ptr<EvalMetric> metric);
  void add(const std::string& metric_name);  // by name, as create()
  const std::shared_ptr<EvalMetric>& get_metric(std::size_t index) const;
  const std::vector<std::shared_ptr<EvalMetric>>& metrics() const { return metrics_; }

  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  void reset() override;
  void reset_local() override;
  // One value needs one child; a composite of several has several values: get_name_value().
  NameValue get() const override;
  NameValue get_global() const override;
  std::vector<NameValue> get_name_value() const override;
  std::vector<NameValue> get_global_name_value() const override;

 private:
  const EvalMetric* single(const char* what) const;
  std::vector<std::shared_ptr<EvalMetric>> metrics_;
};

}  // namespace SYMGRAD_NS::metric
