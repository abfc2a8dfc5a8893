// Output (loss) layers: they make their own head gradient and ignore any that arrives.
// SoftmaxOutput(data, label; grad_scale=1, ignore_label=-1, multi_output=False, use_ignore=False,
//   preserve_shape=False, normalization=null|batch|valid, out_grad=False, smooth_alpha=0):
//   forward softmax per row (N, size/N), over the last axis (preserve_shape) or over axis 1 at
//   every position (multi_output). Labels: class indices, shape (N,) or (N,1) (rows of the view),
//   or probabilities of the data's shape (one-hot included). Gradient: p − onehot (indices, with
//   smoothing, ignore and normalization as MXNet) or p − label (probabilities), × grad_scale.
//   Unlike MXNet, (N,1) index labels are accepted, and an index outside [0, classes) that is
//   not ignore_label is an error naming it (MXNet silently uses p as the gradient).
// LinearRegressionOutput / LogisticRegressionOutput / MAERegressionOutput(data, label;
//   grad_scale=1): identity / sigmoid / identity; gradient (y − label)·grad_scale/m
//   (MAE: sign(y − label)·grad_scale/m), m = outputs per sample.
#pragma once
#include <memory>
#include <string>

#include "../symbol/typed.hpp"
#include "loss.hpp"
#include "softmax.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::SoftmaxOutputOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/output-inl.hpp.
struct SoftmaxOutputParam {
  double grad_scale = 1.0;
  double ignore_label = -1.0;
  bool multi_output = false;
  bool use_ignore = false;
  bool preserve_shape = false;
  Choice<LossNorm> normalization = LossNorm::null;  // or by name: .normalization = "batch"
  bool out_grad = false;
  double smooth_alpha = 0.0;
  std::string name = {};
};

// The softmax geometry of the data and the label shapes the data accepts.
struct SoftmaxOutputShapes {
  SoftmaxGeometry g;
  Shape index_label = Shape::unknown(), index_label_col = Shape::unknown();  // e.g. (N,) and (N,1)
  Shape index_label_alt = Shape::unknown();  // multi_output also takes (N, d2, ...)
};

enum class RegressionKind { linear, logistic, mae };
// Operator classes (ops/output-inl.hpp).
class SoftmaxOutputBackward;
class SoftmaxOutput;
class RegressionBackward;
class RegressionOutput;

}  // namespace ops

namespace sym {

using SoftmaxOutputOptions = ops::SoftmaxOutputParam;
Symbol softmax_output(const Symbol& data, const Symbol& label, const SoftmaxOutputOptions& o = {});
// softmax_output(data, {.name = "softmax"}) creates the label variable "softmax_label".
Symbol softmax_output(const Symbol& data, const SoftmaxOutputOptions& o = {});
Symbol SoftmaxOutput(const Symbol& data, const SoftmaxOutputOptions& o = {});
Symbol SoftmaxOutput(const Symbol& data, const Symbol& label, const SoftmaxOutputOptions& o = {});
struct RegressionOptions {
  double grad_scale = 1.0;
  std::string name = {};
};  // namespace detail
Symbol linear_regression_output(const Symbol& data, const Symbol& label = {},
                                const RegressionOptions& o = {});
Symbol logistic_regression_output(const Symbol& data, const Symbol& label = {},
                                  const RegressionOptions& o = {});
Symbol mae_regression_output(const Symbol& data, const Symbol& label = {}, const RegressionOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed: the output keeps the data's static shape.
template <Typed A>
TSym<typename A::shape_type> softmax_output(const A& data, const SoftmaxOutputOptions& o = {}) {
  return TSym<typename A::shape_type>(softmax_output(Symbol(data), o));
}
template <Typed A, Typed L>
TSym<typename A::shape_type> softmax_output(const A& data, const L& label,
                                            const SoftmaxOutputOptions& o = {}) {
  constexpr Shape d = A::shape, l = L::shape;
  constexpr bool index = l.ndim() == 1 && merge(Shape{d[0]}, l).ok;
  constexpr bool column = l.ndim() == 2 && merge(Shape{d[0], 1}, l).ok;
  constexpr bool probs = merge(d, l).ok;
  if constexpr (!(index || column || probs)) {
    static_shape_error<ops::SoftmaxOutput, why::label_must_be_indices_or_probabilities,
                       typename A::shape_type, typename L::shape_type>::raise();
  } else {
    return TSym<typename A::shape_type>(softmax_output(Symbol(data), Symbol(label), o));
  }
}
}  // namespace SYMGRAD_NS::sym

namespace SYMGRAD_NS::sym {
template <Typed A>
TSym<typename A::shape_type> linear_regression_output(const A& data, const RegressionOptions& o = {}) {
  return TSym<typename A::shape_type>(linear_regression_output(Symbol(data), Symbol(), o));
}
template <Typed A>
TSym<typename A::shape_type> logistic_regression_output(const A& data, const RegressionOptions& o = {}) {
  return TSym<typename A::shape_type>(logistic_regression_output(Symbol(data), Symbol(), o));
}
template <Typed A>
TSym<typename A::shape_type> mae_regression_output(const A& data, const RegressionOptions& o = {}) {
  return TSym<typename A::shape_type>(mae_regression_output(Symbol(data), Symbol(), o));
}
}  // namespace SYMGRAD_NS::sym
