// LeakyReLU, Pad and UpSampling: arguments and shape rules with their failures, values against
// direct formulas, float64 finite-difference gradients, symbol JSON, typed forms and golden tests
// against MXNet 1.9.1 (tests/reference/golden_act.py).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <symgrad/symgrad.hpp>

#include "golden.hpp"
#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;
using testing::run_golden;

namespace {
using Strings = std::vector<std::string>;
constexpr double kLambda = 1.0507009873554804934193349852946, kAlpha = 1.6732632423543772848170429916717;

sg::NDArray uniform64(const sg::Shape& s, double lo, double hi, std::uint64_t seed) {
  sg::nd::random::Generator gen(seed);
  return sg::nd::random::uniform(lo, hi, s, gen, {.dtype = sg::DType::float64});
}
// Values in ±[0.1, 2]: away from the kinks at 0.
sg::NDArray away_from_zero(const sg::Shape& s, std::uint64_t seed) {
  auto a = uniform64(s, 0.1, 2.0, seed), sign = uniform64(s, -1, 1, seed + 1);
  for (std::int64_t i = 0; i < a.size(); ++i)
    if (sign.data<double>()[i] < 0) a.data<double>()[i] = -a.data<double>()[i];
  return a;
}
// Binds in float64, sets the arguments and runs forward.
sg::Executor run64(const Symbol& s, const std::map<std::string, sg::NDArray>& args, bool train = false) {
  sg::ShapeDict shapes;
  sg::TypeDict types;
  for (const auto& [k, v] : args) shapes[k] = v.shape(), types[k] = sg::DType::float64;
  auto ex = s.simple_bind(sg::cpu(), shapes, {.type_dict = types});
  for (const auto& [k, v] : args) ex.arg_dict().at(k).copy_from(v);
  ex.forward(train);
  return ex;
}
double max_diff(const sg::NDArray& got, const std::vector<double>& want) {
  REQUIRE(static_cast<std::size_t>(got.size()) == want.size());
  double m = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    m = std::max(m, std::fabs(got.at_flat(std::int64_t(i)) - want[i]));
  return m;
}
std::string shape_error(const Symbol& s, const sg::ShapeDict& shapes) {
  return testing::error_message<sg::ShapeError>([&] { s.infer_shape(shapes); });
}
}  // namespace

// ---------------------------------------------------------------- LeakyReLU

