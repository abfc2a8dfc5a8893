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
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/strings.hpp"
#include "../ndarray/ndarray.hpp"

namespace symgrad::metric {

using NameValue = std::pair<std::string, double>;

namespace detail {

inline std::string fmt(double v) {  // shortest round-trip form
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A float as Python's repr() writes it: shortest round-trip digits, positional with at least one
// decimal for 1e-4 <= |v| < 1e16 ("1.0", "0.0001"), otherwise "1e-05", "1.5e+16"; "nan", "inf".
inline std::string py_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  auto e = s.find('e');
  int exp = std::stoi(s.substr(e + 1));
  std::string sign = s[0] == '-' ? "-" : "", digits;
  for (char c : s.substr(sign.size(), e - sign.size()))
    if (c != '.') digits += c;
  const int n = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 16) {
    std::string x = std::to_string(std::abs(exp));
    return sign + digits.substr(0, 1) + (n > 1 ? "." + digits.substr(1) : "") + (exp < 0 ? "e-" : "e+") +
           (x.size() < 2 ? "0" : "") + x;
  }
  int point = exp + 1;  // digits before the decimal point
  if (point <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  if (point >= n) return sign + digits + std::string(static_cast<std::size_t>(point - n), '0') + ".0";
  return sign + digits.substr(0, point) + "." + digits.substr(point);
}

// Read access, as double, to the values of one array on the host (device arrays are copied, as
// MXNet's asnumpy()).
class Values {
 public:
  Values(const NDArray& a, const std::string& who, const char* role, std::size_t i) {
    if (a.is_none())
      throw ValueError(who + ": " + role + " " + std::to_string(i) + " is an empty NDArray (none)");
    a_ = a.context().device_type == DeviceType::cpu ? a : a.copy_to(cpu());
    p_ = a_.raw_data();
  }
  double operator[](std::int64_t k) const {
    switch (a_.dtype()) {
      case DType::float32:
        return static_cast<const float*>(p_)[k];
      case DType::float64:
        return static_cast<const double*>(p_)[k];
      case DType::uint8:
        return static_cast<const std::uint8_t*>(p_)[k];
      case DType::int32:
        return static_cast<const std::int32_t*>(p_)[k];
      case DType::int64:
        return static_cast<double>(static_cast<const std::int64_t*>(p_)[k]);
    }
    return std::numeric_limits<double>::quiet_NaN();
  }
  const Shape& shape() const { return a_.shape(); }
  int ndim() const { return a_.ndim(); }
  std::int64_t size() const { return a_.size(); }
  const NDArray& array() const { return a_; }

