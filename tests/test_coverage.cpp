// Operator coverage, driven by the registry: every registered operator (aliases resolved) must
// have a case here, and each case is run through shape inference, a symbol JSON round trip and,
// where the operator is differentiable, a float64 central-difference gradient check; the MXNet
// 1.9.1 golden cases it names must exist (tests/test_golden.cpp runs them). The table this
// builds is docs/operator_coverage.md: the test fails when that file differs, and rewrites it
// when SYMGRAD_UPDATE_DOCS=1 is set.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <symgrad/ops/registry.hpp>
#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using sg::AttrMap;
using sg::Shape;

namespace {

// The Custom operator's case: y = scale * x^3, written as a user would (any float dtype).
struct Cube : sg::CustomOp {
  double scale;
  explicit Cube(double s) : scale(s) {}
  void forward(bool, std::span<const sg::OpReq> req, std::span<const sg::NDArray> in,
               std::span<const sg::NDArray> out, std::span<const sg::NDArray>) override {
    assign(out[0], req[0], in[0] * in[0] * in[0] * scale);
  }
  void backward(std::span<const sg::OpReq> req, std::span<const sg::NDArray> og,
                std::span<const sg::NDArray> in, std::span<const sg::NDArray>,
                std::span<const sg::NDArray> ig, std::span<const sg::NDArray>) override {
    assign(ig[0], req[0], og[0] * in[0] * in[0] * (3 * scale));
  }
};
struct CubeProp : sg::CustomOpProp {
  double scale;
  explicit CubeProp(const AttrMap& kw) : scale(kw.count("scale") ? std::stod(kw.at("scale")) : 1.0) {}
  std::shared_ptr<sg::CustomOp> create_operator(sg::Context, const std::vector<Shape>&,
                                                const std::vector<sg::DType>&) const override {
    return std::make_shared<Cube>(scale);
  }
};
const bool cube_registered = [] {
  sg::register_custom_op("coverage_cube", [](const AttrMap& kw) { return std::make_shared<CubeProp>(kw); });
  return true;
}();

enum class Grad { check, none };

struct Case {
  std::string op = {};                   // the registered name
  AttrMap attrs = {};                    // attributes, as symbol JSON has them
  std::vector<Shape> inputs = {};        // the shapes of the inputs, in order
  Grad grad = Grad::check;               // none: not differentiable (integer outputs, constants, loss heads)
  std::vector<std::string> golden = {};  // MXNet 1.9.1 cases in tests/data/golden/
  const char* note = "";                 // why there is no gradient check or golden case
  std::pair<double, double> domain = {-1.0, 1.0};  // the inputs' values
  std::set<std::size_t> int_inputs = {};  // indices or labels: integers in [0, domain.second), not checked
};

// Aliases: registered names that build the operator of another name.
const std::map<std::string, std::string> kAliases = {
    {"_Plus", "elemwise_add"},
    {"_plus", "elemwise_add"},
    {"_Minus", "elemwise_sub"},
    {"_minus", "elemwise_sub"},
    {"_Mul", "elemwise_mul"},
    {"_mul", "elemwise_mul"},
    {"_Div", "elemwise_div"},
    {"_div", "elemwise_div"},
    {"_Maximum", "_maximum"},
    {"_Minimum", "_minimum"},
    {"_Power", "_power"},
    {"_PlusScalar", "_plus_scalar"},
    {"_MinusScalar", "_minus_scalar"},
    {"_RMinusScalar", "_rminus_scalar"},
    {"_MulScalar", "_mul_scalar"},
    {"_DivScalar", "_div_scalar"},
    {"_RDivScalar", "_rdiv_scalar"},
    {"_MaximumScalar", "_maximum_scalar"},
    {"_MinimumScalar", "_minimum_scalar"},
    {"_PowerScalar", "_power_scalar"},
    {"_RPowerScalar", "_rpower_scalar"},
    {"broadcast_plus", "broadcast_add"},
    {"broadcast_minus", "broadcast_sub"},
    {"concat", "Concat"},
    {"split", "SliceChannel"},
    {"ElementWiseSum", "add_n"},
    {"stop_gradient", "BlockGrad"},
    {"Softmax", "SoftmaxOutput"},
    {"pad", "Pad"},
    {"sum_axis", "sum"},
    {"max_axis", "max"},
    {"min_axis", "min"},
    {"reshape", "Reshape"},
    {"flatten", "Flatten"},
    {"crop", "slice"},
    {"swapaxes", "SwapAxis"},
    {"cast", "Cast"},
    {"flip", "reverse"},
    {"broadcast_axes", "broadcast_axis"},
};

const Shape s23{2, 3}, s234{2, 3, 4};

std::vector<Case> cases() {
  std::vector<Case> c;
  auto unary = [&](const std::string& op, std::string golden, std::pair<double, double> dom = {-1.0, 1.0}) {
    c.push_back({.op = op, .inputs = {s23}, .golden = {std::move(golden)}, .domain = dom});
  };
  for (const char* f : {"negative", "square", "exp", "abs", "relu", "sigmoid", "tanh", "sin", "cos", "expm1"})
    unary(f, std::string("unary_") + f);
  unary("sqrt", "unary_sqrt", {0.5, 2.0});
  unary("rsqrt", "unary_rsqrt", {0.5, 2.0});
  unary("log", "unary_log", {0.5, 2.0});
  unary("log1p", "unary_log1p", {0.5, 2.0});
  unary("reciprocal", "unary_reciprocal", {0.5, 2.0});
  c.push_back({.op = "sign",
               .inputs = {s23},
               .grad = Grad::none,
               .golden = {"unary_sign"},
               .note = "gradient zero almost everywhere"});
  c.push_back(
      {.op = "clip", .attrs = {{"a_min", "-0.5"}, {"a_max", "0.5"}}, .inputs = {s23}, .golden = {"clip"}});
  for (auto [op, g] : std::vector<std::pair<const char*, const char*>>{{"elemwise_add", "bin_add"},
                                                                       {"elemwise_sub", "bin_sub"},
                                                                       {"elemwise_mul", "bin_mul"},
                                                                       {"elemwise_div", "bin_div"},
                                                                       {"_maximum", "bin_maximum"},
                                                                       {"_minimum", "bin_minimum"}})
    c.push_back({.op = op, .inputs = {s23, s23}, .golden = {g}, .domain = {0.5, 2.0}});
  c.push_back({.op = "_power", .inputs = {s23, s23}, .golden = {"bin_power"}, .domain = {0.5, 2.0}});
  for (auto [op, g] : std::vector<std::pair<const char*, const char*>>{{"_plus_scalar", "scalar_plus"},
                                                                       {"_minus_scalar", "scalar_minus"},
                                                                       {"_rminus_scalar", "scalar_rminus"},
                                                                       {"_mul_scalar", "scalar_mul"},
                                                                       {"_div_scalar", "scalar_div"},
                                                                       {"_rdiv_scalar", "scalar_rdiv"},
                                                                       {"_maximum_scalar", "scalar_maximum"},
                                                                       {"_minimum_scalar", "scalar_minimum"},
                                                                       {"_power_scalar", "scalar_power"},
                                                                       {"_rpower_scalar", "scalar_rpower"}})
    c.push_back(
        {.op = op, .attrs = {{"scalar", "1.5"}}, .inputs = {s23}, .golden = {g}, .domain = {0.5, 2.0}});
  for (auto [op, g] :
       std::vector<std::pair<const char*, const char*>>{{"broadcast_add", "broadcast_add"},
                                                        {"broadcast_sub", "broadcast_sub"},
                                                        {"broadcast_mul", "broadcast_mul"},
                                                        {"broadcast_div", "broadcast_div"},
                                                        {"broadcast_maximum", "broadcast_maximum"},
                                                        {"broadcast_minimum", "broadcast_minimum"},
                                                        {"broadcast_power", "broadcast_power"}})
    c.push_back({.op = op, .inputs = {s234, Shape{1, 3, 1}}, .golden = {g}, .domain = {0.5, 2.0}});
  for (const char* cmp : {"equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal"}) {
    const std::string n(cmp);
    const char* step = "a step function: its gradient is zero (as MXNet's)";
    auto golden = [&](const std::string& g) { return std::vector<std::string>{g}; };
    c.push_back({.op = "_" + n,
                 .inputs = {s23, s23},
                 .grad = Grad::none,
                 .golden = n == "greater" ? golden("cmp_greater") : std::vector<std::string>{},
                 .note = step});
    c.push_back(
        {.op = "_" + n + "_scalar",
         .attrs = {{"scalar", "0.25"}},
         .inputs = {s23},
         .grad = Grad::none,
         .golden = n == "lesser_equal" ? golden("cmp_lesser_equal_scalar") : std::vector<std::string>{},
         .note = step});
    c.push_back({.op = "broadcast_" + n,
                 .inputs = {s234, Shape{1, 3, 1}},
                 .grad = Grad::none,
                 .golden = n == "not_equal" ? golden("cmp_broadcast_not_equal")
                           : n == "lesser"  ? golden("cmp_broadcast_lesser")
                                            : std::vector<std::string>{},
                 .note = step});
  }
  c.push_back({.op = "add_n",
               .attrs = {{"num_args", "3"}},
               .inputs = {s23, s23, s23},
               .note = "symgrad-only golden: sums checked in test_ops.cpp"});
  c.push_back({.op = "_copy", .inputs = {s23}, .note = "an identity"});
  c.push_back({.op = "_copy_like",
               .inputs = {s23, s23},
               .grad = Grad::none,
               .note = "internal (the gradient of a broadcast): never differentiated again"});
  c.push_back({.op = "zeros_like",
               .inputs = {s23},
               .grad = Grad::none,
               .golden = {"zeros_like"},
               .note = "a constant"});
  c.push_back({.op = "ones_like", .inputs = {s23}, .grad = Grad::none, .note = "a constant"});
  c.push_back({.op = "_zeros", .attrs = {{"shape", "(2, 3)"}}, .grad = Grad::none, .note = "a constant"});
  c.push_back({.op = "_ones", .attrs = {{"shape", "(2, 3)"}}, .grad = Grad::none, .note = "a constant"});
  c.push_back({.op = "_full",
               .attrs = {{"shape", "(2, 3)"}, {"value", "0.25"}},
               .grad = Grad::none,
               .note = "a constant"});
  c.push_back({.op = "make_loss",
               .inputs = {s23},
               .grad = Grad::none,
               .golden = {"make_loss_lower"},
               .note = "a loss head: its gradient is ones, checked against MXNet"});
  c.push_back({.op = "BlockGrad",
               .inputs = {s23},
               .grad = Grad::none,
               .golden = {"blockgrad"},
               .note = "stops the gradient by definition"});
  c.push_back({.op = "MakeLoss",
               .attrs = {{"normalization", "batch"}},
               .inputs = {s23},
               .grad = Grad::none,
               .golden = {"makeloss_null", "makeloss_batch", "makeloss_valid"},
               .note = "a loss head: its gradient is grad_scale, checked against MXNet"});
  c.push_back({.op = "Activation",
               .attrs = {{"act_type", "tanh"}},
               .inputs = {s23},
               .golden = {"act_relu", "act_sigmoid", "act_tanh", "act_softrelu", "act_softsign"}});
  c.push_back({.op = "LeakyReLU",
               .attrs = {{"act_type", "elu"}, {"slope", "0.3"}},
               .inputs = {s23},
               .golden = {"leaky_leaky", "leaky_elu", "leaky_selu", "leaky_gelu", "leaky_prelu"}});
  c.push_back({.op = "FullyConnected",
               .attrs = {{"num_hidden", "4"}},
               .inputs = {s234, Shape{4, 12}, Shape{4}},
               .golden = {"fc_flatten", "fc_noflatten", "fc_nobias"}});
  c.push_back({.op = "Convolution",
               .attrs = {{"kernel", "(3, 3)"}, {"num_filter", "2"}, {"pad", "(1, 1)"}},
               .inputs = {Shape{1, 2, 4, 4}, Shape{2, 2, 3, 3}, Shape{2}},
               .golden = {"conv2d", "conv1d", "conv3d", "conv2d_stride_pad_dilate", "conv2d_depthwise"}});
  c.push_back({.op = "Deconvolution",
               .attrs = {{"kernel", "(2, 2)"}, {"num_filter", "2"}, {"stride", "(2, 2)"}},
               .inputs = {Shape{1, 2, 3, 3}, Shape{2, 2, 2, 2}},
               .golden = {"deconv2d", "deconv1d", "deconv2d_stride_pad_adj", "deconv2d_target"}});
  c.push_back({.op = "Pooling",
               .attrs = {{"kernel", "(2, 2)"}, {"pool_type", "avg"}, {"stride", "(2, 2)"}},
               .inputs = {Shape{1, 2, 4, 4}},
               .golden = {"pool_max", "pool_avg_pad", "pool_sum_1d", "pool_global_avg", "pool_lp2"}});
  c.push_back({.op = "BatchNorm",
               .attrs = {{"fix_gamma", "False"}},
               .inputs = {Shape{4, 3}, Shape{3}, Shape{3}, Shape{3}, Shape{3}},
               .golden = {"batchnorm", "batchnorm_fix_gamma", "batchnorm_global", "batchnorm_axis_last"},
               .int_inputs = {3, 4}});
  c.push_back({.op = "LayerNorm",
               .inputs = {s234, Shape{4}, Shape{4}},
               .golden = {"layernorm_last", "layernorm_axis1", "layernorm_mean_var"}});
  c.push_back({.op = "InstanceNorm",
               .inputs = {s234, Shape{3}, Shape{3}},
               .golden = {"instancenorm_3d", "instancenorm_4d"}});
  c.push_back({.op = "L2Normalization",
               .attrs = {{"mode", "channel"}},
               .inputs = {s234},
               .golden = {"l2norm_instance", "l2norm_channel", "l2norm_spatial"}});
  c.push_back({.op = "LRN",
               .attrs = {{"nsize", "3"}},
               .inputs = {Shape{1, 4, 2, 2}},
               .golden = {"lrn_n3", "lrn_n5"}});
  c.push_back({.op = "Dropout",
               .attrs = {{"p", "0.5"}},
               .inputs = {s23},
               .grad = Grad::none,
               .note = "random masks: checked against closed forms in test_ops_nn.cpp"});
  c.push_back({.op = "Embedding",
               .attrs = {{"input_dim", "5"}, {"output_dim", "3"}, {"dtype", "float64"}},
               .inputs = {Shape{2, 2}, Shape{5, 3}},
               .golden = {"embedding"},
               .domain = {0.0, 4.9},
               .int_inputs = {0}});
  c.push_back({.op = "one_hot",
               .attrs = {{"depth", "4"}},
               .inputs = {Shape{3}},
               .grad = Grad::none,
               .golden = {"one_hot"},
               .note = "integer input",
               .domain = {0.0, 3.9}});
  c.push_back({.op = "argmax",
               .attrs = {{"axis", "1"}},
               .inputs = {s23},
               .grad = Grad::none,
               .golden = {"argmax"},
               .note = "integer output"});
  c.push_back({.op = "argmin",
               .attrs = {{"axis", "1"}},
               .inputs = {s23},
               .grad = Grad::none,
               .golden = {"argmin"},
               .note = "integer output"});
  c.push_back({.op = "pick",
               .attrs = {{"axis", "1"}},
               .inputs = {s23, Shape{2}},
               .golden = {"pick", "pick_keepdims"},
               .domain = {0.0, 2.9},
               .int_inputs = {1}});
  c.push_back({.op = "where", .inputs = {s23, s23, s23}, .golden = {"where"}, .int_inputs = {0}});
  c.push_back(
      {.op = "SoftmaxOutput",
       .inputs = {s23, Shape{2}},
       .grad = Grad::none,
       .golden = {"softmax_output", "softmax_output_multi", "softmax_output_ignore", "softmax_output_probs"},
       .note = "a loss head: its gradient is softmax − label, checked against MXNet",
       .domain = {0.0, 2.9}});
  for (auto [op, g] :
       std::vector<std::pair<const char*, const char*>>{{"LinearRegressionOutput", "linear_regression"},
                                                        {"LogisticRegressionOutput", "logistic_regression"},
                                                        {"MAERegressionOutput", "mae_regression"}})
    c.push_back({.op = op,
                 .inputs = {s23, s23},
                 .grad = Grad::none,
                 .golden = {g},
                 .note = "a loss head: its gradient is the residual, checked against MXNet"});
  c.push_back({.op = "softmax",
               .attrs = {{"axis", "-1"}},
               .inputs = {s23},
               .golden = {"softmax", "softmax_axis_temp"}});
  c.push_back({.op = "log_softmax", .inputs = {s23}, .golden = {"log_softmax"}});
  c.push_back({.op = "SoftmaxActivation",
               .attrs = {{"mode", "channel"}},
               .inputs = {s234},
               .golden = {"softmax_activation", "softmax_activation_channel"}});
  c.push_back({.op = "softmax_cross_entropy",
               .inputs = {s23, Shape{2}},
               .golden = {"softmax_cross_entropy"},
               .domain = {0.0, 3.0},
               .int_inputs = {1}});
  c.push_back({.op = "dot", .inputs = {s23, Shape{3, 4}}, .golden = {"dot", "dot_nd", "dot_ta_tb"}});
  c.push_back({.op = "batch_dot", .inputs = {s234, Shape{2, 4, 2}}, .golden = {"batch_dot", "batch_dot_tb"}});
  c.push_back({.op = "Concat",
               .attrs = {{"num_args", "2"}, {"dim", "1"}},
               .inputs = {s23, Shape{2, 2}},
               .golden = {"concat"}});
  c.push_back({.op = "Custom",
               .attrs = {{"op_type", "coverage_cube"}, {"scale", "0.5"}},
               .inputs = {s23},
               .note = "a user-defined operator (tests/test_custom_op.cpp has more)"});
  c.push_back({.op = "stack",
               .attrs = {{"num_args", "3"}, {"axis", "1"}},
               .inputs = {s23, s23, s23},
               .golden = {"stack", "stack_neg"}});
  c.push_back({.op = "_rnn_param_concat",
               .attrs = {{"num_args", "2"}, {"dim", "0"}},
               .inputs = {Shape{6}, Shape{4}},
               .golden = {"rnn_param_concat"}});
  c.push_back({.op = "SliceChannel",
               .attrs = {{"num_outputs", "2"}, {"axis", "1"}},
               .inputs = {Shape{2, 4}},
               .golden = {"split", "split_squeeze"}});
  c.push_back({.op = "Reshape",
               .attrs = {{"shape", "(0, -1)"}},
               .inputs = {s234},
               .golden = {"reshape_codes", "reshape_reverse"}});
  c.push_back({.op = "Cast", .attrs = {{"dtype", "float64"}}, .inputs = {s23}, .golden = {"cast"}});
  // float64 data passes amp_cast and amp_multicast unchanged (MXNet's rule), so the float64
  // gradient check sees the identity; the golden cases go through float16 (here the outputs'
  // check copies them with _copy, which has no float16 kernel).
  c.push_back({.op = "amp_cast", .attrs = {{"dtype", "float32"}}, .inputs = {s23}, .golden = {"amp_cast"}});
  c.push_back({.op = "amp_multicast",
               .attrs = {{"num_outputs", "2"}},
               .inputs = {s23, s234},
               .golden = {"amp_multicast", "amp_multicast_narrow"}});
  c.push_back({.op = "squeeze",
               .attrs = {{"axis", "(1,)"}},
               .inputs = {Shape{2, 1, 3}},
               .golden = {"squeeze", "squeeze_all"}});
  c.push_back({.op = "reverse", .attrs = {{"axis", "(0, 2)"}}, .inputs = {s234}, .golden = {"reverse"}});
  c.push_back({.op = "broadcast_to",
               .attrs = {{"shape", "(2, 0, 4)"}},
               .inputs = {Shape{1, 3, 1}},
               .golden = {"broadcast_to"}});
  c.push_back({.op = "broadcast_axis",
               .attrs = {{"axis", "(0, 2)"}, {"size", "(2, 4)"}},
               .inputs = {Shape{1, 3, 1}},
               .golden = {"broadcast_axis"}});
  c.push_back({.op = "broadcast_like",
               .inputs = {Shape{1, 3, 1}, s234},
               .golden = {"broadcast_like", "broadcast_like_axes"}});
  c.push_back({.op = "reshape_like",
               .attrs = {{"lhs_begin", "1"}, {"rhs_begin", "1"}},
               .inputs = {Shape{4, 6}, Shape{2, 2, 3}},
               .golden = {"reshape_like", "reshape_like_range"}});
  c.push_back({.op = "slice_like",
               .attrs = {{"axes", "(1,)"}},
               .inputs = {Shape{2, 4, 3}, s23},
               .golden = {"slice_like", "slice_like_axes"}});
  c.push_back({.op = "erf", .inputs = {s23}, .golden = {"erf"}});
  for (const char* r : {"floor", "ceil", "round", "rint", "trunc", "fix"})
    c.push_back({.op = r,
                 .inputs = {s23},
                 .grad = Grad::none,
                 .golden = {std::string("rounding_") + r},
                 .note = "a step function: its gradient is zero (as MXNet's)"});
  c.push_back({.op = "smooth_l1",
               .attrs = {{"scalar", "2.0"}},
               .inputs = {s23},
               .golden = {"smooth_l1"},
               .domain = {0.3, 2.0}});
  c.push_back({.op = "hard_sigmoid", .inputs = {s23}, .golden = {"hard_sigmoid", "hard_sigmoid_ab"}});
  c.push_back({.op = "_arange",
               .attrs = {{"start", "1"}, {"stop", "7"}, {"step", "2"}, {"repeat", "2"}},
               .grad = Grad::none,
               .golden = {"arange_repeat", "arange_float"},
               .note = "a constant"});
  c.push_back({.op = "SequenceMask",
               .attrs = {{"use_sequence_length", "True"}, {"value", "-1"}},
               .inputs = {s234, Shape{3}},
               .golden = {"sequence_mask", "sequence_mask_axis1"},
               .domain = {0.0, 2.9},
               .int_inputs = {1}});
  c.push_back({.op = "SequenceLast",
               .attrs = {{"use_sequence_length", "True"}, {"axis", "1"}},
               .inputs = {Shape{3, 4, 2}, Shape{3}},
               .golden = {"sequence_last", "sequence_last_axis1", "sequence_last_nolen"},
               .domain = {0.0, 6.9},  // lengths 1, 2, 3
               .int_inputs = {1}});
  c.push_back(
      {.op = "SequenceReverse", .inputs = {s234}, .golden = {"sequence_reverse", "sequence_reverse_nolen"}});
  c.push_back({.op = "take",
               .attrs = {{"axis", "1"}},
               .inputs = {s234, Shape{2, 2}},
               .golden = {"take", "take_axis_wrap"},
               .domain = {0.0, 2.9},
               .int_inputs = {1}});
  c.push_back(
      {.op = "topk",
       .attrs = {{"axis", "1"}, {"k", "2"}, {"ret_typ", "value"}},
       .inputs = {s234},
       .golden = {"topk_value", "topk_both_ascend", "topk_indices", "topk_mask_flat", "topk_value_flat"}});
  c.push_back({.op = "sort",
               .attrs = {{"is_ascend", "False"}},
               .inputs = {s234},
               .golden = {"sort", "sort_desc_axis0"}});
  c.push_back({.op = "argsort",
               .inputs = {s234},
               .grad = Grad::none,
               .golden = {"argsort", "argsort_desc_flat"},
               .note = "positions: no gradient (zeros, as MXNet's)"});
  c.push_back({.op = "gather_nd",
               .inputs = {s234, Shape{2, 3}},
               .golden = {"gather_nd", "gather_nd_full"},
               .domain = {0.0, 1.9},
               .int_inputs = {1}});
  c.push_back({.op = "scatter_nd",
               .attrs = {{"shape", "(3, 3, 4)"}},
               .inputs = {Shape{3, 4}, Shape{2, 3}},
               .golden = {"scatter_nd"},
               .domain = {0.0, 3.0},  // distinct coordinates (1, 1), (2, 2), (0, 0)
               .int_inputs = {1}});
  c.push_back({.op = "Crop",
               .attrs = {{"num_args", "2"}, {"center_crop", "True"}},
               .inputs = {Shape{1, 2, 5, 4}, Shape{1, 1, 2, 3}},
               .golden = {"crop_hw_offset", "crop_like_center", "crop_like_offset"}});
  c.push_back({.op = "_contrib_BilinearResize2D",
               .attrs = {{"height", "4"}, {"width", "5"}},
               .inputs = {Shape{1, 2, 3, 3}},
               .golden = {"bilinear_up", "bilinear_down_noalign", "bilinear_up_noalign", "bilinear_scale",
                          "bilinear_odd_scale", "bilinear_to_even_up", "bilinear_like", "bilinear_same"}});
  c.push_back({.op = "_contrib_AdaptiveAvgPooling2D",
               .attrs = {{"output_size", "(2, 3)"}},
               .inputs = {Shape{1, 2, 5, 4}},
               .golden = {"adaptive_avg_pool", "adaptive_avg_pool_up", "adaptive_avg_pool_global"}});
  c.push_back({.op = "Flatten", .inputs = {s234}, .golden = {"flatten"}});
  c.push_back({.op = "expand_dims", .attrs = {{"axis", "1"}}, .inputs = {s23}, .golden = {"expand_dims"}});
  c.push_back({.op = "transpose",
               .attrs = {{"axes", "(1, 0, 2)"}},
               .inputs = {s234},
               .golden = {"transpose", "transpose_default"}});
  c.push_back(
      {.op = "SwapAxis", .attrs = {{"dim1", "0"}, {"dim2", "2"}}, .inputs = {s234}, .golden = {"swapaxes"}});
  c.push_back({.op = "slice",
               .attrs = {{"begin", "(0, 1)"}, {"end", "(2, 3)"}},
               .inputs = {s23},
               .golden = {"slice"}});
  c.push_back({.op = "slice_axis",
               .attrs = {{"axis", "1"}, {"begin", "1"}, {"end", "3"}},
               .inputs = {s234},
               .golden = {"slice_axis"}});
  c.push_back({.op = "tile", .attrs = {{"reps", "(2, 1)"}}, .inputs = {s23}, .golden = {"tile"}});
  c.push_back({.op = "repeat",
               .attrs = {{"repeats", "2"}, {"axis", "1"}},
               .inputs = {s23},
               .golden = {"repeat", "repeat_flat"}});
  c.push_back({.op = "Pad",
               .attrs = {{"mode", "edge"}, {"pad_width", "(0, 0, 0, 0, 1, 1, 1, 1)"}},
               .inputs = {Shape{1, 2, 3, 3}},
               .golden = {"pad_constant", "pad_edge", "pad_reflect"}});
  c.push_back({.op = "UpSampling",
               .attrs = {{"scale", "2"}, {"sample_type", "nearest"}, {"num_args", "1"}},
               .inputs = {Shape{1, 2, 2, 2}},
               .golden = {"upsampling_nearest", "upsampling_bilinear_s2"}});
  c.push_back(
      {.op = "sum", .attrs = {{"axis", "(1,)"}}, .inputs = {s234}, .golden = {"sum_all", "sum_axis"}});
  c.push_back({.op = "mean",
               .attrs = {{"axis", "(1,)"}, {"exclude", "True"}},
               .inputs = {s234},
               .golden = {"mean_exclude"}});
  c.push_back({.op = "max", .attrs = {{"axis", "(1,)"}}, .inputs = {s234}, .golden = {"max_axis"}});
  c.push_back({.op = "min", .attrs = {{"axis", "(1,)"}}, .inputs = {s234}, .golden = {"min_axis"}});
  c.push_back({.op = "prod",
               .attrs = {{"axis", "(1,)"}},
               .inputs = {s234},
               .golden = {"prod_axis"},
               .domain = {0.5, 2.0}});
  c.push_back({.op = "norm",
               .attrs = {{"ord", "2"}, {"axis", "(1,)"}},
               .inputs = {s234},
               .golden = {"norm_l2", "norm_l1"},
               .domain = {0.5, 2.0}});
  c.push_back({.op = "RNN",
               .attrs = {{"state_size", "2"}, {"num_layers", "1"}, {"mode", "lstm"}},
               .inputs = {Shape{2, 1, 3}, Shape{56}, Shape{1, 1, 2}, Shape{1, 1, 2}},
               .golden = {"fused_lstm_l1", "fused_gru_l2", "fused_rnn_tanh_l1_bi"}});
  return c;
}

// The operators with a CUDA kernel (for the attributes of their case); a CUDA build checks the
// list against each operator's gpu_unsupported().
const std::set<std::string> kGpu = {"Activation",
                                    "_equal",
                                    "_not_equal",
                                    "_greater",
                                    "_greater_equal",
                                    "_lesser",
                                    "_lesser_equal",
                                    "_equal_scalar",
                                    "_not_equal_scalar",
                                    "_greater_scalar",
                                    "_greater_equal_scalar",
                                    "_lesser_scalar",
                                    "_lesser_equal_scalar",
                                    "broadcast_equal",
                                    "broadcast_not_equal",
                                    "broadcast_greater",
                                    "broadcast_greater_equal",
                                    "broadcast_lesser",
                                    "broadcast_lesser_equal",
                                    "_full",
                                    "_rnn_param_concat",
                                    "make_loss",
                                    "stack",
                                    "BatchNorm",
                                    "BlockGrad",
                                    "Concat",
                                    "Convolution",
                                    "Dropout",
                                    "Embedding",
                                    "Flatten",
                                    "FullyConnected",
                                    "InstanceNorm",
                                    "L2Normalization",
                                    "LayerNorm",
                                    "LeakyReLU",
                                    "LinearRegressionOutput",
                                    "LogisticRegressionOutput",
                                    "MAERegressionOutput",
                                    "MakeLoss",
                                    "Pooling",
                                    "RNN",
                                    "Reshape",
                                    "SliceChannel",
                                    "SoftmaxActivation",
                                    "SoftmaxOutput",
                                    "SwapAxis",
                                    "_copy",
                                    "_div_scalar",
                                    "_maximum",
                                    "_maximum_scalar",
                                    "_minimum",
                                    "_minimum_scalar",
                                    "_minus_scalar",
                                    "_mul_scalar",
                                    "_ones",
                                    "_plus_scalar",
                                    "_power",
                                    "_power_scalar",
                                    "_rdiv_scalar",
                                    "_rminus_scalar",
                                    "_rpower_scalar",
                                    "_zeros",
                                    "abs",
                                    "add_n",
                                    "batch_dot",
                                    "broadcast_add",
                                    "broadcast_div",
                                    "broadcast_maximum",
                                    "broadcast_minimum",
                                    "broadcast_mul",
                                    "broadcast_power",
                                    "broadcast_sub",
                                    "clip",
                                    "cos",
                                    "dot",
                                    "elemwise_add",
                                    "elemwise_div",
                                    "elemwise_mul",
                                    "elemwise_sub",
                                    "exp",
                                    "expand_dims",
                                    "expm1",
                                    "log",
                                    "log1p",
                                    "log_softmax",
                                    "max",
                                    "mean",
                                    "min",
                                    "negative",
                                    "ones_like",
                                    "prod",
                                    "reciprocal",
                                    "relu",
                                    "rsqrt",
                                    "sigmoid",
                                    "sign",
                                    "sin",
                                    "slice",
                                    "slice_axis",
                                    "softmax",
                                    "sqrt",
                                    "square",
                                    "sum",
                                    "tanh",
                                    "transpose",
                                    "zeros_like"};

// Each case's checks, as a row of the table.
struct Row {
  std::string op = {}, aliases = {};
  bool grad_checked = false, gpu = false;
  std::string golden = {}, note = {};
};

// Inference with the memory plan: the operator's outputs, read by one _copy step each, sit in
// shared buffers that start as NaN (SYMGRAD_MEMORY_PLAN=poison). A forward must give the same
// outputs as an executor whose arrays are all its own, so every element of every output is written.
void check_writes_outputs(const Case& k, const sg::Symbol& s, const sg::ShapeDict& shapes) {
  std::vector<sg::Symbol> copies;
  for (std::size_t i = 0; i < s.size(); ++i)
    copies.push_back(
        sg::sym::compose(sg::ops::create_op("_copy", {}, 1), {s[i]}, "copy" + std::to_string(i)));
  const sg::Symbol g = sg::sym::group(copies);
  ::setenv("SYMGRAD_MEMORY_PLAN", "poison", 1);
  auto planned = g.simple_bind(sg::cpu(), shapes, {.grad_req = "null", .seed = 3});
  ::unsetenv("SYMGRAD_MEMORY_PLAN");
  auto whole = g.simple_bind(sg::cpu(), shapes, {.grad_req = "null", .seed = 3, .memory_plan = false});
  sg::nd::random::Generator gen(17);
  auto& args = planned.arg_arrays();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& name = planned.list_arguments()[i];
    sg::NDArray v = sg::nd::random::uniform(k.domain.first, k.domain.second, args[i].shape(), gen);
    if (name.rfind("in", 0) == 0 && k.int_inputs.count(std::stoul(name.substr(2)))) {
      const auto n = static_cast<std::int64_t>(k.domain.second);
      for (std::int64_t e = 0; e < v.size(); ++e) v.data<float>()[e] = static_cast<float>((e * 7 + 1) % n);
    }
    v.copy_to(args[i]);
    v.copy_to(whole.arg_arrays()[i]);
  }
  for (std::size_t i = 0; i < planned.aux_arrays().size(); ++i) {
    sg::NDArray v = sg::nd::random::uniform(0.5, 1.5, planned.aux_arrays()[i].shape(), gen);
    v.copy_to(planned.aux_arrays()[i]);
    v.copy_to(whole.aux_arrays()[i]);
  }
  auto a = planned.forward(false);
  auto b = whole.forward(false);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::int64_t differ = 0;
    for (std::int64_t e = 0; e < a[i].size(); ++e) {
      const double x = a[i].at_flat(e), y = b[i].at_flat(e);
      if (!(x == y || (std::isnan(x) && std::isnan(y)))) ++differ;
    }
    CHECK_MESSAGE(differ == 0,
                  k.op << ": output " << i << " differs in " << differ << " of " << a[i].size()
                       << " elements when its buffer starts as NaN (an element it does not write)");
  }
}

