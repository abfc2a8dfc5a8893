// Definitions of train/metric_base.hpp.
#pragma once
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>
#include "metric_base.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_METRIC_BASE)
namespace SYMGRAD_NS::metric {

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
    case DType::float16:  // predictions of a float16 output
      return static_cast<double>(static_cast<const Half*>(p_)[k]);
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

}  // namespace SYMGRAD_NS::metric
#endif