 private:
  NDArray a_;
  const void* p_ = nullptr;
};

inline void check_counts(const std::string& who, std::size_t n_labels, std::size_t n_preds) {
  if (n_labels != n_preds)
    throw ValueError(who + ": update() got " + std::to_string(n_labels) + " label array(s) and " +
                     std::to_string(n_preds) +
                     " prediction array(s); they pair up one to one, so give one label per prediction "
                     "(with Module: one label name per output)");
}

inline Shape drop_axis(const Shape& s, int ax) {
  Shape r;
  for (int d = 0; d < s.ndim(); ++d)
    if (d != ax) r.push_back(s[d]);
  return r;
}
inline Shape squeezed(const Shape& s) {
  Shape r;
  for (auto d : s)
    if (d != 1) r.push_back(d);
  return r;
}
inline std::optional<int> norm_axis(int axis, int ndim) {
  int a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) return std::nullopt;
  return a;
}

// An array viewed as (outer, classes, inner) around its class axis; a "row" is one position of
// the array with the class axis removed, numbered in C order.
struct ClassAxis {
  int axis = 0;
  std::int64_t outer = 1, classes = 1, inner = 1;
  ClassAxis(const Shape& s, int ax) : axis(ax), classes(s[ax]) {
    for (int d = 0; d < ax; ++d) outer *= s[d];
    for (int d = ax + 1; d < s.ndim(); ++d) inner *= s[d];
  }
  std::int64_t rows() const { return outer * inner; }
  std::int64_t at(std::int64_t row, std::int64_t c) const {
    return ((row / inner) * classes + c) * inner + row % inner;
  }
};

enum class LabelForm { indices, probabilities };

inline void check_distributions(const std::string& who, std::size_t i, const Values& l, const ClassAxis& ca) {
  for (std::int64_t r = 0; r < ca.rows(); ++r) {
    double sum = 0;
    bool in_range = true;
    for (std::int64_t c = 0; c < ca.classes; ++c) {
      double t = l[ca.at(r, c)];
      in_range = in_range && t >= 0 && t <= 1;
      sum += t;
    }
    if (in_range && std::abs(sum - 1) <= 1e-3) continue;
    std::string row;
    for (std::int64_t c = 0; c < std::min<std::int64_t>(ca.classes, 8); ++c)
      row += (c ? ", " : "") + fmt(l[ca.at(r, c)]);
    Shape rows = drop_axis(l.shape(), ca.axis);
    throw ValueError(who + ": label " + std::to_string(i) + " has the prediction's shape " + l.shape().str() +
                     ", so it is read as probabilities (one-hot included) along axis " +
                     std::to_string(ca.axis) + ", but its row " + std::to_string(r) + " [" + row +
                     (ca.classes > 8 ? ", ..." : "") + "] " +
                     (in_range ? "sums to " + fmt(sum) : std::string("has entries outside [0, 1]")) +
                     " instead of 1; class-index labels have shape " + rows.str() +
                     " (for predictions that are class indices already, give the class scores instead)");
  }
}

// How a label reads against class scores `pred` (classes along ca.axis): the prediction's own shape
// holds probabilities (one-hot included); class indices come one per row, shaped as the rows, the
// rows with a trailing 1, or flat. Probabilities must be distributions (entries in [0, 1], each
// row summing to 1): class indices or multi-hot rows of the prediction's shape would otherwise be
// argmaxed into a silent wrong number.
inline LabelForm label_form(const std::string& who, std::size_t i, const Values& l, const Shape& pred,
                            const ClassAxis& ca) {
  const Shape& label = l.shape();
  if (label == pred) {
    check_distributions(who, i, l, ca);
    return LabelForm::probabilities;
  }
  Shape rows = drop_axis(pred, ca.axis), with_one = rows;
  with_one.push_back(1);
  std::vector<Shape> ok{rows};
  for (const Shape& s : {Shape{ca.rows()}, with_one})
    if (std::find(ok.begin(), ok.end(), s) == ok.end()) ok.push_back(s);
  for (const Shape& s : ok)
    if (label == s) return LabelForm::indices;
  // Any other label holding one index per row, with the class axis last, is read in flat order
  // (MXNet ravels it: a (batch, T) label for a (batch·T, C) language-model prediction).
  if (l.size() == ca.rows() && ca.axis + 1 == pred.ndim() && label.ndim() > 1)
    return LabelForm::indices;
  std::string shapes;
  for (std::size_t k = 0; k < ok.size(); ++k) shapes += (k ? " or " : "") + ok[k].str();
  throw ShapeError(who + ": label " + std::to_string(i) + " has shape " + label.str() + " but prediction " +
                   std::to_string(i) + " has shape " + pred.str() +
                   "; a label must be class indices, shape " + shapes +
                   " (or any shape with " + std::to_string(ca.rows()) + " values, read in order), or probabilities "
                   "(one-hot included), shape " + pred.str());
}

inline std::int64_t as_class(double v, const std::string& who, const char* role, std::size_t i,
                             std::int64_t pos, const char* hint) {
  if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > 9.0e15)
    throw ValueError(who + ": " + role + " " + std::to_string(i) + " holds " + fmt(v) + " at flat position " +
                     std::to_string(pos) + ", which is not a class index (a whole number); " + hint);
  return static_cast<std::int64_t>(v);
}
constexpr const char* kLabelHint =
    "a label with the prediction's shape is read as probabilities, any other label as class indices";
constexpr const char* kPredHint =
    "a prediction without a class axis of size 2 or more is read as class indices; give class scores "
    "instead, shape (N, C) (a binary classifier: two columns)";