TEST_CASE("leaky_relu: arguments, outputs and shapes as MXNet's") {
  NameManager names;
  Symbol x = var("data");
  for (const char* t : {"leaky", "elu", "selu", "gelu"}) {
    auto s = leaky_relu(x, {.act_type = t, .name = "lr"});
    CHECK(s.list_arguments() == Strings{"data"});
    CHECK(s.list_outputs() == Strings{"lr_output"});
  }
  auto rr = leaky_relu(x, {.act_type = "rrelu", .name = "lr"});
  CHECK(rr.list_outputs() == Strings{"lr_output", "lr_mask"});  // both visible in MXNet 1.9.1
  CHECK(rr.infer_shape({{"data", {2, 3}}}).out_shapes == std::vector<sg::Shape>{{2, 3}, {2, 3}});
  CHECK(leaky_relu(x).list_outputs() == Strings{"leakyrelu0_output"});

  auto pr = leaky_relu(x, {.act_type = "prelu", .name = "lr"});
  CHECK(pr.list_arguments() == Strings{"data", "lr_gamma"});
  CHECK(pr.infer_shape({{"data", {2, 3, 4, 5}}}).arg_shapes.at(1) == sg::Shape{3});
  CHECK(pr.infer_shape({{"data", {4, 7}}}).arg_shapes.at(1) == sg::Shape{7});
  // gamma (1,), (N,) and (N, C) broadcast; (C, N) does not
  CHECK(pr.infer_shape({{"data", {2, 3, 4}}, {"lr_gamma", {1}}}).out_shapes.at(0) == sg::Shape{2, 3, 4});
  CHECK(pr.infer_shape({{"data", {2, 3, 4}}, {"lr_gamma", {2}}}).out_shapes.at(0) == sg::Shape{2, 3, 4});
  CHECK(pr.infer_shape({{"data", {2, 3, 4}}, {"lr_gamma", {2, 3}}}).out_shapes.at(0) == sg::Shape{2, 3, 4});
  auto msg = shape_error(pr, {{"data", {2, 3, 4}}, {"lr_gamma", {3, 2}}});
  CHECK(msg.find("lr_gamma") != std::string::npos);
  CHECK(msg.find("does not broadcast") != std::string::npos);
  CHECK(shape_error(pr, {{"data", {2, 3, 4}}, {"lr_gamma", {4}}}).find("(4,)") != std::string::npos);
  // 1-D data has no channel axis to take gamma from
  CHECK(shape_error(pr, {{"data", {5}}}).find("give gamma of shape (1,)") != std::string::npos);
  CHECK(pr.infer_shape({{"data", {5}}, {"lr_gamma", {1}}}).out_shapes.at(0) == sg::Shape{5});
  // as MXNet, gamma starts at 0.25 (an __init__ attribute), also for a given gamma variable
  CHECK(pr.attr_dict().at("lr_gamma").at("__init__") == R"(["Constant", {"value": 0.25}])");
  auto given = leaky_relu(x, var("g"), {.act_type = "prelu"});
  CHECK(given.list_arguments() == Strings{"data", "g"});
  CHECK(given.attr_dict().at("g").at("__init__") == R"(["Constant", {"value": 0.25}])");

  CHECK_THROWS_WITH_AS(
      leaky_relu(x, {.act_type = "swish"}),
      doctest::Contains("act_type must be one of leaky, prelu, elu, selu, gelu, rrelu, got 'swish'"),
      sg::ValueError);
  CHECK_THROWS_WITH_AS(leaky_relu(x, var("g"), {.act_type = "leaky"}), doctest::Contains("'prelu' only"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(leaky_relu(x, {.act_type = "rrelu", .lower_bound = 0.5, .upper_bound = 0.2}),
                       doctest::Contains("lower_bound <= upper_bound"), sg::ValueError);
}

TEST_CASE("leaky_relu: values against the formulas") {
  Symbol x = var("data");
  const sg::Shape shape{2, 3, 4};
  auto in = uniform64(shape, -3, 3, 11);
  const double* X = in.data<double>();
  auto values = [&](const LeakyReLUOptions& o, auto f) {
    auto ex = run64(leaky_relu(x, o), {{"data", in}});
    std::vector<double> want;
    for (std::int64_t i = 0; i < in.size(); ++i) want.push_back(f(X[i]));
    CHECK_MESSAGE(max_diff(ex.outputs().at(0), want) < 1e-12, o.act_type);
  };
  values({.act_type = "leaky", .slope = 0.1}, [](double v) { return v > 0 ? v : 0.1 * v; });
  values({.act_type = "elu", .slope = 0.7}, [](double v) { return v > 0 ? v : 0.7 * (std::exp(v) - 1); });
  values({.act_type = "selu", .slope = 0.7},  // selu takes no slope
         [](double v) { return kLambda * (v > 0 ? v : kAlpha * (std::exp(v) - 1)); });
  values({.act_type = "gelu"}, [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); });
  // gelu is the erf form, not tanh's approximation (which differs by up to ~2e-4 here)
  auto ex = run64(leaky_relu(x, {.act_type = "gelu"}), {{"data", in}});
  double tanh_gap = 0;
  for (std::int64_t i = 0; i < in.size(); ++i) {
    const double v = X[i],
                 t = 0.5 * v * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (v + 0.044715 * v * v * v)));
    tanh_gap = std::max(tanh_gap, std::fabs(t - ex.outputs().at(0).at_flat(i)));
  }
  CHECK(tanh_gap > 1e-5);

  // prelu: one slope per channel, then one for all
  auto gamma = sg::NDArray(std::vector<double>{0.1, -0.2, 0.3}, {3});
  auto pr = run64(leaky_relu(x, {.act_type = "prelu", .name = "lr"}), {{"data", in}, {"lr_gamma", gamma}});
  std::vector<double> want;
  for (std::int64_t i = 0; i < in.size(); ++i)
    want.push_back(X[i] > 0 ? X[i] : gamma.at_flat(i / 4 % 3) * X[i]);
  CHECK(max_diff(pr.outputs().at(0), want) < 1e-12);
  auto one = sg::NDArray(std::vector<double>{-0.4}, {1});
  pr = run64(leaky_relu(x, {.act_type = "prelu", .name = "lr"}), {{"data", in}, {"lr_gamma", one}});
  want.clear();
  for (std::int64_t i = 0; i < in.size(); ++i) want.push_back(X[i] > 0 ? X[i] : -0.4 * X[i]);
  CHECK(max_diff(pr.outputs().at(0), want) < 1e-12);
}

