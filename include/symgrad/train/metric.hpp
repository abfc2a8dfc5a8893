// mx.metric: the evaluation metrics that Module::fit and score update once per batch, created by
// name ("acc", "ce", "f1" ...) with create(), as MXNet 1.9.1's python/mxnet/metric.py.
//
// Every metric keeps a local and a global pair of counters (sum_metric, num_inst): update() adds
// to both, reset_local() clears the local pair (Speedometer does so after each log line), reset()
// clears both. get() = sum_metric / num_inst, nan before the first update; get_global() the same
// over the global pair. update(labels, preds) pairs the two lists one to one.
//
// Deliberate differences from MXNet (bad input is an error, never a silent wrong number):
// * A label with the prediction's own shape (one-hot or probabilities) is compared by argmax along
//   the class axis on both sides in Accuracy, TopKAccuracy, F1, MCC and PCC, and weighs the
//   log-probabilities in CrossEntropy, NegativeLogLikelihood and Perplexity; its rows must be
//   distributions (entries in [0, 1] summing to 1). MXNet's Accuracy truncates both sides to int
//   and reports a constant (C-1)/C for C classes (issue #9582).
// * Class indices (labels, and predictions without a class axis) must be whole numbers, and the
//   labels of CrossEntropy / NegativeLogLikelihood / Perplexity must lie in 0..C-1. MXNet
//   truncates, wraps -1 to the last class (numpy indexing) or clips (pick).
// * A label of any other shape is a ShapeError naming the accepted shapes. MXNet flattens and
//   broadcasts: (N,1) labels turn F1's counts into an N x N table, (N,) against (N,3) in MSE
//   broadcasts.
// * F1 and MCC take the classes 0 and 1 only (labels and predicted classes) and at most two class
//   scores per sample; MXNet raises only for more than two distinct labels and counts any other
//   class as a negative.
// * CompositeEvalMetric's get() / get_global() return one (name, value) pair, so they need exactly
//   one child; get_name_value() lists every child's values (MXNet's get() returns two lists).
// * `average` must be "macro" or "micro"; PearsonCorrelation's "micro" keeps local and global
//   statistics (MXNet's reset_local leaves them and its get_global reports 0).
// * TopKAccuracy needs predictions of shape (N, C); Perplexity's ignore_label defaults to none
//   (every entry counts; MXNet has no default); Perplexity and CE accept any rank, classes along
//   their axis (MXNet: 2-D only).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/strings.hpp"
#include "../ndarray/ndarray.hpp"

namespace SYMGRAD_NS::metric {

using NameValue = std::pair<std::string, double>;

namespace detail {

std::string fmt(double v);

// A float as Python's repr() writes it: shortest round-trip digits, positional with at least one
// decimal for 1e-4 <= |v| < 1e16 ("1.0", "0.0001"), otherwise "1e-05", "1.5e+16"; "nan", "inf".
std::string py_repr(double v);

// Read access, as double, to the values of one array on the host (device arrays are copied, as
// MXNet's asnumpy()).
class Values {
 public:
  Values(const NDArray& a, const std::string& who, const char* role, std::size_t i);
  double operator[](std::int64_t k) const;
  const Shape& shape() const { return a_.shape(); }
  int ndim() const { return a_.ndim(); }
  std::int64_t size() const { return a_.size(); }
  const NDArray& array() const { return a_; }

