// The operator registry: MXNet's operator names (and aliases) -> a factory that builds the
// operator from the attribute strings of symbol JSON. Adding an operator adds its lines here.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "activation.hpp"
#include "batch_norm.hpp"
#include "broadcast.hpp"
#include "concat.hpp"
#include "convolution.hpp"
#include "deconvolution.hpp"
#include "copy_like.hpp"
#include "dot.hpp"
#include "dropout.hpp"
#include "embedding.hpp"
#include "indexing.hpp"
#include "init.hpp"
#include "leaky_relu.hpp"
#include "norm.hpp"
#include "output.hpp"
#include "pad.hpp"
#include "pooling.hpp"
#include "softmax.hpp"
#include "elemwise.hpp"
#include "fully_connected.hpp"
#include "loss.hpp"
#include "reduce.hpp"
#include "reshape.hpp"
#include "rnn_backward.hpp"
#include "slice.hpp"
#include "tile.hpp"
#include "transpose.hpp"
#include "upsampling.hpp"

namespace symgrad::ops {

using OpPtr = std::shared_ptr<const OpBase>;
// attributes, number of inputs the node has (for variadic operators)
using OpFactory = OpPtr (*)(const AttrMap&, std::size_t);

namespace reg {
template <class Op>
OpPtr plain(const AttrMap& m, std::size_t) {
  auto op = std::make_shared<Op>();
  std::string name = op->type_name();
  attr::Reader r(name, m);
  r.finish();
  return op;
}
template <class Op>
OpPtr with_attrs(const AttrMap& m, std::size_t) {
  return std::make_shared<Op>(m);
}
template <class F>
OpPtr scalar(const AttrMap& m, std::size_t) {
  attr::Reader r(F::name, m);
  double s = 0;
  if (!r.find("scalar")) throw ValueError(std::string(F::name) + ": the required attribute 'scalar' is missing");
  r.get("scalar", s);
  bool is_int = false;  // MXNet 1.9 writes it; the value of `scalar` says everything needed
  r.get("is_int", is_int);
  r.finish();
  return std::make_shared<Scalar<F>>(s);
}
inline OpPtr clip(const AttrMap& m, std::size_t) {
  attr::Reader r("clip", m);
  fn::clip c;
  if (!r.find("a_min") || !r.find("a_max")) throw ValueError("clip: the attributes 'a_min' and 'a_max' are required");
  r.get("a_min", c.a_min);
  r.get("a_max", c.a_max);
  r.finish();
  return std::make_shared<Unary<fn::clip>>(c);
}
template <ReduceKind K>
OpPtr reduce(const AttrMap& m, std::size_t) {
  return std::make_shared<Reduce>(K, m);
}
template <bool Batch>
OpPtr dot(const AttrMap& m, std::size_t) {
  return std::make_shared<Dot>(m, Batch);
}
inline OpPtr transpose(const AttrMap& m, std::size_t) {
  attr::Reader r("transpose", m);
  std::vector<std::int64_t> axes;
  r.get("axes", axes);
  r.finish();
  return std::make_shared<Transpose>(axes, false);
}
inline OpPtr swapaxis(const AttrMap& m, std::size_t) {
  attr::Reader r("SwapAxis", m);
  std::int64_t a = 0, b = 0;
  r.get("dim1", a);
  r.get("dim2", b);
  r.finish();
  return std::make_shared<Transpose>(std::vector<std::int64_t>{a, b}, true);
}
inline OpPtr concat(const AttrMap& m, std::size_t n) {
  attr::Reader r("Concat", m);
  std::int64_t k = static_cast<std::int64_t>(n), dim = 1;
  r.get("num_args", k);
  r.get("dim", dim);
  r.finish();
  if (static_cast<std::size_t>(k) != n)
    throw ValueError("Concat: num_args=" + std::to_string(k) + " but the node has " + std::to_string(n) + " inputs");
  return std::make_shared<Concat>(n, dim);
}
inline OpPtr slice(const AttrMap& m, std::size_t) {
  attr::Reader r("slice", m);
  SliceParam p;
  if (!r.find("begin") || !r.find("end")) throw ValueError("slice: 'begin' and 'end' are required");
  r.get_opt("begin", p.begin);
  r.get_opt("end", p.end);
  r.get_opt("step", p.step);
  r.finish();
  return std::make_shared<Slice>(p);
}
inline OpPtr slice_axis(const AttrMap& m, std::size_t) {
  attr::Reader r("slice_axis", m);
  SliceParam p;
  p.is_axis = true;
  std::int64_t b = 0, e = attr::kNone;
  if (!r.find("axis") || !r.find("begin") || !r.find("end")) throw ValueError("slice_axis: 'axis', 'begin' and 'end' are required");
  r.get("axis", p.axis);
  r.get("begin", b);
  r.get_opt("end", e);
  r.finish();
  p.begin = {b};
  p.end = {e};
  return std::make_shared<Slice>(p);
}
inline OpPtr tile(const AttrMap& m, std::size_t) {
  attr::Reader r("tile", m);
  TileParam p;
  if (!r.find("reps")) throw ValueError("tile: 'reps' is required");
  r.get("reps", p.reps);
  r.finish();
  return std::make_shared<Tile>(p);
}
inline OpPtr repeat(const AttrMap& m, std::size_t) {
  attr::Reader r("repeat", m);
  TileParam p;
  p.is_repeat = true;
  if (!r.find("repeats")) throw ValueError("repeat: 'repeats' is required");
  r.get("repeats", p.repeats);
  r.get_opt("axis", p.axis);
  r.finish();
  return std::make_shared<Tile>(p);
}
inline OpPtr expand_dims(const AttrMap& m, std::size_t) { return std::make_shared<ExpandDims>(m); }
inline OpPtr reshape(const AttrMap& m, std::size_t) { return std::make_shared<Reshape>(m); }
inline OpPtr slice_channel(const AttrMap& m, std::size_t) { return std::make_shared<SliceChannel>(m); }
inline OpPtr one_hot(const AttrMap& m, std::size_t) {
  attr::Reader r("one_hot", m);
  OneHotParam p;
  if (!r.find("depth")) throw ValueError("one_hot: 'depth' is required");
  r.get("depth", p.depth);
  r.get("on_value", p.on_value);
  r.get("off_value", p.off_value);
  std::string dt = "float32";
  r.get("dtype", dt);
  p.dtype = dtype_from_name(dt);
  r.finish();
  return std::make_shared<OneHot>(p);
}
template <bool Min>
OpPtr arg_extreme(const AttrMap& m, std::size_t) {
  attr::Reader r(Min ? "argmin" : "argmax", m);
  ArgParam p;
  p.is_min = Min;
  r.get_opt("axis", p.axis);
  r.get("keepdims", p.keepdims);
  r.finish();
  return std::make_shared<ArgExtreme>(p);
}
inline OpPtr pick(const AttrMap& m, std::size_t) {
  attr::Reader r("pick", m);
  PickParam p;
  r.get_opt("axis", p.axis);
  if (p.axis == attr::kNone) throw ValueError("pick: axis=None is not supported; give an axis");
  r.get("keepdims", p.keepdims);
  std::string mode = "clip";
  r.get("mode", mode);
  if (mode != "clip" && mode != "wrap") throw ValueError("pick: mode must be 'clip' or 'wrap'");
  p.wrap = mode == "wrap";
  r.finish();
  return std::make_shared<Pick>(p);
}
template <int Value>
OpPtr fill(const AttrMap& m, std::size_t) {
  attr::Reader r(Value ? "_ones" : "_zeros", m);
  std::vector<std::int64_t> dims;
  r.get("shape", dims);
  std::string dt;
  r.get("dtype", dt);
  std::string ctx;
  r.get("ctx", ctx);
  r.finish();
  Shape s;
  for (auto d : dims) s.push_back(d == 0 ? dyn : d);
  return std::make_shared<Fill>(static_cast<double>(Value), s,
                                dt.empty() ? std::nullopt : std::optional<DType>(dtype_from_name(dt)));
}
inline OpPtr softmax_like(const AttrMap& m, SoftmaxKind k, const char* name) {
  attr::Reader r(name, m);
  SoftmaxParam p;
  p.kind = k;
  r.get("axis", p.axis);
  if (auto t = r.find("temperature"); t && attr::trim(*t) != "None") p.temperature = attr::parse_float(name, "temperature", *t);
  std::string dt;
  r.get("dtype", dt);
  bool use_length = false;
  r.get("use_length", use_length);
  if (use_length) throw ValueError(std::string(name) + ": use_length=True is not supported");
  r.finish();
  return std::make_shared<Softmax>(p);
}
inline OpPtr softmax(const AttrMap& m, std::size_t) { return softmax_like(m, SoftmaxKind::softmax, "softmax"); }
inline OpPtr log_softmax(const AttrMap& m, std::size_t) { return softmax_like(m, SoftmaxKind::log_softmax, "log_softmax"); }
inline OpPtr softmax_activation(const AttrMap& m, std::size_t) {
  attr::Reader r("SoftmaxActivation", m);
  std::string mode = "instance";
  r.get("mode", mode);
  r.finish();
  if (mode != "instance" && mode != "channel") throw ValueError("SoftmaxActivation: mode must be 'instance' or 'channel'");
  return std::make_shared<Softmax>(
      SoftmaxParam{mode == "channel" ? SoftmaxKind::activation_channel : SoftmaxKind::activation_instance, -1, {}});
}
template <RegressionKind K>
OpPtr regression(const AttrMap& m, std::size_t) {
  return std::make_shared<RegressionOutput>(K, m);
}
inline OpPtr add_n(const AttrMap& m, std::size_t n) {
  attr::Reader r("add_n", m);
  std::int64_t k = static_cast<std::int64_t>(n);
  r.get("num_args", k);
  r.finish();
  if (k < 1 || static_cast<std::size_t>(k) != n)
    throw ValueError("add_n: num_args=" + std::to_string(k) + " but the node has " + std::to_string(n) + " inputs");
  return std::make_shared<AddN>(n);
}
}  // namespace reg

inline const std::map<std::string, OpFactory, std::less<>>& registry() {
  static const std::map<std::string, OpFactory, std::less<>> r = {
      {"FullyConnected", reg::with_attrs<FullyConnected>},
      {"Activation", reg::with_attrs<Activation>},
      {"MakeLoss", reg::with_attrs<MakeLoss>},
      {"BlockGrad", reg::plain<BlockGrad>},
      {"stop_gradient", reg::plain<BlockGrad>},
      {"elemwise_add", reg::plain<Binary<fn::elemwise_add>>},
      {"_plus", reg::plain<Binary<fn::elemwise_add>>},
      {"_Plus", reg::plain<Binary<fn::elemwise_add>>},
      {"elemwise_sub", reg::plain<Binary<fn::elemwise_sub>>},
      {"_minus", reg::plain<Binary<fn::elemwise_sub>>},
      {"_Minus", reg::plain<Binary<fn::elemwise_sub>>},
      {"elemwise_mul", reg::plain<Binary<fn::elemwise_mul>>},
      {"_mul", reg::plain<Binary<fn::elemwise_mul>>},
      {"_Mul", reg::plain<Binary<fn::elemwise_mul>>},
      {"elemwise_div", reg::plain<Binary<fn::elemwise_div>>},
      {"_div", reg::plain<Binary<fn::elemwise_div>>},
      {"_Div", reg::plain<Binary<fn::elemwise_div>>},
      {"_plus_scalar", reg::scalar<fn::plus_scalar>},
      {"_PlusScalar", reg::scalar<fn::plus_scalar>},
      {"_minus_scalar", reg::scalar<fn::minus_scalar>},
      {"_MinusScalar", reg::scalar<fn::minus_scalar>},
      {"_rminus_scalar", reg::scalar<fn::rminus_scalar>},
      {"_RMinusScalar", reg::scalar<fn::rminus_scalar>},
      {"_mul_scalar", reg::scalar<fn::mul_scalar>},
      {"_MulScalar", reg::scalar<fn::mul_scalar>},
      {"_div_scalar", reg::scalar<fn::div_scalar>},
      {"_DivScalar", reg::scalar<fn::div_scalar>},
      {"_rdiv_scalar", reg::scalar<fn::rdiv_scalar>},
      {"_RDivScalar", reg::scalar<fn::rdiv_scalar>},
      {"negative", reg::plain<Unary<fn::negative>>},
      {"square", reg::plain<Unary<fn::square>>},
      {"sqrt", reg::plain<Unary<fn::sqrt>>},
      {"exp", reg::plain<Unary<fn::exp>>},
      {"log", reg::plain<Unary<fn::log>>},
      {"abs", reg::plain<Unary<fn::abs>>},
      {"relu", reg::plain<Unary<fn::relu>>},
      {"sigmoid", reg::plain<Unary<fn::sigmoid>>},
      {"tanh", reg::plain<Unary<fn::tanh>>},
      {"reciprocal", reg::plain<Unary<fn::reciprocal>>},
      {"rsqrt", reg::plain<Unary<fn::rsqrt>>},
      {"log1p", reg::plain<Unary<fn::log1p>>},
      {"expm1", reg::plain<Unary<fn::expm1>>},
      {"sin", reg::plain<Unary<fn::sin>>},
      {"cos", reg::plain<Unary<fn::cos>>},
      {"sign", reg::plain<Unary<fn::sign>>},
      {"clip", reg::clip},
      {"_maximum", reg::plain<Binary<fn::maximum>>},
      {"_Maximum", reg::plain<Binary<fn::maximum>>},
      {"_minimum", reg::plain<Binary<fn::minimum>>},
      {"_Minimum", reg::plain<Binary<fn::minimum>>},
      {"_power", reg::plain<Binary<fn::power>>},
      {"_Power", reg::plain<Binary<fn::power>>},
      {"_maximum_scalar", reg::scalar<fn::maximum_scalar>},
      {"_MaximumScalar", reg::scalar<fn::maximum_scalar>},
      {"_minimum_scalar", reg::scalar<fn::minimum_scalar>},
      {"_MinimumScalar", reg::scalar<fn::minimum_scalar>},
      {"_power_scalar", reg::scalar<fn::power_scalar>},
      {"_PowerScalar", reg::scalar<fn::power_scalar>},
      {"_rpower_scalar", reg::scalar<fn::rpower_scalar>},
      {"_RPowerScalar", reg::scalar<fn::rpower_scalar>},
      {"add_n", reg::add_n},
      {"ElementWiseSum", reg::add_n},
      {"_copy", reg::plain<Copy>},
      {"_copy_like", reg::plain<CopyLike>},
      {"broadcast_add", reg::plain<Broadcast<fn::elemwise_add>>},
      {"broadcast_plus", reg::plain<Broadcast<fn::elemwise_add>>},
      {"broadcast_sub", reg::plain<Broadcast<fn::elemwise_sub>>},
      {"broadcast_minus", reg::plain<Broadcast<fn::elemwise_sub>>},
      {"broadcast_mul", reg::plain<Broadcast<fn::elemwise_mul>>},
      {"broadcast_div", reg::plain<Broadcast<fn::elemwise_div>>},
      {"broadcast_maximum", reg::plain<Broadcast<fn::maximum>>},
      {"broadcast_minimum", reg::plain<Broadcast<fn::minimum>>},
      {"broadcast_power", reg::plain<Broadcast<fn::power>>},
      {"sum", reg::reduce<ReduceKind::sum>},
      {"sum_axis", reg::reduce<ReduceKind::sum>},
      {"mean", reg::reduce<ReduceKind::mean>},
      {"max", reg::reduce<ReduceKind::max>},
      {"max_axis", reg::reduce<ReduceKind::max>},
      {"min", reg::reduce<ReduceKind::min>},
      {"min_axis", reg::reduce<ReduceKind::min>},
      {"prod", reg::reduce<ReduceKind::prod>},
      {"norm", reg::reduce<ReduceKind::norm>},
      {"dot", reg::dot<false>},
      {"batch_dot", reg::dot<true>},
      {"Reshape", reg::reshape},
      {"reshape", reg::reshape},
      {"Flatten", reg::plain<Flatten>},
      {"flatten", reg::plain<Flatten>},
      {"expand_dims", reg::expand_dims},
      {"transpose", reg::transpose},
      {"SwapAxis", reg::swapaxis},
      {"swapaxes", reg::swapaxis},
      {"Concat", reg::concat},
      {"concat", reg::concat},
      {"SliceChannel", reg::slice_channel},
      {"split", reg::slice_channel},
      {"slice", reg::slice},
      {"crop", reg::slice},
      {"slice_axis", reg::slice_axis},
      {"tile", reg::tile},
      {"RNN", reg::with_attrs<RNN>},
      {"one_hot", reg::one_hot},
      {"argmax", reg::arg_extreme<false>},
      {"argmin", reg::arg_extreme<true>},
      {"pick", reg::pick},
      {"where", reg::plain<Where>},
      {"_zeros", reg::fill<0>},
      {"_ones", reg::fill<1>},
      {"ones_like", reg::plain<OnesLike>},
      {"Embedding", reg::with_attrs<Embedding>},
      {"Convolution", reg::with_attrs<Convolution>},
      // transposed convolution (deconvolution.hpp)
      {"Deconvolution", reg::with_attrs<Deconvolution>},
      {"Pooling", reg::with_attrs<Pooling>},
      {"BatchNorm", reg::with_attrs<BatchNorm>},
      // normalisation layers (norm.hpp)
      {"LayerNorm", reg::with_attrs<LayerNorm>},
      {"InstanceNorm", reg::with_attrs<InstanceNorm>},
      {"L2Normalization", reg::with_attrs<L2Normalization>},
      {"LRN", reg::with_attrs<LRN>},
      {"Dropout", reg::with_attrs<Dropout>},
      // activations, padding, resampling (leaky_relu.hpp, pad.hpp, upsampling.hpp)
      {"LeakyReLU", reg::with_attrs<LeakyReLU>},
      {"Pad", reg::with_attrs<Pad>},
      {"pad", reg::with_attrs<Pad>},
      {"UpSampling", upsampling_from_attrs},
      {"softmax", reg::softmax},
      {"log_softmax", reg::log_softmax},
      {"SoftmaxActivation", reg::softmax_activation},
      {"softmax_cross_entropy", reg::plain<SoftmaxCrossEntropy>},
      {"SoftmaxOutput", reg::with_attrs<SoftmaxOutput>},
      {"Softmax", reg::with_attrs<SoftmaxOutput>},
      {"LinearRegressionOutput", reg::regression<RegressionKind::linear>},
      {"LogisticRegressionOutput", reg::regression<RegressionKind::logistic>},
      {"MAERegressionOutput", reg::regression<RegressionKind::mae>},
      {"repeat", reg::repeat},
      {"zeros_like", reg::plain<ZerosLike>},
  };
  return r;
}

// Builds the operator registered under `name` (MXNet's name or an alias).
inline OpPtr create_op(std::string_view name, const AttrMap& attrs, std::size_t num_inputs) {
  const auto& r = registry();
  auto it = r.find(name);
  if (it == r.end()) {
    std::vector<std::string> names;
    for (const auto& [k, v] : r) names.push_back(k);
    throw NameError("unknown operator '" + std::string(name) + "'." + symgrad::detail::did_you_mean(name, names) +
                    " symgrad implements: " + symgrad::detail::join(names));
  }
  return it->second(attrs, num_inputs);
}

}  // namespace symgrad::ops