TEST_CASE("leaky_relu: float64 gradients of every act_type") {
  Symbol x = var("data");
  const sg::Shape shape{2, 3, 4};
  auto in = away_from_zero(shape, 21);
  for (auto o : {LeakyReLUOptions{.act_type = "leaky", .slope = 0.3},
                 LeakyReLUOptions{.act_type = "elu", .slope = 0.7}, LeakyReLUOptions{.act_type = "gelu"},
                 LeakyReLUOptions{.act_type = "rrelu", .lower_bound = 0.2, .upper_bound = 0.2}}) {
    INFO(o.act_type);  // rrelu with equal bounds: the drawn slope is fixed, so differences are defined
    CHECK(check_gradient(leaky_relu(x, o), {{"data", shape}}, {.inputs = {{"data", in}}}) > 0);
  }
  CHECK(check_gradient(leaky_relu(x, {.act_type = "gelu"}), {{"data", shape}}, {.low = -3, .high = 3}) > 0);
  auto pr = leaky_relu(x, {.act_type = "prelu", .name = "lr"});
  CHECK(check_gradient(pr, {{"data", shape}}, {.inputs = {{"data", in}}}) == 24 + 3);
  CHECK(check_gradient(pr, {{"data", shape}, {"lr_gamma", {1}}}, {.inputs = {{"data", in}}}) == 24 + 1);
  CHECK(check_gradient(pr, {{"data", shape}, {"lr_gamma", {2, 3}}}, {.inputs = {{"data", in}}}) == 24 + 6);
  CHECK(check_gradient(pr, {{"data", {5, 2}}}, {.inputs = {{"data", away_from_zero({5, 2}, 3)}}}) > 0);

  // selu: the derivative on both sides (MXNet 1.9.1's is λ·(y + α) for x < 0, not y + λ·α = λ·α·eˣ)
  auto selu = leaky_relu(x, {.act_type = "selu"});
  CHECK(check_gradient(selu, {{"data", shape}}, {.inputs = {{"data", in}}}) > 0);
  auto ex = run64(selu, {{"data", in}}, true);
  ex.backward(sg::nd::ones(shape, sg::cpu(), sg::DType::float64));
  const double* X = in.data<double>();
  std::vector<double> want;
  for (std::int64_t i = 0; i < in.size(); ++i)
    want.push_back(X[i] > 0 ? kLambda : kLambda * kAlpha * std::exp(X[i]));
  CHECK(max_diff(ex.grad_dict().at("data"), want) < 1e-12);
  // a negative slope: the output's sign picks the gradient (MXNet's), so x < 0 (y > 0) gets dy, not -0.5·dy
  ex = run64(leaky_relu(x, {.slope = -0.5}), {{"data", in}}, true);
  ex.backward(sg::nd::ones(shape, sg::cpu(), sg::DType::float64));
  int negatives = 0;
  for (std::int64_t i = 0; i < in.size(); ++i) {
    negatives += X[i] < 0;
    CHECK(ex.grad_dict().at("data").at_flat(i) == 1.0);
  }
  CHECK(negatives > 0);
}

TEST_CASE("leaky_relu: rrelu draws its slopes in training and uses their midpoint in inference") {
  Symbol x = var("data");
  auto rr = leaky_relu(x, {.act_type = "rrelu", .lower_bound = 0.1, .upper_bound = 0.3});
  const sg::Shape shape{4, 50};
  auto in = away_from_zero(shape, 5);
  const double* X = in.data<double>();
  auto ex = run64(rr, {{"data", in}}, true);
  const auto& y = ex.outputs().at(0);
  auto mask = ex.outputs().at(1).copy();
  double lo = 1, hi = 0;
  for (std::int64_t i = 0; i < in.size(); ++i) {
    const double m = mask.at_flat(i);
    lo = std::min(lo, m), hi = std::max(hi, m);
    CHECK(y.at_flat(i) == doctest::Approx(X[i] > 0 ? X[i] : m * X[i]).epsilon(1e-14));
  }
  CHECK(lo >= 0.1);
  CHECK(hi < 0.3);
  CHECK(hi - lo > 0.15);  // 200 draws spread over the range
  // the gradient uses the drawn slope
  auto head = uniform64(shape, -1, 1, 9);
  ex.backward(std::vector<sg::NDArray>{head, sg::NDArray()});
  for (std::int64_t i = 0; i < in.size(); ++i)
    CHECK(ex.grad_dict().at("data").at_flat(i) ==
          doctest::Approx(head.at_flat(i) * (X[i] > 0 ? 1.0 : mask.at_flat(i))).epsilon(1e-14));
  // the next training step draws again; the same seed gives the same draws
  ex.forward(true);
  CHECK(sg::nd::max_abs_diff(mask, ex.outputs().at(1)) > 0);
  auto again = run64(rr, {{"data", in}}, true);
  CHECK(sg::nd::max_abs_diff(mask, again.outputs().at(1)) == 0);
  // inference: slope (lower + upper) / 2, also written to the mask
  ex.forward(false);
  for (std::int64_t i = 0; i < in.size(); ++i) {
    CHECK(ex.outputs().at(0).at_flat(i) == doctest::Approx(X[i] > 0 ? X[i] : 0.2 * X[i]).epsilon(1e-14));
    CHECK(ex.outputs().at(1).at_flat(i) == doctest::Approx(0.2));
  }
}

// ---------------------------------------------------------------- Pad