Row run_case(const Case& k) {
  Row row{.op = k.op, .gpu = kGpu.count(k.op) > 0, .note = k.note};
#if SYMGRAD_WITH_CUDA
  {
    auto op =
        std::dynamic_pointer_cast<const sg::Operator>(sg::ops::create_op(k.op, k.attrs, k.inputs.size()));
    const bool has = op && op->gpu_unsupported().empty();
    CHECK_MESSAGE(has == row.gpu,
                  k.op << (has ? " has a CUDA kernel: add it to kGpu" : " has no CUDA kernel"));
  }
#endif
  std::vector<sg::Symbol> in;
  sg::ShapeDict shapes;
  for (std::size_t i = 0; i < k.inputs.size(); ++i) {
    in.push_back(sg::sym::var("in" + std::to_string(i)));
    shapes["in" + std::to_string(i)] = k.inputs[i];
  }
  sg::Symbol s = sg::sym::compose(sg::ops::create_op(k.op, k.attrs, in.size()), in, "node");
  // shapes: every output known from the inputs
  auto [args, outs, aux] = s.infer_shape(shapes);
  for (const auto& o : outs) CHECK_MESSAGE(o.known(), k.op << ": output shape " << o.str());
  // the symbol JSON round trip keeps the operator and its attributes
  sg::Symbol back = sg::Symbol::load_json(s.tojson());
  CHECK(back.tojson() == s.tojson());
  CHECK(back.entries()[0].node->op->attrs() == s.entries()[0].node->op->attrs());
  if (k.grad == Grad::check) {
    testing::GradCheckOptions o{.low = k.domain.first, .high = k.domain.second, .rtol = 1e-4, .atol = 1e-6};
    for (std::size_t i : k.int_inputs) {
      const std::string name = "in" + std::to_string(i);
      o.skip.insert(name);
      sg::NDArray v(k.inputs[i], sg::cpu(), sg::DType::float64);
      const auto n = static_cast<std::int64_t>(k.domain.second);
      for (std::int64_t e = 0; e < v.size(); ++e) v.data<double>()[e] = static_cast<double>((e * 7 + 1) % n);
      o.inputs[name] = v;
    }
    // aux states (BatchNorm's moving statistics) and index inputs are not differentiated
    for (const auto& a : s.list_auxiliary_states()) o.skip.insert(a);
    CHECK(testing::check_gradient(s, shapes, o) > 0);
    row.grad_checked = true;
  }
  check_writes_outputs(k, s, shapes);
  for (const auto& g : k.golden) {
    CHECK_MESSAGE(std::filesystem::exists(std::string(SYMGRAD_TEST_DATA) + "/golden/" + g + ".params"),
                  k.op << ": no golden file " << g);
    row.golden += (row.golden.empty() ? "" : ", ") + g;
  }
  return row;
}