inline std::vector<std::int64_t> indices(const Values& v, const std::string& who, const char* role,
                                         std::size_t i, const char* hint) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(v.size()));
  for (std::int64_t k = 0; k < v.size(); ++k) out[k] = as_class(v[k], who, role, i, k, hint);
  return out;
}

// Index of the first largest value of each row (numpy's and MXNet's tie rule).
inline std::vector<std::int64_t> argmax(const Values& v, const ClassAxis& ca) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(ca.rows()));
  for (std::int64_t r = 0; r < ca.rows(); ++r) {
    std::int64_t best = 0;
    double bv = v[ca.at(r, 0)];
    for (std::int64_t c = 1; c < ca.classes; ++c)
      if (double x = v[ca.at(r, c)]; x > bv) bv = x, best = c;
    out[r] = best;
  }
  return out;
}

// Class scores of a prediction: classes along `axis`, which must exist.
inline ClassAxis score_axis(const std::string& who, std::size_t i, const Shape& pred, int axis) {
  auto ax = norm_axis(axis, pred.ndim());
  if (!ax)
    throw ShapeError(who + ": prediction " + std::to_string(i) + " has shape " + pred.str() +
                     ", which has no class axis " + std::to_string(axis) +
                     "; class scores need shape (N, C), the classes along that axis");
  return ClassAxis(pred, *ax);
}

// Label and predicted class of each sample, for the classification metrics.
struct ClassPairs {
  std::vector<std::int64_t> label, pred;
};
inline ClassPairs class_pairs(const std::string& who, std::size_t i, const Values& l, const Values& p,
                              int axis) {
  auto ax = norm_axis(axis, p.ndim());
  if (p.ndim() >= 2 && !ax) score_axis(who, i, p.shape(), axis);  // throws
  if (p.ndim() >= 2 && p.shape()[*ax] >= 2) {
    ClassAxis ca(p.shape(), *ax);
    bool probs = label_form(who, i, l, p.shape(), ca) == LabelForm::probabilities;
    return {probs ? argmax(l, ca) : indices(l, who, "label", i, kLabelHint), argmax(p, ca)};
  }
  // No class axis to reduce: the prediction already holds class indices, one per label.
  if (l.size() != p.size() || !(squeezed(l.shape()) == squeezed(p.shape()) || l.ndim() == 1))
    throw ShapeError(who + ": prediction " + std::to_string(i) + " has shape " + p.shape().str() +
                     ", which holds class indices (no class axis " + std::to_string(axis) +
                     " of size 2 or more), so label " + std::to_string(i) + " must hold as many, shape " +
                     p.shape().str() + ", but has shape " + l.shape().str());
  return {indices(l, who, "label", i, kLabelHint), indices(p, who, "prediction", i, kPredHint)};
}

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
inline void check_same_values(const std::string& who, std::size_t i, const Values& l, const Values& p) {
  if (l.size() != p.size() || !(squeezed(l.shape()) == squeezed(p.shape())))
    throw ShapeError(who + ": label " + std::to_string(i) + " has shape " + l.shape().str() +
                     " but prediction " + std::to_string(i) + " has shape " + p.shape().str() +
                     "; they must pair value by value: equal shapes, up to dimensions of size 1 "
                     "((N,) and (N, 1) pair)");
}

// True/false positive/negative counts of a binary classifier, local and global.
struct BinaryCounts {
  double tp = 0, fp = 0, fn = 0, tn = 0;
  double total() const { return tp + fp + fn + tn; }
  BinaryCounts& operator+=(const BinaryCounts& o) {
    tp += o.tp, fp += o.fp, fn += o.fn, tn += o.tn;
    return *this;
  }
  double precision() const { return tp + fp > 0 ? tp / (tp + fp) : 0.0; }
  double recall() const { return tp + fn > 0 ? tp / (tp + fn) : 0.0; }
  double fscore() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
  double matthewscc() const {  // zero factors of the denominator count as 1, as MXNet
    if (total() == 0) return 0.0;
    double denom = 1;
    for (double t : {tp + fp, tp + fn, tn + fp, tn + fn})
      if (t != 0) denom *= t;
    return (tp * tn - fp * fn) / std::sqrt(denom);
  }
};