TEST_CASE("pad: shapes and errors as MXNet's") {
  NameManager names;
  Symbol x = var("data");
  auto p = pad(x, {.mode = "edge", .pad_width = {0, 0, 0, 0, 1, 2, 3, 4}, .name = "p"});
  CHECK(p.list_arguments() == Strings{"data"});
  CHECK(p.infer_shape({{"data", {2, 3, 4, 5}}}).out_shapes.at(0) == sg::Shape{2, 3, 7, 12});
  auto p5 = pad(x, {.pad_width = {0, 0, 0, 0, 1, 1, 0, 2, 3, 0}});
  CHECK(p5.infer_shape({{"data", {1, 2, 3, 4, 5}}}).out_shapes.at(0) == sg::Shape{1, 2, 5, 6, 8});
  CHECK(Pad(x, {.mode = "reflect", .pad_width = {0, 0, 0, 0, 3, 3, 1, 1}})
            .infer_shape({{"data", {1, 1, 4, 5}}})
            .out_shapes.at(0) == sg::Shape{1, 1, 10, 7});

  auto msg = shape_error(p, {{"data", {2, 3, 4}}});
  CHECK(msg.find("4-D or 5-D") != std::string::npos);
  CHECK(msg.find("(2, 3, 4)") != std::string::npos);
  auto short_pw = pad(x, {.pad_width = {0, 0, 0, 0, 1, 1}, .name = "short"});
  msg = shape_error(short_pw, {{"data", {2, 3, 4, 5}}});
  CHECK(msg.find("short") != std::string::npos);
  CHECK(msg.find("two values (before, after) per axis") != std::string::npos);
  msg = shape_error(pad(x, {.pad_width = {0, 0, 1, 0, 1, 1, 1, 1}}), {{"data", {2, 3, 4, 5}}});
  CHECK(msg.find("batch and channel") != std::string::npos);
  CHECK(shape_error(pad(x, {.pad_width = {1, 0, 0, 0, 1, 1, 1, 1}}), {{"data", {2, 3, 4, 5}}})
            .find("batch and channel") != std::string::npos);
  msg = shape_error(pad(x, {.mode = "reflect", .pad_width = {0, 0, 0, 0, 4, 4, 1, 1}}),
                    {{"data", {1, 1, 4, 5}}});
  CHECK(msg.find("smaller than the size") != std::string::npos);
  CHECK_NOTHROW(
      pad(x, {.mode = "edge", .pad_width = {0, 0, 0, 0, 4, 4, 1, 1}}).infer_shape({{"data", {1, 1, 4, 5}}}));
  CHECK_THROWS_WITH_AS(pad(x, {}), doctest::Contains("pad_width is required"), sg::ValueError);
  CHECK_THROWS_WITH_AS(pad(x, {.mode = "wrap", .pad_width = {0, 0, 0, 0, 1, 1, 1, 1}}),
                       doctest::Contains("'wrap'"), sg::ValueError);
  CHECK_THROWS_WITH_AS(pad(x, {.pad_width = {0, 0, 0, 0, -1, 1, 1, 1}}), doctest::Contains("negative"),
                       sg::ValueError);
}

TEST_CASE("pad: values and accumulated gradients of the three modes") {
  Symbol x = var("data");
  // [[1 2 3], [4 5 6]] padded by rows (1, 1) and columns (2, 1)
  auto in = sg::NDArray(std::vector<double>{1, 2, 3, 4, 5, 6}, {1, 1, 2, 3});
  const std::vector<std::int64_t> pw{0, 0, 0, 0, 1, 1, 2, 1};
  struct Case {
    const char* mode;
    std::vector<double> out, grad;  // grad: how many outputs copy each element
  };
  for (const auto& c : {Case{"constant",
                             {9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 9, 9, 9, 9, 9, 9, 9},
                             {1, 1, 1, 1, 1, 1}},
                        Case{"edge",
                             {1, 1, 1, 2, 3, 3, 1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6, 4, 4, 4, 5, 6, 6},
                             {6, 2, 4, 6, 2, 4}},
                        Case{"reflect",
                             {6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2},
                             {2, 6, 4, 2, 6, 4}}}) {
    INFO(c.mode);
    auto ex = run64(pad(x, {.mode = c.mode, .pad_width = pw, .constant_value = 9}), {{"data", in}}, true);
    CHECK(ex.outputs().at(0).shape() == sg::Shape{1, 1, 4, 6});
    CHECK(max_diff(ex.outputs().at(0), c.out) == 0);
    ex.backward(sg::nd::ones({1, 1, 4, 6}, sg::cpu(), sg::DType::float64));
    CHECK(max_diff(ex.grad_dict().at("data"), c.grad) == 0);
  }
  // 5-D against numpy's rules written out: edge clamps, reflect mirrors without the border
  auto in5 = uniform64({2, 2, 3, 4, 3}, -1, 1, 4);
  const std::vector<std::int64_t> pw5{0, 0, 0, 0, 2, 1, 0, 3, 2, 2};
  for (const char* mode : {"constant", "edge", "reflect"}) {
    auto ex = run64(pad(x, {.mode = mode, .pad_width = pw5, .constant_value = -2}), {{"data", in5}});
    const std::string m = mode;
    auto src = [&](std::int64_t o, std::int64_t before, std::int64_t n) -> std::int64_t {
      std::int64_t i = o - before;
      if (m == "constant") return i >= 0 && i < n ? i : -1;
      if (m == "edge") return std::clamp<std::int64_t>(i, 0, n - 1);
      return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
    };
    std::vector<double> want;
    for (std::int64_t pl = 0; pl < 4; ++pl)
      for (std::int64_t a = 0; a < 6; ++a)
        for (std::int64_t b = 0; b < 7; ++b)
          for (std::int64_t c = 0; c < 7; ++c) {
            std::int64_t sa = src(a, 2, 3), sb = src(b, 0, 4), sc = src(c, 2, 3);
            want.push_back(sa < 0 || sb < 0 || sc < 0 ? -2.0
                                                      : in5.at_flat(((pl * 3 + sa) * 4 + sb) * 3 + sc));
          }
    CHECK_MESSAGE(max_diff(ex.outputs().at(0), want) == 0, mode);
  }
}

