// mx.metric's regression metrics: MAE, MSE, RMSE, and PearsonCorrelation of labels and
// predictions.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "metric_base.hpp"

namespace SYMGRAD_NS::metric {

// One value per (label, prediction) pair, averaged over pairs (num_inst += 1 each).

namespace detail {
class RegressionMetric : public EvalMetric {
 public:
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;

 protected:
  using EvalMetric::EvalMetric;
  virtual double term(double d) const = 0;
  virtual double finish(double mean) const;
};
}  // namespace detail

struct MAEOptions {
  std::string name = "mae";
};
struct MSEOptions {
  std::string name = "mse";
};
struct RMSEOptions {
  std::string name = "rmse";
};
class MAE : public detail::RegressionMetric {
 public:
  explicit MAE(const MAEOptions& o = {}) : RegressionMetric(o.name, true) {}

 protected:
  double term(double d) const override;
};
class MSE : public detail::RegressionMetric {
 public:
  explicit MSE(const MSEOptions& o = {}) : RegressionMetric(o.name, true) {}

 protected:
  double term(double d) const override;
};
// The mean of per-batch RMSEs, as MXNet (not the RMSE of all samples).
class RMSE : public detail::RegressionMetric {
 public:
  explicit RMSE(const RMSEOptions& o = {}) : RegressionMetric(o.name, true) {}

 protected:
  double term(double d) const override;
  double finish(double mean) const override;
};

// 'micro' = one correlation over every value since the reset.
struct PearsonCorrelationOptions {
  std::string average = "macro";
  std::string name = "pearsonr";
};
class PearsonCorrelation : public EvalMetric {
 public:
  explicit PearsonCorrelation(const PearsonCorrelationOptions& o = {})
      : EvalMetric(o.name, true), average_(o.average) {
    detail::check_average(name_, average_);
  }
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override;
  NameValue get() const override;
  NameValue get_global() const override;
  void reset() override;
  void reset_local() override;
  const std::string& average() const { return average_; }

 private:
  // Pooled count, means, sums of squares and co-moment, updated a batch at a time (exact).
  struct Moments {
    double n = 0, mean_l = 0, mean_p = 0, m2_l = 0, m2_p = 0, c = 0;
    void add(const detail::Values& l, const detail::Values& p);
    double corr() const { return std::clamp(c / std::sqrt(m2_l * m2_p), -1.0, 1.0); }
  };
  std::string average_;
  Moments local_, global_;
};

}  // namespace SYMGRAD_NS::metric