 private:
  NDArray a_;
  const void* p_ = nullptr;
};

void check_counts(const std::string& who, std::size_t n_labels, std::size_t n_preds);

Shape drop_axis(const Shape& s, int ax);
Shape squeezed(const Shape& s);
std::optional<int> norm_axis(int axis, int ndim);

// An array viewed as (outer, classes, inner) around its class axis; a "row" is one position of
// the array with the class axis removed, numbered in C order.
struct ClassAxis {
  int axis = 0;
  std::int64_t outer = 1, classes = 1, inner = 1;
  ClassAxis(const Shape& s, int ax);
  std::int64_t rows() const { return outer * inner; }
  std::int64_t at(std::int64_t row, std::int64_t c) const {
    return ((row / inner) * classes + c) * inner + row % inner;
  }
};

enum class LabelForm { indices, probabilities };

void check_distributions(const std::string& who, std::size_t i, const Values& l, const ClassAxis& ca);

// How a label reads against class scores `pred` (classes along ca.axis): the prediction's own shape
// holds probabilities (one-hot included); class indices come one per row, shaped as the rows, the
// rows with a trailing 1, or flat. Probabilities must be distributions (entries in [0, 1], each
// row summing to 1): class indices or multi-hot rows of the prediction's shape would otherwise be
// argmaxed into a silent wrong number.
LabelForm label_form(const std::string& who, std::size_t i, const Values& l, const Shape& pred,
                     const ClassAxis& ca);

std::int64_t as_class(double v, const std::string& who, const char* role, std::size_t i, std::int64_t pos,
                      const char* hint);
constexpr const char* kLabelHint =
    "a label with the prediction's shape is read as probabilities, any other label as class indices";
constexpr const char* kPredHint =
    "a prediction without a class axis of size 2 or more is read as class indices; give class scores "
    "instead, shape (N, C) (a binary classifier: two columns)";

std::vector<std::int64_t> indices(const Values& v, const std::string& who, const char* role, std::size_t i,
                                  const char* hint);

// Index of the first largest value of each row (numpy's and MXNet's tie rule).
std::vector<std::int64_t> argmax(const Values& v, const ClassAxis& ca);

// Class scores of a prediction: classes along `axis`, which must exist.
ClassAxis score_axis(const std::string& who, std::size_t i, const Shape& pred, int axis);

// Label and predicted class of each sample, for the classification metrics.
struct ClassPairs {
  std::vector<std::int64_t> label, pred;
};
ClassPairs class_pairs(const std::string& who, std::size_t i, const Values& l, const Values& p, int axis);

// -Σ w·log(p) over the rows of one pair, with `log_of` the metric's guarded log; class-index labels
// (skipping `ignore`) or probabilities. Returns the sum and the number of rows counted.
template <class Log>
std::pair<double, std::int64_t> neg_log_sum(const std::string& who, std::size_t i, const Values& l,
                                            const Values& p, const ClassAxis& ca, Log log_of,
                                            std::optional<std::int64_t> ignore = std::nullopt) {
  double sum = 0;
  std::int64_t n = 0;
  if (label_form(who, i, l, p.shape(), ca) == LabelForm::probabilities) {
    for (std::int64_t r = 0; r < ca.rows(); ++r, ++n)
      for (std::int64_t c = 0; c < ca.classes; ++c)
        if (double t = l[ca.at(r, c)]; t != 0) sum -= t * log_of(p[ca.at(r, c)]);
    return {sum, n};
  }
  for (std::int64_t r = 0; r < ca.rows(); ++r) {
    double v = l[r];
    if (ignore && v == static_cast<double>(*ignore)) continue;
    std::int64_t c = as_class(v, who, "label", i, r, kLabelHint);
    if (c < 0 || c >= ca.classes)
      throw ValueError(who + ": label " + std::to_string(i) + " holds class " + std::to_string(c) +
                       " at flat position " + std::to_string(r) + ", outside 0.." +
                       std::to_string(ca.classes - 1) + " for prediction " + std::to_string(i) +
                       " of shape " + p.shape().str() + (ignore ? "" : "; padding labels need ignore_label"));
    sum -= log_of(p[ca.at(r, c)]);
    ++n;
  }
  return {sum, n};
}

// Label and prediction holding the same values one to one (regression, correlation).
void check_same_values(const std::string& who, std::size_t i, const Values& l, const Values& p);

// True/false positive/negative counts of a binary classifier, local and global.
struct BinaryCounts {
  double tp = 0, fp = 0, fn = 0, tn = 0;
  double total() const { return tp + fp + fn + tn; }
  BinaryCounts& operator+=(const BinaryCounts& o);
  double precision() const { return tp + fp > 0 ? tp / (tp + fp) : 0.0; }
  double recall() const { return tp + fn > 0 ? tp / (tp + fn) : 0.0; }
  double fscore() const;
  double matthewscc() const;
};

void check_average(const std::string& who, const std::string& average);

}  // namespace detail

// The interface of every metric, with MXNet's counters.
class EvalMetric {
 public:
  virtual ~EvalMetric() = default;

  virtual void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) = 0;
  virtual void reset();
  virtual void reset_local();

  const std::string& name() const { return name_; }
  virtual NameValue get() const;
  // A metric made without global statistics (a user's subclass, by default) reports get().
  virtual NameValue get_global() const;
  virtual std::vector<NameValue> get_name_value() const;
  virtual std::vector<NameValue> get_global_name_value() const;

