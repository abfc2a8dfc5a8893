// mx.metric's metrics over predicted probabilities: Perplexity, CrossEntropy and
// NegativeLogLikelihood. train/metric.hpp lists how labels are read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metric_base.hpp"

namespace SYMGRAD_NS::metric {

// exp(mean of -log p[label]) over the entries whose label is not ignore_label; p below 1e-10 counts
// as 1e-10.
struct PerplexityOptions {
  std::optional<std::int64_t> ignore_label = std::nullopt;
  int axis = -1;  // the class axis of the predictions
  std::string name = "perplexity";
};
class Perplexity : public EvalMetric {
 public:
  explicit Perplexity(const PerplexityOptions& o = {})
      : EvalMetric(o.name, true), ignore_label_(o.ignore_label), axis_(o.axis) {}
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  NameValue get() const override;
  NameValue get_global() const override;

 private:
  std::optional<std::int64_t> ignore_label_;
  int axis_;
};

// Mean over samples of -log(p[label] + eps); predictions are probabilities, classes along axis 1.
struct CrossEntropyOptions {
  double eps = 1e-12;
  std::string name = "cross-entropy";
};
class CrossEntropy : public EvalMetric {
 public:
  explicit CrossEntropy(const CrossEntropyOptions& o = {}) : EvalMetric(o.name, true), eps_(o.eps) {}
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  double eps() const { return eps_; }

 private:
  double eps_;
};

struct NegativeLogLikelihoodOptions {
  double eps = 1e-12;
  std::string name = "nll-loss";
};
// The same quantity as CrossEntropy under its own name, as MXNet.
class NegativeLogLikelihood : public CrossEntropy {
 public:
  explicit NegativeLogLikelihood(const NegativeLogLikelihoodOptions& o = {})
      : CrossEntropy({.eps = o.eps, .name = o.name}) {}
};

}  // namespace SYMGRAD_NS::metric