inline void check_average(const std::string& who, const std::string& average) {
  if (average != "macro" && average != "micro")
    throw ValueError(who +
                     ": average must be 'macro' (mean of per-batch values) or 'micro' (one value "
                     "from the pooled counts), not '" +
                     average + "'");
}

}  // namespace detail

// The interface of every metric, with MXNet's counters.
class EvalMetric {
 public:
  virtual ~EvalMetric() = default;

  virtual void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) = 0;
  virtual void reset() { num_inst = sum_metric = global_num_inst = global_sum_metric = 0; }
  virtual void reset_local() { num_inst = sum_metric = 0; }

  const std::string& name() const { return name_; }
  virtual NameValue get() const {
    return {name_, num_inst == 0 ? std::numeric_limits<double>::quiet_NaN() : sum_metric / num_inst};
  }
  // A metric made without global statistics (a user's subclass, by default) reports get().
  virtual NameValue get_global() const {
    if (!has_global_stats_) return get();
    return {name_, global_num_inst == 0 ? std::numeric_limits<double>::quiet_NaN()
                                        : global_sum_metric / global_num_inst};
  }
  virtual std::vector<NameValue> get_name_value() const { return {get()}; }
  virtual std::vector<NameValue> get_global_name_value() const { return {get_global()}; }

  // "EvalMetric: {'accuracy': 0.5}", as str() of MXNet's metrics (floats as Python prints them).
  std::string str() const {
    std::string s = "EvalMetric: {";
    auto nv = get_name_value();
    for (std::size_t k = 0; k < nv.size(); ++k)
      s += (k ? ", '" : "'") + nv[k].first + "': " + detail::py_repr(nv[k].second);
    return s + "}";
  }

  double sum_metric = 0, num_inst = 0, global_sum_metric = 0, global_num_inst = 0;

 protected:
  explicit EvalMetric(std::string name, bool has_global_stats = false)
      : name_(std::move(name)), has_global_stats_(has_global_stats) {}
  // Adds one value (or sum) to the local and global counters.
  void add(double sum, double n) {
    sum_metric += sum, global_sum_metric += sum;
    num_inst += n, global_num_inst += n;
  }

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
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
    detail::check_counts(name_, labels.size(), preds.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
      auto cp = detail::class_pairs(name_, i, {labels[i], name_, "label", i},
                                    {preds[i], name_, "prediction", i}, axis_);
      double correct = 0;
      for (std::size_t k = 0; k < cp.label.size(); ++k) correct += cp.label[k] == cp.pred[k];
      add(correct, static_cast<double>(cp.label.size()));
    }
  }
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
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
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
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
    check_counts(name_, labels.size(), preds.size());
    BinaryCounts batch;  // added only once every pair has passed its checks
    for (std::size_t i = 0; i < labels.size(); ++i) {
      Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
      if (p.ndim() >= 2 && p.shape()[1] > 2)
        throw ShapeError(name_ + ": prediction " + std::to_string(i) + " has shape " + p.shape().str() +
                         ", " + std::to_string(p.shape()[1]) + " classes along axis 1, but " + kind_ +
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
  void reset() override {
    EvalMetric::reset();
    local_ = global_ = {};
  }
  void reset_local() override {
    EvalMetric::reset_local();
    local_ = {};
  }
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
  void check_binary(std::size_t i, const char* role, const std::vector<std::int64_t>& v) const {
    std::set<std::int64_t> distinct(v.begin(), v.end());
    if (std::all_of(distinct.begin(), distinct.end(), [](std::int64_t c) { return c == 0 || c == 1; }))
      return;
    std::vector<std::string> names;
    for (auto c : distinct) names.push_back(std::to_string(c));
    throw ValueError(name_ + ": " + role + " " + std::to_string(i) + " holds the classes " +
                     symgrad::detail::join(names) + ", but " + kind_ +
                     " supports binary classification only (classes 0 and 1), as MXNet's; "
                     "use Accuracy or PCC for more classes");
  }

  std::string average_;
  const char* kind_;
  BinaryCounts local_, global_;
};
}  // namespace detail

