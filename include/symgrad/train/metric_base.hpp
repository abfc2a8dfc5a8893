// The part of mx.metric that every metric shares: EvalMetric, the interface with MXNet's local and
// global counters (train/metric.hpp describes them), and the helpers that read labels and
// predictions for every family: host values, the class axis, label forms and class indices.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
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

}  // namespace SYMGRAD_NS::metric