TEST_CASE("pad: float64 gradients") {
  Symbol x = var("data");
  for (const char* mode : {"constant", "edge", "reflect"}) {
    INFO(mode);
    CHECK(check_gradient(pad(x, {.mode = mode, .pad_width = {0, 0, 0, 0, 2, 1, 1, 2}, .constant_value = 0.5}),
                         {{"data", {2, 2, 3, 4}}}) > 0);
    CHECK(check_gradient(pad(x, {.mode = mode, .pad_width = {0, 0, 0, 0, 1, 0, 0, 2, 2, 1}}),
                         {{"data", {1, 2, 2, 3, 3}}}) > 0);
  }
}

// ---------------------------------------------------------------- UpSampling

TEST_CASE("upsampling: arguments and shapes as MXNet's") {
  NameManager names;
  Symbol a = var("a"), b = var("b"), c = var("c");
  auto one = upsampling(a, {.scale = 2, .name = "up"});
  CHECK(one.list_arguments() == Strings{"a"});
  CHECK(one.infer_shape({{"a", {1, 2, 3, 3}}}).out_shapes.at(0) == sg::Shape{1, 2, 6, 6});
  auto cat = upsampling({a, b, c}, {.scale = 2, .name = "up"});
  CHECK(cat.infer_shape({{"a", {2, 2, 2, 2}}, {"b", {2, 1, 1, 1}}, {"c", {2, 3, 4, 4}}}).out_shapes.at(0) ==
        sg::Shape{2, 6, 4, 4});
  auto sum = upsampling({a, b}, {.scale = 3, .multi_input_mode = "sum"});
  CHECK(sum.infer_shape({{"a", {1, 2, 2, 2}}, {"b", {1, 2, 1, 1}}}).out_shapes.at(0) ==
        sg::Shape{1, 2, 6, 6});
  // the automatic names are MXNet's: arg0.. for nearest, data and weight for bilinear
  NameManager fresh;
  auto autos = upsampling({Symbol(), Symbol()}, {.scale = 2, .name = "up"});
  CHECK(autos.list_arguments() == Strings{"up_arg0", "up_arg1"});
  auto bil = upsampling(var("data"), {.scale = 2, .sample_type = "bilinear", .num_filter = 3, .name = "up"});
  CHECK(bil.list_arguments() == Strings{"data", "up_weight"});
  auto r = bil.infer_shape({{"data", {2, 3, 5, 4}}});
  CHECK(r.arg_shapes.at(1) == sg::Shape{3, 1, 4, 4});  // k = 2·scale − scale % 2
  CHECK(r.out_shapes.at(0) == sg::Shape{2, 3, 10, 8});
  auto bil3 =
      UpSampling(var("data"), {.scale = 3, .sample_type = "bilinear", .num_filter = 2, .name = "up3"});
  CHECK(bil3.infer_shape({{"data", {1, 2, 3, 3}}}).arg_shapes.at(1) == sg::Shape{2, 1, 5, 5});
  CHECK(bil.attr_dict().at("up_weight").at("__init__") == R"(["bilinear", {}])");

  // failures name the inputs and the problem
  auto msg = shape_error(cat, {{"a", {2, 2, 2, 2}}, {"b", {2, 1, 3, 3}}, {"c", {2, 3, 4, 4}}});
  CHECK(msg.find("arg1 'b' (2, 1, 3, 3)") != std::string::npos);
  CHECK(msg.find("must divide") != std::string::npos);
  msg = shape_error(upsampling({a, b}, {.scale = 2}), {{"a", {2, 1, 2, 2}}, {"b", {1, 1, 2, 2}}});
  CHECK(msg.find("batch size of the first") != std::string::npos);
  msg = shape_error(upsampling({a, b}, {.scale = 2}), {{"a", {1, 1, 2, 3}}, {"b", {1, 1, 2, 1}}});
  CHECK(msg.find("one factor along height and width") != std::string::npos);
  msg = shape_error(upsampling({a, b}, {.scale = 2, .multi_input_mode = "sum"}),
                    {{"a", {1, 2, 4, 4}}, {"b", {1, 3, 2, 2}}});
  CHECK(msg.find("equal channels") != std::string::npos);
  CHECK(shape_error(one, {{"a", {1, 2, 3}}}).find("4-D") != std::string::npos);
  msg = shape_error(bil, {{"data", {2, 3, 5, 4}}, {"up_weight", {3, 1, 3, 3}}});
  CHECK(msg.find("up_weight") != std::string::npos);
  CHECK(msg.find("(3, 1, 4, 4)") != std::string::npos);
  CHECK(shape_error(bil, {{"data", {2, 4, 5, 4}}}).find("num_filter equal to the number of channels") !=
        std::string::npos);
  CHECK_THROWS_WITH_AS(upsampling(a, {.scale = 2, .sample_type = "bilinear"}),
                       doctest::Contains("needs num_filter"), sg::ValueError);
  CHECK_THROWS_WITH_AS(upsampling(a, {.scale = 0}), doctest::Contains("scale must be a positive integer"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(upsampling(a, {.scale = 2, .sample_type = "bicubic"}), doctest::Contains("'bicubic'"),
                       sg::ValueError);
  CHECK_THROWS_AS(upsampling({a, b, c}, {.scale = 2, .sample_type = "bilinear", .num_filter = 1}),
                  sg::ValueError);
}

TEST_CASE("upsampling: values against direct formulas") {
  Symbol a = var("a"), b = var("b");
  // nearest, concat and sum: out[n, ·, y, x] = in[n, ·, y / f, x / f] with f = out / in
  auto xa = uniform64({2, 2, 2, 3}, -1, 1, 1), xb = uniform64({2, 1, 4, 6}, -1, 1, 2),
       xs = uniform64({2, 2, 1, 1}, -1, 1, 3);
  auto cat = run64(upsampling({a, b}, {.scale = 2}), {{"a", xa}, {"b", xb}});
  std::vector<double> want;
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x)
          want.push_back(c < 2 ? xa.at_flat(((n * 2 + c) * 2 + y / 2) * 3 + x / 2)
                               : xb.at_flat((n * 4 + y) * 6 + x));
  CHECK(max_diff(cat.outputs().at(0), want) == 0);
  auto sum = run64(upsampling({a, b}, {.scale = 2, .multi_input_mode = "sum"}),
                   {{"a", uniform64({2, 2, 1, 1}, 0, 1, 4)}, {"b", xs}});
  want.clear();
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 2; ++c)
      for (int k = 0; k < 4; ++k)
        want.push_back(sum.arg_dict().at("a").at_flat(n * 2 + c) + xs.at_flat(n * 2 + c));
  CHECK(max_diff(sum.outputs().at(0), want) < 1e-15);

  // MXNet's documented example: ones (1, 1, 3, 3), weight ones (1, 1, 4, 4), scale 2
  Symbol x = var("data");
  auto doc = run64(upsampling({x, var("w")}, {.scale = 2, .sample_type = "bilinear", .num_filter = 1}),
                   {{"data", sg::nd::ones({1, 1, 3, 3}, sg::cpu(), sg::DType::float64)},
                    {"w", sg::nd::ones({1, 1, 4, 4}, sg::cpu(), sg::DType::float64)}});
  const std::vector<double> edge{1, 2, 2, 2, 2, 1};
  want.clear();
  for (int y = 0; y < 6; ++y)
    for (int xx = 0; xx < 6; ++xx) want.push_back(edge[y] * edge[xx]);
  CHECK(max_diff(doc.outputs().at(0), want) == 0);

  // bilinear as a grouped deconvolution: out[y·s − p + i, x·s − p + j] += data[y, x]·w[i, j]
  for (int s : {2, 3, 4}) {
    const int k = 2 * s - s % 2, p = s / 2, H = 3, W = 2, C = 2;
    auto d = uniform64({1, C, H, W}, -1, 1, 5), w = uniform64({C, 1, k, k}, -1, 1, 6);
    auto ex = run64(upsampling(x, {.scale = s, .sample_type = "bilinear", .num_filter = C, .name = "up"}),
                    {{"data", d}, {"up_weight", w}});
    std::vector<double> out(std::size_t(C * H * s * W * s), 0.0);
    for (int c = 0; c < C; ++c)
      for (int y = 0; y < H; ++y)
        for (int xx = 0; xx < W; ++xx)
          for (int i = 0; i < k; ++i)
            for (int j = 0; j < k; ++j) {
              const int oy = y * s - p + i, ox = xx * s - p + j;
              if (oy >= 0 && oy < H * s && ox >= 0 && ox < W * s)
                out[std::size_t((c * H * s + oy) * W * s + ox)] +=
                    d.at_flat((c * H + y) * W + xx) * w.at_flat((c * k + i) * k + j);
            }
    CHECK_MESSAGE(max_diff(ex.outputs().at(0), out) < 1e-14, "scale " << s);
  }
}