class F1 : public detail::BinaryMetric {
 public:
  explicit F1(const F1Options& o = {}) : BinaryMetric(o.name, o.average, "F1") {}

 protected:
  double value(const detail::BinaryCounts& c) const override { return c.fscore(); }
};
class MCC : public detail::BinaryMetric {
 public:
  explicit MCC(const MCCOptions& o = {}) : BinaryMetric(o.name, o.average, "MCC") {}

 protected:
  double value(const detail::BinaryCounts& c) const override { return c.matthewscc(); }
};

// Multiclass Matthews correlation from the confusion matrix accumulated since the last reset_local
// (local) or reset (global); nan while every sample sits in one predicted or one label class.
struct PCCOptions {
  std::string name = "pcc";
};
class PCC : public EvalMetric {
 public:
  explicit PCC(const PCCOptions& o = {}) : EvalMetric(o.name, true) { reset(); }
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
    detail::check_counts(name_, labels.size(), preds.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
      auto cp = detail::class_pairs(name_, i, {labels[i], name_, "label", i},
                                    {preds[i], name_, "prediction", i}, 1);
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
  void reset() override {
    EvalMetric::reset();
    k_ = 2;
    lcm_.assign(k_ * k_, 0.0), gcm_.assign(k_ * k_, 0.0);
  }
  void reset_local() override {
    EvalMetric::reset_local();
    lcm_.assign(k_ * k_, 0.0);
  }

 private:
  void grow(std::size_t k) {
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
  double mcc(const std::vector<double>& m) const {
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
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
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
  NameValue get() const override {
    return {name_,
            num_inst == 0 ? std::numeric_limits<double>::quiet_NaN() : std::exp(sum_metric / num_inst)};
  }
  NameValue get_global() const override {
    return {name_, global_num_inst == 0 ? std::numeric_limits<double>::quiet_NaN()
                                        : std::exp(global_sum_metric / global_num_inst)};
  }

 private:
  std::optional<std::int64_t> ignore_label_;
  int axis_;
};

// ---- regression: one value per (label, prediction) pair, averaged over pairs (num_inst += 1 each)

namespace detail {
class RegressionMetric : public EvalMetric {
 public:
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
    check_counts(name_, labels.size(), preds.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
      Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
      check_same_values(name_, i, l, p);
      double s = 0;
      for (std::int64_t k = 0; k < l.size(); ++k) s += term(l[k] - p[k]);
      add(finish(s / static_cast<double>(l.size())), 1);
    }
  }

 protected:
  using EvalMetric::EvalMetric;
  virtual double term(double d) const = 0;
  virtual double finish(double mean) const { return mean; }
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
  double term(double d) const override { return std::abs(d); }
};
class MSE : public detail::RegressionMetric {
 public:
  explicit MSE(const MSEOptions& o = {}) : RegressionMetric(o.name, true) {}

 protected:
  double term(double d) const override { return d * d; }
};
// The mean of per-batch RMSEs, as MXNet (not the RMSE of all samples).
class RMSE : public detail::RegressionMetric {
 public:
  explicit RMSE(const RMSEOptions& o = {}) : RegressionMetric(o.name, true) {}

 protected:
  double term(double d) const override { return d * d; }
  double finish(double mean) const override { return std::sqrt(mean); }
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
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
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
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
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
  NameValue get() const override {
    if (average_ == "macro" || num_inst == 0) return EvalMetric::get();
    return {name_, local_.corr()};
  }
  NameValue get_global() const override {
    if (average_ == "macro" || global_num_inst == 0) return EvalMetric::get_global();
    return {name_, global_.corr()};
  }
  void reset() override {
    EvalMetric::reset();
    local_ = global_ = {};
  }
  void reset_local() override {
    EvalMetric::reset_local();
    local_ = {};
  }
  const std::string& average() const { return average_; }

 private:
  // Pooled count, means, sums of squares and co-moment, updated a batch at a time (exact).
  struct Moments {
    double n = 0, mean_l = 0, mean_p = 0, m2_l = 0, m2_p = 0, c = 0;
    void add(const detail::Values& l, const detail::Values& p) {
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
  void update(const std::vector<NDArray>& /*labels*/, const std::vector<NDArray>& preds) override {
    for (std::size_t i = 0; i < preds.size(); ++i) {
      detail::Values p(preds[i], name_, "prediction", i);
      double s = 0;
      for (std::int64_t k = 0; k < p.size(); ++k) s += p[k];
      add(s, static_cast<double>(p.size()));
    }
  }
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
  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
    if (!allow_extra_outputs_) detail::check_counts(name_, labels.size(), preds.size());
    for (std::size_t i = 0; i < std::min(labels.size(), preds.size()); ++i) {
      detail::Values l(labels[i], name_, "label", i), p(preds[i], name_, "prediction", i);
      auto [s, n] = feval_(l.array(), p.array());
      add(s, n);
    }
  }

 private:
  CustomMetric(const CustomMetricOptions& o, FEvalSum f)
      : EvalMetric(o.name, true), feval_(std::move(f)), allow_extra_outputs_(o.allow_extra_outputs) {
    if (!feval_) throw ValueError("CustomMetric '" + name_ + "': the function is empty");
  }
  static FEvalSum wrap(FEval f) {
    if (!f) return {};
    return [f = std::move(f)](const NDArray& l, const NDArray& p) {
      return std::pair<double, double>{f(l, p), 1.0};
    };
  }
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
  void add(std::shared_ptr<EvalMetric> metric) {
    if (!metric) throw ValueError(name_ + ": add() got a null metric");
    metrics_.push_back(std::move(metric));
  }
  void add(const std::string& metric_name);  // by name, as create()
  const std::shared_ptr<EvalMetric>& get_metric(std::size_t index) const {
    if (index >= metrics_.size())
      throw ValueError(name_ + ": metric index " + std::to_string(index) + " is out of range 0 and " +
                       std::to_string(metrics_.size()));
    return metrics_[index];
  }
  const std::vector<std::shared_ptr<EvalMetric>>& metrics() const { return metrics_; }

  void update(const std::vector<NDArray>& labels, const std::vector<NDArray>& preds) override {
    for (auto& m : metrics_) m->update(labels, preds);
  }
  void reset() override {
    for (auto& m : metrics_) m->reset();
  }
  void reset_local() override {
    for (auto& m : metrics_) m->reset_local();
  }
  // One value needs one child; a composite of several has several values: get_name_value().
  NameValue get() const override { return single("get")->get(); }
  NameValue get_global() const override { return single("get_global")->get_global(); }
  std::vector<NameValue> get_name_value() const override {
    std::vector<NameValue> r;
    for (const auto& m : metrics_)
      for (auto& nv : m->get_name_value()) r.push_back(std::move(nv));
    return r;
  }
  std::vector<NameValue> get_global_name_value() const override {
    std::vector<NameValue> r;
    for (const auto& m : metrics_)
      for (auto& nv : m->get_global_name_value()) r.push_back(std::move(nv));
    return r;
  }

 private:
  const EvalMetric* single(const char* what) const {
    if (metrics_.size() != 1)
      throw ValueError(name_ + ": " + what + "() returns one value but this composite holds " +
                       std::to_string(metrics_.size()) +
                       " metrics; use get_name_value() / "
                       "get_global_name_value(), which list them all");
    return metrics_[0].get();
  }
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

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Typed reads of create()'s keyword arguments for one metric; unknown keys are a NameError.
class KwargReader {
 public:
  KwargReader(std::string metric, const Kwargs& kw, std::vector<std::string> keys)
      : metric_(std::move(metric)), kw_(kw) {
    keys.push_back("name");
    for (const auto& [k, v] : kw)
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        throw NameError("metric.create('" + metric_ + "'): unknown keyword argument '" + k + "'." +
                        symgrad::detail::did_you_mean(k, keys) + " It takes " +
                        symgrad::detail::quoted_list(keys));
  }
  std::string str(const std::string& k, std::string dflt) const {
    auto it = kw_.find(k);
    return it == kw_.end() ? dflt : it->second.str();
  }
  std::int64_t integer(const std::string& k, std::int64_t dflt) const {
    auto it = kw_.find(k);
    if (it == kw_.end()) return dflt;
    const std::string& s = it->second.str();
    std::int64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad(k, s, "an integer");
    return v;
  }
  double real(const std::string& k, double dflt) const {
    auto it = kw_.find(k);
    if (it == kw_.end()) return dflt;
    const std::string& s = it->second.str();
    double v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad(k, s, "a number");
    return v;
  }
  std::optional<std::int64_t> optional_integer(const std::string& k) const {
    auto it = kw_.find(k);
    if (it == kw_.end() || it->second.str() == "None" || it->second.str() == "none" ||
        it->second.str().empty())
      return std::nullopt;
    return integer(k, 0);
  }

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

inline const std::vector<Registered>& registry() {
  static const std::vector<Registered> r = {
      {{"accuracy", "acc"},
       {"axis"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Accuracy>(AccuracyOptions{.axis = static_cast<int>(k.integer("axis", 1)),
                                                           .name = k.str("name", "accuracy")});
       }},
      {{"top_k_accuracy", "top_k_acc", "topkaccuracy"},
       {"top_k"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<TopKAccuracy>(TopKAccuracyOptions{
             .top_k = static_cast<int>(k.integer("top_k", 1)), .name = k.str("name", "top_k_accuracy")});
       }},
      {{"f1"},
       {"average"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<F1>(
             F1Options{.average = k.str("average", "macro"), .name = k.str("name", "f1")});
       }},
      {{"mcc"},
       {"average"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<MCC>(
             MCCOptions{.average = k.str("average", "macro"), .name = k.str("name", "mcc")});
       }},
      {{"pcc"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<PCC>(PCCOptions{.name = k.str("name", "pcc")});
       }},
      {{"perplexity"},
       {"ignore_label", "axis"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Perplexity>(
             PerplexityOptions{.ignore_label = k.optional_integer("ignore_label"),
                               .axis = static_cast<int>(k.integer("axis", -1)),
                               .name = k.str("name", "perplexity")});
       }},
      {{"mae"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<MAE>(MAEOptions{.name = k.str("name", "mae")});
       }},
      {{"mse"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<MSE>(MSEOptions{.name = k.str("name", "mse")});
       }},
      {{"rmse"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<RMSE>(RMSEOptions{.name = k.str("name", "rmse")});
       }},
      {{"ce", "crossentropy", "cross-entropy"},
       {"eps"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<CrossEntropy>(
             CrossEntropyOptions{.eps = k.real("eps", 1e-12), .name = k.str("name", "cross-entropy")});
       }},
      {{"nll_loss", "negativeloglikelihood", "nll-loss"},
       {"eps"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<NegativeLogLikelihood>(
             NegativeLogLikelihoodOptions{.eps = k.real("eps", 1e-12), .name = k.str("name", "nll-loss")});
       }},
      {{"pearsonr", "pearsoncorrelation"},
       {"average"},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<PearsonCorrelation>(PearsonCorrelationOptions{
             .average = k.str("average", "macro"), .name = k.str("name", "pearsonr")});
       }},
      {{"loss"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Loss>(LossOptions{.name = k.str("name", "loss")});
       }},
      {{"torch"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Loss>(LossOptions{.name = k.str("name", "torch")});
       }},
      {{"caffe"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<Loss>(LossOptions{.name = k.str("name", "caffe")});
       }},
      {{"composite", "compositeevalmetric"},
       {},
       [](const KwargReader& k) -> std::shared_ptr<EvalMetric> {
         return std::make_shared<CompositeEvalMetric>(std::vector<std::shared_ptr<EvalMetric>>{},
                                                      k.str("name", "composite"));
       }},
  };
  return r;
}

inline std::vector<std::string> registered_names() {
  std::vector<std::string> v;
  for (const auto& r : registry()) v.insert(v.end(), r.names.begin(), r.names.end());
  return v;
}

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

inline void CompositeEvalMetric::add(const std::string& metric_name) { add(create(metric_name)); }

}  // namespace symgrad::metric
