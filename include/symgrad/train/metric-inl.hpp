// Definitions of train/metric.hpp.
#pragma once
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include "metric.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_METRIC)
namespace SYMGRAD_NS::metric {

SYMGRAD_INLINE void CompositeEvalMetric::add(const std::string& metric_name) { add(create(metric_name)); }
namespace detail {
SYMGRAD_INLINE std::string fmt(double v) {  // shortest round-trip form
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
SYMGRAD_INLINE std::string py_repr(double v) {
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
SYMGRAD_INLINE void check_counts(const std::string& who, std::size_t n_labels, std::size_t n_preds) {
  if (n_labels != n_preds)
    throw ValueError(who + ": update() got " + std::to_string(n_labels) + " label array(s) and " +
                     std::to_string(n_preds) +
                     " prediction array(s); they pair up one to one, so give one label per prediction "
                     "(with Module: one label name per output)");
}
SYMGRAD_INLINE Shape drop_axis(const Shape& s, int ax) {
  Shape r;
  for (int d = 0; d < s.ndim(); ++d)
    if (d != ax) r.push_back(s[d]);
  return r;
}
SYMGRAD_INLINE Shape squeezed(const Shape& s) {
  Shape r;
  for (auto d : s)
    if (d != 1) r.push_back(d);
  return r;
}
SYMGRAD_INLINE std::optional<int> norm_axis(int axis, int ndim) {
  int a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) return std::nullopt;
  return a;
}
SYMGRAD_INLINE void check_distributions(const std::string& who, std::size_t i, const Values& l,
                                        const ClassAxis& ca) {
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
SYMGRAD_INLINE LabelForm label_form(const std::string& who, std::size_t i, const Values& l, const Shape& pred,
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
  if (l.size() == ca.rows() && ca.axis + 1 == pred.ndim() && label.ndim() > 1) return LabelForm::indices;
  std::string shapes;
  for (std::size_t k = 0; k < ok.size(); ++k) shapes += (k ? " or " : "") + ok[k].str();
  throw ShapeError(who + ": label " + std::to_string(i) + " has shape " + label.str() + " but prediction " +
                   std::to_string(i) + " has shape " + pred.str() +
                   "; a label must be class indices, shape " + shapes + " (or any shape with " +
                   std::to_string(ca.rows()) +
                   " values, read in order), or probabilities "
                   "(one-hot included), shape " +
                   pred.str());
}
SYMGRAD_INLINE std::int64_t as_class(double v, const std::string& who, const char* role, std::size_t i,
                                     std::int64_t pos, const char* hint) {
  if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > 9.0e15)
    throw ValueError(who + ": " + role + " " + std::to_string(i) + " holds " + fmt(v) + " at flat position " +
                     std::to_string(pos) + ", which is not a class index (a whole number); " + hint);
  return static_cast<std::int64_t>(v);
}
SYMGRAD_INLINE std::vector<std::int64_t> indices(const Values& v, const std::string& who, const char* role,
                                                 std::size_t i, const char* hint) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(v.size()));
  for (std::int64_t k = 0; k < v.size(); ++k) out[k] = as_class(v[k], who, role, i, k, hint);
  return out;
}
SYMGRAD_INLINE std::vector<std::int64_t> argmax(const Values& v, const ClassAxis& ca) {
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
SYMGRAD_INLINE ClassAxis score_axis(const std::string& who, std::size_t i, const Shape& pred, int axis) {
  auto ax = norm_axis(axis, pred.ndim());
  if (!ax)
    throw ShapeError(who + ": prediction " + std::to_string(i) + " has shape " + pred.str() +
                     ", which has no class axis " + std::to_string(axis) +
                     "; class scores need shape (N, C), the classes along that axis");
  return ClassAxis(pred, *ax);
}
SYMGRAD_INLINE ClassPairs class_pairs(const std::string& who, std::size_t i, const Values& l, const Values& p,
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
SYMGRAD_INLINE void check_same_values(const std::string& who, std::size_t i, const Values& l,
                                      const Values& p) {
  if (l.size() != p.size() || !(squeezed(l.shape()) == squeezed(p.shape())))
    throw ShapeError(who + ": label " + std::to_string(i) + " has shape " + l.shape().str() +
                     " but prediction " + std::to_string(i) + " has shape " + p.shape().str() +
                     "; they must pair value by value: equal shapes, up to dimensions of size 1 "
                     "((N,) and (N, 1) pair)");
}
SYMGRAD_INLINE void check_average(const std::string& who, const std::string& average) {
  if (average != "macro" && average != "micro")
    throw ValueError(who +
                     ": average must be 'macro' (mean of per-batch values) or 'micro' (one value "
                     "from the pooled counts), not '" +
                     average + "'");
}
SYMGRAD_INLINE Values::Values(const NDArray& a, const std::string& who, const char* role, std::size_t i) {
  if (a.is_none())
    throw ValueError(who + ": " + role + " " + std::to_string(i) + " is an empty NDArray (none)");
  a_ = a.context().device_type == DeviceType::cpu ? a : a.copy_to(cpu());
  p_ = a_.raw_data();
}
SYMGRAD_INLINE double Values::operator[](std::int64_t k) const {
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
SYMGRAD_INLINE ClassAxis::ClassAxis(const Shape& s, int ax) : axis(ax), classes(s[ax]) {
  for (int d = 0; d < ax; ++d) outer *= s[d];
  for (int d = ax + 1; d < s.ndim(); ++d) inner *= s[d];
}
SYMGRAD_INLINE BinaryCounts& BinaryCounts::operator+=(const BinaryCounts& o) {
  tp += o.tp, fp += o.fp, fn += o.fn, tn += o.tn;
  return *this;
}
SYMGRAD_INLINE double BinaryCounts::fscore() const {
  double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}
SYMGRAD_INLINE double BinaryCounts::matthewscc()
    const {  // zero factors of the denominator count as 1, as MXNet
  if (total() == 0) return 0.0;
  double denom = 1;
  for (double t : {tp + fp, tp + fn, tn + fp, tn + fn})
    if (t != 0) denom *= t;
  return (tp * tn - fp * fn) / std::sqrt(denom);
}
}  // namespace detail
SYMGRAD_INLINE void EvalMetric::reset() { num_inst = sum_metric = global_num_inst = global_sum_metric = 0; }
SYMGRAD_INLINE void EvalMetric::reset_local() { num_inst = sum_metric = 0; }
SYMGRAD_INLINE NameValue EvalMetric::get() const {
  return {name_, num_inst == 0 ? std::numeric_limits<double>::quiet_NaN() : sum_metric / num_inst};
}
SYMGRAD_INLINE NameValue EvalMetric::get_global() const {
  if (!has_global_stats_) return get();
  return {name_, global_num_inst == 0 ? std::numeric_limits<double>::quiet_NaN()
                                      : global_sum_metric / global_num_inst};
}
SYMGRAD_INLINE std::vector<NameValue> EvalMetric::get_name_value() const { return {get()}; }
SYMGRAD_INLINE std::vector<NameValue> EvalMetric::get_global_name_value() const { return {get_global()}; }
SYMGRAD_INLINE std::string EvalMetric::str() const {
  std::string s = "EvalMetric: {";
  auto nv = get_name_value();
  for (std::size_t k = 0; k < nv.size(); ++k)
    s += (k ? ", '" : "'") + nv[k].first + "': " + detail::py_repr(nv[k].second);
  return s + "}";
}
SYMGRAD_INLINE void EvalMetric::add(double sum, double n) {
  sum_metric += sum, global_sum_metric += sum;
  num_inst += n, global_num_inst += n;
}
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
SYMGRAD_INLINE void Perplexity::update(const std::vector<NDArray>& labels,
                                       const std::vector<NDArray>& preds) {
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
SYMGRAD_INLINE NameValue Perplexity::get() const {
  return {name_, num_inst == 0 ? std::numeric_limits<double>::quiet_NaN() : std::exp(sum_metric / num_inst)};
}
SYMGRAD_INLINE NameValue Perplexity::get_global() const {
  return {name_, global_num_inst == 0 ? std::numeric_limits<double>::quiet_NaN()
                                      : std::exp(global_sum_metric / global_num_inst)};
}
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
SYMGRAD_INLINE void CrossEntropy::update(const std::vector<NDArray>& labels,
                                         const std::vector<NDArray>& preds) {
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
namespace detail {
SYMGRAD_INLINE std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
SYMGRAD_INLINE const std::vector<Registered>& registry() {
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
SYMGRAD_INLINE std::vector<std::string> registered_names() {
  std::vector<std::string> v;
  for (const auto& r : registry()) v.insert(v.end(), r.names.begin(), r.names.end());
  return v;
}
SYMGRAD_INLINE KwargReader::KwargReader(std::string metric, const Kwargs& kw, std::vector<std::string> keys)
    : metric_(std::move(metric)), kw_(kw) {
  keys.push_back("name");
  for (const auto& [k, v] : kw)
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw NameError("metric.create('" + metric_ + "'): unknown keyword argument '" + k + "'." +
                      symgrad::detail::did_you_mean(k, keys) + " It takes " +
                      symgrad::detail::quoted_list(keys));
}
SYMGRAD_INLINE std::string KwargReader::str(const std::string& k, std::string dflt) const {
  auto it = kw_.find(k);
  return it == kw_.end() ? dflt : it->second.str();
}
SYMGRAD_INLINE std::int64_t KwargReader::integer(const std::string& k, std::int64_t dflt) const {
  auto it = kw_.find(k);
  if (it == kw_.end()) return dflt;
  const std::string& s = it->second.str();
  std::int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad(k, s, "an integer");
  return v;
}
SYMGRAD_INLINE double KwargReader::real(const std::string& k, double dflt) const {
  auto it = kw_.find(k);
  if (it == kw_.end()) return dflt;
  const std::string& s = it->second.str();
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) bad(k, s, "a number");
  return v;
}
SYMGRAD_INLINE std::optional<std::int64_t> KwargReader::optional_integer(const std::string& k) const {
  auto it = kw_.find(k);
  if (it == kw_.end() || it->second.str() == "None" || it->second.str() == "none" || it->second.str().empty())
    return std::nullopt;
  return integer(k, 0);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::metric
#endif