TEST_CASE("upsampling: float64 gradients") {
  Symbol a = var("a"), b = var("b"), c = var("c"), x = var("data");
  CHECK(check_gradient(upsampling(a, {.scale = 3}), {{"a", {2, 2, 2, 3}}}) > 0);
  CHECK(check_gradient(upsampling({a, b, c}, {.scale = 2}),
                       {{"a", {2, 2, 2, 2}}, {"b", {2, 1, 1, 1}}, {"c", {2, 3, 4, 4}}}) > 0);
  CHECK(check_gradient(upsampling({a, b}, {.scale = 2, .multi_input_mode = "sum"}),
                       {{"a", {1, 2, 2, 3}}, {"b", {1, 2, 4, 6}}}) > 0);
  for (int s : {1, 2, 3}) {
    INFO("scale " << s);
    auto bil = upsampling(x, {.scale = s, .sample_type = "bilinear", .num_filter = 2, .name = "up"});
    const int k = 2 * s - s % 2;
    CHECK(check_gradient(bil, {{"data", {2, 2, 3, 2}}}) == 2 * 2 * 3 * 2 + 2 * k * k);  // data and weight
  }
}

// ---------------------------------------------------------------- JSON, typed forms, golden

TEST_CASE("act: symbol JSON round trip") {
  NameManager names;
  Symbol x = var("data");
  auto lr = leaky_relu(x, {.act_type = "prelu", .name = "lr"});
  auto p =
      pad(lr, {.mode = "reflect", .pad_width = {0, 0, 0, 0, 1, 1, 2, 2}, .constant_value = 0.5, .name = "p"});
  auto up = upsampling({p, var("extra")}, {.scale = 2, .multi_input_mode = "sum", .name = "up"});
  auto bil = upsampling(up, {.scale = 2, .sample_type = "bilinear", .num_filter = 3, .name = "bil"});
  auto net = leaky_relu(bil, {.act_type = "rrelu", .slope = 0.5, .upper_bound = 0.4, .name = "rr"});
  const std::string json = net.tojson();
  auto back = Symbol::load_json(json);
  CHECK(back.tojson() == json);
  CHECK(back.list_arguments() == net.list_arguments());
  CHECK(back.list_outputs() == Strings{"rr_output", "rr_mask"});
  auto r = back.infer_shape({{"data", {2, 3, 4, 4}}, {"extra", {2, 3, 3, 4}}});
  CHECK(r.out_shapes.at(0) == sg::Shape{2, 3, 24, 32});
  // attribute strings as MXNet writes them (defaults left out, num_args always there)
  auto attrs = net.attr_dict();
  CHECK(attrs.at("lr") == sg::AttrMap{{"act_type", "prelu"}});
  CHECK(attrs.at("p") == sg::AttrMap{{"constant_value", "0.5"},
                                     {"mode", "reflect"},
                                     {"pad_width", "(0, 0, 0, 0, 1, 1, 2, 2)"}});
  CHECK(attrs.at("up") ==
        sg::AttrMap{
            {"multi_input_mode", "sum"}, {"num_args", "2"}, {"sample_type", "nearest"}, {"scale", "2"}});
  CHECK(attrs.at("bil") ==
        sg::AttrMap{{"num_args", "1"}, {"num_filter", "3"}, {"sample_type", "bilinear"}, {"scale", "2"}});
  CHECK(attrs.at("rr") == sg::AttrMap{{"act_type", "rrelu"}, {"slope", "0.5"}, {"upper_bound", "0.4"}});

  // JSON written by MXNet 1.9.1 (mx.sym.UpSampling(d, scale=2, sample_type='bilinear', num_filter=2,
  // name='up'))
  auto mx = Symbol::load_json(R"({"nodes": [{"op": "null", "name": "data", "inputs": []},
    {"op": "null", "name": "up_weight", "attrs": {"__init__": "[\"bilinear\", {}]", "num_args": "1", "num_filter": "2",
     "sample_type": "bilinear", "scale": "2"}, "inputs": []},
    {"op": "UpSampling", "name": "up",
     "attrs": {"num_args": "1", "num_filter": "2", "sample_type": "bilinear", "scale": "2"},
     "inputs": [[0, 0, 0], [1, 0, 0]]}], "arg_nodes": [0, 1], "node_row_ptr": [0, 1, 2, 3], "heads": [[2, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})");
  CHECK(mx.list_arguments() == Strings{"data", "up_weight"});
  CHECK(mx.infer_shape({{"data", {1, 2, 3, 3}}}).arg_shapes.at(1) == sg::Shape{2, 1, 4, 4});
  CHECK_THROWS_WITH_AS(Symbol::load_json(R"({"nodes": [{"op": "null", "name": "a", "inputs": []},
    {"op": "UpSampling", "name": "up", "attrs": {"num_args": "2", "sample_type": "nearest", "scale": "2"},
     "inputs": [[0, 0, 0]]}], "heads": [[1, 0, 0]]})"),
                       doctest::Contains("num_args=2 but there are 1 inputs"), sg::ValueError);
}