  // "EvalMetric: {'accuracy': 0.5}", as str() of MXNet's metrics (floats as Python prints them).
  std::string str() const;

  double sum_metric = 0, num_inst = 0, global_sum_metric = 0, global_num_inst = 0;

 protected:
  explicit EvalMetric(std::string name, bool has_global_stats = false)
      : name_(std::move(name)), has_global_stats_(has_global_stats) {}
  // Adds one value (or sum) to the local and global counters.
  void add(double sum, double n);

  std::string name_;
  bool has_global_stats_;
};

// ---- classification

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

// ---- regression: one value per (label, prediction) pair, averaged over pairs (num_inst += 1 each)

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

// ---- probabilities

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

// Pearson correlation of labels and predictions: 'macro' = mean of per-pair correlations,
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

// ---- others

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

// ---- create: MXNet's metric names (case-insensitive) and keyword arguments

// A keyword argument's value: a string or a number ({"top_k", 5}, {"average", "micro"}).
class Arg {
 public:
  Arg(const char* s) : s_(s) {}             // NOLINT: implicit by design
  Arg(std::string s) : s_(std::move(s)) {}  // NOLINT
  template <class T>
  requires std::is_arithmetic_v<T> Arg(T v)
      : s_(std::is_integral_v<T> ? std::to_string(v) : detail::fmt(static_cast<double>(v))) {}  // NOLINT
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};
using Kwargs = std::map<std::string, Arg>;

namespace detail {

std::string lower(std::string s);

// Typed reads of create()'s keyword arguments for one metric; unknown keys are a NameError.
class KwargReader {
 public:
  KwargReader(std::string metric, const Kwargs& kw, std::vector<std::string> keys);
  std::string str(const std::string& k, std::string dflt) const;
  std::int64_t integer(const std::string& k, std::int64_t dflt) const;
  double real(const std::string& k, double dflt) const;
  std::optional<std::int64_t> optional_integer(const std::string& k) const;

 private:
  [[noreturn]] void bad(const std::string& k, const std::string& s, const char* what) const {
    throw ValueError("metric.create('" + metric_ + "'): " + k + " must be " + what + ", not '" + s + "'");
  }
  std::string metric_;
  const Kwargs& kw_;
};

struct Registered {
  std::vector<std::string> names;  // MXNet's registered names and aliases, then symgrad's extras
  std::vector<std::string> keys;   // keyword arguments besides "name"
  std::function<std::shared_ptr<EvalMetric>(const KwargReader&)> make;
};

const std::vector<Registered>& registry();

std::vector<std::string> registered_names();

}  // namespace detail

// A metric from its MXNet name or alias ("acc", "top_k_accuracy", "f1", "mcc", "pcc", "perplexity",
// "mae", "mse", "rmse", "ce" / "cross-entropy", "nll_loss", "pearsonr", "loss", "composite" ...),
// with MXNet's keyword arguments: create("top_k_accuracy", {{"top_k", 5}}).
inline std::shared_ptr<EvalMetric> create(const std::string& name, const Kwargs& kwargs = {}) {
  std::string key = detail::lower(name);
  for (const auto& r : detail::registry())
    if (std::find(r.names.begin(), r.names.end(), key) != r.names.end())
      return r.make(detail::KwargReader(name, kwargs, r.keys));
  if (key == "custommetric")
    throw ValueError("metric.create('" + name +
                     "'): a CustomMetric needs its function; construct it: "
                     "sg::metric::CustomMetric(feval, {.name = \"...\"})");
  auto names = detail::registered_names();
  throw NameError("metric.create: unknown metric '" + name + "'." +
                  symgrad::detail::did_you_mean(key, names) +
                  " Known metrics: " + symgrad::detail::quoted_list(names));
}

// A CompositeEvalMetric of the named metrics, each given the same keyword arguments (as MXNet).
inline std::shared_ptr<EvalMetric> create(const std::vector<std::string>& names, const Kwargs& kwargs = {}) {
  auto c = std::make_shared<CompositeEvalMetric>();
  for (const auto& n : names) c->add(create(n, kwargs));
  return c;
}
// create({"acc", "ce"}): a braced list of names is a list, not a std::string's iterator pair.
inline std::shared_ptr<EvalMetric> create(std::initializer_list<std::string> names,
                                          const Kwargs& kwargs = {}) {
  return create(std::vector<std::string>(names), kwargs);
}

}  // namespace SYMGRAD_NS::metric