std::string table(const std::vector<Row>& rows) {
  std::ostringstream t;
  t << "# Operator coverage\n\n"
    << "Generated by `tests/test_coverage.cpp` from the operator registry (run the unit tests with\n"
    << "`SYMGRAD_UPDATE_DOCS=1` to rewrite it; they fail while it differs). Every registered operator is\n"
    << "built from attributes, its shapes inferred, its symbol JSON read back, and, where it is\n"
    << "differentiable, its float64 gradient checked against central differences. Golden cases are\n"
    << "MXNet 1.9.1's outputs and gradients (`tests/data/golden/`, run by `tests/test_golden.cpp`).\n"
    << "CUDA kernel: the operator runs on `gpu(n)` with these attributes (`docs/gpu.md`); a CUDA build\n"
    << "checks this column against the operators.\n\n"
    << "| operator | aliases | shapes, JSON | gradient check | CUDA kernel | MXNet golden cases | note |\n"
    << "|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    t << "| `" << r.op << "` | " << r.aliases << " | ✓ | " << (r.grad_checked ? "✓" : "–") << " | "
      << (r.gpu ? "✓" : "–") << " | " << r.golden << " | " << r.note << " |\n";
  return t.str();
}

}  // namespace

TEST_CASE("coverage: every registered operator has a case, and every case passes") {
  auto all = cases();
  std::map<std::string, const Case*> by_op;
  for (const auto& k : all) {
    CHECK_MESSAGE(by_op.count(k.op) == 0, "two cases for " << k.op);
    by_op[k.op] = &k;
  }
  std::map<std::string, std::string> aliases_of;
  for (const auto& name : sg::ops::registered_ops()) {
    CAPTURE(name);
    if (auto a = kAliases.find(name); a != kAliases.end()) {
      REQUIRE_MESSAGE(by_op.count(a->second), "alias " << name << " of an operator without a case");
      const Case& k = *by_op.at(a->second);
      // the alias builds the same operator
      CHECK(sg::ops::create_op(name, k.attrs, k.inputs.size())->type_name() ==
            sg::ops::create_op(k.op, k.attrs, k.inputs.size())->type_name());
      aliases_of[a->second] += (aliases_of[a->second].empty() ? "" : ", ") + ("`" + name + "`");
      continue;
    }
    CHECK_MESSAGE(by_op.count(name),
                  "the registered operator " << name << " has no case in tests/test_coverage.cpp");
  }
  std::vector<Row> rows;
  for (const auto& k : all) {
    CAPTURE(k.op);
    Row r = run_case(k);
    r.aliases = aliases_of[k.op];
    if (r.grad_checked == false)
      CHECK_MESSAGE(*k.note, k.op << ": no gradient check needs a note saying why");
    if (k.golden.empty()) CHECK_MESSAGE(*k.note, k.op << ": no golden case needs a note saying why");
    rows.push_back(std::move(r));
  }
  const std::string doc = std::string(SYMGRAD_SOURCE_DIR) + "/docs/operator_coverage.md";
  const std::string want = table(rows);
  if (const char* u = std::getenv("SYMGRAD_UPDATE_DOCS"); u && std::string(u) == "1") {
    std::ofstream(doc) << want;
  }
  std::ifstream f(doc);
  std::stringstream have;
  have << f.rdbuf();
  CHECK_MESSAGE(have.str() == want, doc << " differs from the registry's table; run the unit tests with "
                                           "SYMGRAD_UPDATE_DOCS=1 to rewrite it");
  // docs/operators.md names every operator
  std::ifstream o(std::string(SYMGRAD_SOURCE_DIR) + "/docs/operators.md");
  std::stringstream ops;
  ops << o.rdbuf();
  for (const auto& r : rows)
    CHECK_MESSAGE(ops.str().find("`" + r.op + "`") != std::string::npos,
                  "docs/operators.md does not mention `" << r.op << "`");
}