TEST_CASE("act: typed forms carry the static shapes") {
  NameManager names;
  auto x = var<"data">(sg::shape<sg::dyn, 3, 8, 6>);
  auto l = leaky_relu<"prelu">(x, {.name = "lr"});
  static_assert(decltype(l)::shape == sg::Shape{sg::dyn, 3, 8, 6});
  auto p = pad<pad_width(0, 0, 0, 0, 1, 2, 3, 0)>(l, {.mode = "edge", .name = "p"});
  static_assert(decltype(p)::shape == sg::Shape{sg::dyn, 3, 11, 9});
  auto u = upsampling<2>(p, {.sample_type = "bilinear", .name = "up"});
  static_assert(decltype(u)::shape == sg::Shape{sg::dyn, 3, 22, 18});
  auto small = var<"small">(sg::shape<sg::dyn, 2, 11, 9>);
  auto cat = upsampling<2>(u, var<"big">(sg::shape<sg::dyn, 1, 44, 36>), small);
  static_assert(decltype(cat)::shape == sg::Shape{sg::dyn, 6, 44, 36});
  auto sum = upsampling<3, "sum">(x, var<"y">(sg::shape<sg::dyn, 3, 24, 18>));
  static_assert(decltype(sum)::shape == sg::Shape{sg::dyn, 3, 24, 18});
  auto rr = leaky_relu<"rrelu">(x);
  static_assert(decltype(rr)::shape == decltype(x)::shape);
  Symbol s = cat;
  auto r = s.infer_shape({{"data", {4, 3, 8, 6}}, {"big", {4, 1, 44, 36}}, {"small", {4, 2, 11, 9}}});
  CHECK(r.out_shapes.at(0) == sg::Shape{4, 6, 44, 36});
  CHECK(s.list_arguments() == Strings{"data", "lr_gamma", "up_weight", "big", "small"});
  CHECK(Symbol(rr).list_outputs().size() == 1);
  // reflect's limit is checked when the typed pad is made
  CHECK_THROWS_WITH_AS(pad<pad_width(0, 0, 0, 0, 8, 0, 0, 0)>(x, {.mode = "reflect"}),
                       doctest::Contains("smaller than the size"), sg::ValueError);
}

TEST_CASE("act: golden values from MXNet 1.9.1") {
  Symbol d = var("data");
  run_golden("leaky_leaky", leaky_relu(d, {.act_type = "leaky", .slope = 0.1, .name = "lr"}));
  run_golden("leaky_leaky_negative_slope", leaky_relu(d, {.slope = -0.5, .name = "lr"}));
  run_golden("leaky_elu", leaky_relu(d, {.act_type = "elu", .slope = 0.7, .name = "lr"}));
  run_golden("leaky_selu", leaky_relu(d, {.act_type = "selu", .name = "lr"}));
  run_golden("leaky_gelu", leaky_relu(d, {.act_type = "gelu", .name = "lr"}));
  for (const char* c : {"leaky_prelu", "leaky_prelu_2d", "leaky_prelu_one_slope", "leaky_prelu_per_sample"})
    run_golden(c, leaky_relu(d, {.act_type = "prelu", .name = "lr"}));
  for (std::string mode : {"constant", "edge", "reflect"}) {
    const double cv = mode == "constant" ? 1.5 : 0;
    run_golden(
        "pad_" + mode,
        pad(d, {.mode = mode, .pad_width = {0, 0, 0, 0, 1, 2, 2, 1}, .constant_value = cv, .name = "p"}));
    run_golden(
        "pad_" + mode + "_5d",
        pad(d,
            {.mode = mode, .pad_width = {0, 0, 0, 0, 1, 0, 2, 1, 0, 2}, .constant_value = cv, .name = "p"}));
  }
  Symbol a = var("a"), b = var("b"), c = var("c");
  run_golden("upsampling_nearest", upsampling(d, {.scale = 2, .name = "up"}));
  run_golden("upsampling_nearest_concat", upsampling({a, b, c}, {.scale = 2, .name = "up"}));
  run_golden("upsampling_nearest_sum",
             upsampling({a, b}, {.scale = 3, .multi_input_mode = "sum", .name = "up"}));
  for (auto [s, ch] : {std::pair{2, 3}, std::pair{3, 2}, std::pair{4, 2}})
    run_golden("upsampling_bilinear_s" + std::to_string(s),
               upsampling(d, {.scale = s, .sample_type = "bilinear", .num_filter = ch, .name = "up"}));
}
