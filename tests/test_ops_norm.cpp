// LayerNorm, InstanceNorm, L2Normalization and LRN: outputs and shape rules with their failures,
// values against direct formulas, float64 finite-difference gradients, symbol JSON (ours and
// MXNet's) and golden values from MXNet 1.9.1.
#include <doctest/doctest.h>

#include <cmath>
#include <symgrad/symgrad.hpp>

#include "golden.hpp"
#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;

namespace {
// Binds `s` in float64 and fills every argument with uniform values from [lo, hi].
sg::Executor bind64(const Symbol& s, const sg::ShapeDict& shapes, std::uint64_t seed = 3, double lo = -1,
                    double hi = 1) {
  sg::TypeDict types;
  for (const auto& a : s.list_arguments()) types[a] = sg::DType::float64;
  auto ex = s.simple_bind(sg::cpu(), shapes, {.type_dict = types});
  sg::nd::random::Generator gen(seed);
  for (auto& a : ex.arg_arrays())
    sg::nd::random::uniform(lo, hi, a.shape(), gen, {.dtype = sg::DType::float64}).copy_to(a);
  return ex;
}
const double* in64(sg::Executor& ex, const std::string& name) {
  return ex.arg_dict().at(name).data<double>();
}
std::string shape_error(const Symbol& s, const sg::ShapeDict& shapes) {
  return testing::error_message<sg::ShapeError>([&] { s.infer_shape(shapes); });
}
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("layer_norm: outputs, shapes and shape errors") {
  NameManager names;
  Symbol x = var("data");
  auto ln = layer_norm(x, {.name = "ln"});
  CHECK(ln.list_arguments() == std::vector<std::string>{"data", "ln_gamma", "ln_beta"});
  CHECK(ln.list_outputs() == std::vector<std::string>{"ln_output"});
  auto r = ln.infer_shape({{"data", {2, 3, 4}}});
  CHECK(r.arg_shapes.at(1) == sg::Shape{4});
  CHECK(r.arg_shapes.at(2) == sg::Shape{4});
  auto mv = layer_norm(x, {.axis = 1, .output_mean_var = true, .name = "lm"});
  CHECK(mv.list_outputs() == std::vector<std::string>{"lm_output", "lm_mean", "lm_std"});
  auto r2 = mv.infer_shape({{"data", {2, 3, 4}}});
  CHECK(r2.out_shapes == std::vector<sg::Shape>{{2, 3, 4}, {2, 1, 4}, {2, 1, 4}});
  CHECK(r2.arg_shapes.at(1) == sg::Shape{3});
  CHECK(layer_norm(x, {.axis = -3}).infer_shape({{"data", {2, 3, 4}}}).arg_shapes.at(1) == sg::Shape{2});
  CHECK(layer_norm(x).infer_shape({{"data", {5}}}).out_shapes.at(0) == sg::Shape{5});

  auto msg = shape_error(layer_norm(x, {.axis = 3, .name = "bad"}), {{"data", {2, 3, 4}}});
  CHECK(has(msg, "bad (LayerNorm)"));
  CHECK(has(msg, "axis 3 is out of range"));
  CHECK(has(msg, "[-3, 2]"));
  CHECK(has(shape_error(layer_norm(x, {.axis = -4}), {{"data", {2, 3, 4}}}), "axis -4 is out of range"));
  msg = shape_error(ln, {{"data", {2, 3, 4}}, {"ln_gamma", {3}}});
  CHECK(has(msg, "ln_gamma"));
  CHECK(has(msg, "(4,)"));
  CHECK(has(msg, "axis -1 of data"));
  CHECK(has(shape_error(ln, {{"data", {2, 3, 4}}, {"ln_beta", {4, 1}}}), "ln_beta"));
  CHECK(has(shape_error(layer_norm(x), {{"data", {}}}), "at least one axis"));
  CHECK_THROWS_WITH_AS(layer_norm(x, {.eps = -1e-5}), doctest::Contains("eps"), sg::ValueError);
}

TEST_CASE("layer_norm: values, mean and std against a direct formula") {
  NameManager names;
  Symbol x = var("data");
  // axis 1 of (2, 3, 4): every (n, w) column is normalised over its 3 channels
  auto ex = bind64(layer_norm(x, {.axis = 1, .eps = 1e-3, .output_mean_var = true, .name = "ln"}),
                   {{"data", {2, 3, 4}}});
  const double *X = in64(ex, "data"), *G = in64(ex, "ln_gamma"), *B = in64(ex, "ln_beta");
  const auto& out = ex.forward(true);
  REQUIRE(out.size() == 3);
  const double *Y = out[0].data<double>(), *M = out[1].data<double>(), *S = out[2].data<double>();
  double worst = 0;
  for (int n = 0; n < 2; ++n)
    for (int w = 0; w < 4; ++w) {
      double m = 0, v = 0;
      for (int c = 0; c < 3; ++c) m += X[(n * 3 + c) * 4 + w] / 3;
      for (int c = 0; c < 3; ++c) v += std::pow(X[(n * 3 + c) * 4 + w] - m, 2) / 3;
      worst = std::max({worst, std::fabs(M[n * 4 + w] - m), std::fabs(S[n * 4 + w] - std::sqrt(v + 1e-3))});
      for (int c = 0; c < 3; ++c) {
        const double want = (X[(n * 3 + c) * 4 + w] - m) / std::sqrt(v + 1e-3) * G[c] + B[c];
        worst = std::max(worst, std::fabs(Y[(n * 3 + c) * 4 + w] - want));
      }
    }
  CHECK(worst < 1e-12);

  // the default: the last axis; each row of the output has mean beta·1 and spread gamma when gamma, beta are
  // constant
  auto ex2 = bind64(layer_norm(x, {.name = "l2"}), {{"data", {3, 5}}}, 9, -2, 2);
  ex2.arg_dict().at("l2_gamma").copy_from(sg::NDArray({2.0, 2.0, 2.0, 2.0, 2.0}, sg::DType::float64));
  ex2.arg_dict().at("l2_beta").copy_from(sg::NDArray({0.5, 0.5, 0.5, 0.5, 0.5}, sg::DType::float64));
  const double* Y2 = ex2.forward(false).at(0).data<double>();
  const double* X2 = in64(ex2, "data");
  for (int row = 0; row < 3; ++row) {
    double m = 0, v = 0, ym = 0, yv = 0;
    for (int k = 0; k < 5; ++k) m += X2[row * 5 + k] / 5, ym += Y2[row * 5 + k] / 5;
    for (int k = 0; k < 5; ++k)
      v += std::pow(X2[row * 5 + k] - m, 2) / 5, yv += std::pow(Y2[row * 5 + k] - ym, 2) / 5;
    CHECK(ym == doctest::Approx(0.5));
    CHECK(std::sqrt(yv) == doctest::Approx(2 * std::sqrt(v / (v + 1e-5))));
  }
}

TEST_CASE("layer_norm: float64 gradients; mean and std pass none back") {
  NameManager names;
  Symbol x = var("data");
  CHECK(check_gradient(layer_norm(x), {{"data", {3, 4}}}) > 0);
  CHECK(check_gradient(layer_norm(x, {.axis = 1, .eps = 1e-3}), {{"data", {2, 3, 4}}}) > 0);
  CHECK(check_gradient(layer_norm(x, {.axis = 0}), {{"data", {3, 2}}}) > 0);
  CHECK(check_gradient(layer_norm(x, {.axis = -2}), {{"data", {2, 3, 2, 2}}}) > 0);
  CHECK(check_gradient(layer_norm(x, {.axis = 1, .output_mean_var = true})[0], {{"data", {2, 4, 3}}}) > 0);

  // head gradients at mean and std change nothing (as MXNet)
  auto ln = layer_norm(x, {.axis = 1, .output_mean_var = true, .name = "ln"});
  auto ex = bind64(ln, {{"data", {2, 3, 4}}});
  const auto& outs = ex.forward(true);
  sg::nd::random::Generator gen(11);
  std::vector<sg::NDArray> heads, only_first;
  for (const auto& o : outs)
    heads.push_back(sg::nd::random::uniform(-1, 1, o.shape(), gen, {.dtype = sg::DType::float64}));
  only_first = {heads[0], sg::nd::zeros_like(heads[1]), sg::nd::zeros_like(heads[2])};
  ex.backward(heads);
  auto with_all = ex.grad_dict().at("data").copy();
  auto gamma_all = ex.grad_dict().at("ln_gamma").copy();
  ex.backward(only_first);
  CHECK(sg::nd::max_abs_diff(with_all, ex.grad_dict().at("data")) == 0);
  CHECK(sg::nd::max_abs_diff(gamma_all, ex.grad_dict().at("ln_gamma")) == 0);
  CHECK(sg::nd::max_abs_diff(with_all, sg::nd::zeros_like(with_all)) > 0);
}

TEST_CASE("instance_norm: shapes, shape errors, values and gradients") {
  NameManager names;
  Symbol x = var("data");
  auto in = instance_norm(x, {.name = "in"});
  CHECK(in.list_arguments() == std::vector<std::string>{"data", "in_gamma", "in_beta"});
  CHECK(in.list_outputs() == std::vector<std::string>{"in_output"});
  auto r = in.infer_shape({{"data", {2, 3, 4, 5}}});
  CHECK(r.arg_shapes.at(1) == sg::Shape{3});
  CHECK(r.out_shapes.at(0) == sg::Shape{2, 3, 4, 5});
  auto msg = shape_error(in, {{"data", {2, 3}}});
  CHECK(has(msg, "in (InstanceNorm)"));
  CHECK(has(msg, "rank 3 or more"));
  msg = shape_error(in, {{"data", {2, 3, 4}}, {"in_gamma", {4}}});
  CHECK(has(msg, "in_gamma"));
  CHECK(has(msg, "(3,)"));
  CHECK_THROWS_AS(instance_norm(x, {.eps = -1}), sg::ValueError);

  // per (n, c) over the spatial axes
  auto ex = bind64(instance_norm(x, {.eps = 1e-2, .name = "i4"}), {{"data", {2, 3, 2, 3}}}, 5, -2, 2);
  const double *X = in64(ex, "data"), *G = in64(ex, "i4_gamma"), *B = in64(ex, "i4_beta");
  const double* Y = ex.forward(true).at(0).data<double>();
  double worst = 0;
  for (int p = 0; p < 6; ++p) {
    double m = 0, v = 0;
    for (int k = 0; k < 6; ++k) m += X[p * 6 + k] / 6;
    for (int k = 0; k < 6; ++k) v += std::pow(X[p * 6 + k] - m, 2) / 6;
    for (int k = 0; k < 6; ++k)
      worst = std::max(
          worst, std::fabs(Y[p * 6 + k] - ((X[p * 6 + k] - m) / std::sqrt(v + 1e-2) * G[p % 3] + B[p % 3])));
  }
  CHECK(worst < 1e-12);

  // MXNet's documented example
  auto ex1 = in.simple_bind(sg::cpu(), {{"data", {2, 1, 2}}});
  ex1.arg_dict().at("data").copy_from(sg::NDArray({{{1.1, 2.2}}, {{3.3, 4.4}}}));
  ex1.arg_dict().at("in_gamma").copy_from(sg::NDArray({1.5f}));
  ex1.arg_dict().at("in_beta").copy_from(sg::NDArray({0.5f}));
  auto y = ex1.forward(false).at(0).to_vector<float>();
  const std::vector<double> doc = {-0.997527, 1.99752665, -0.99752653, 1.99752724};
  for (std::size_t i = 0; i < 4; ++i) CHECK(y[i] == doctest::Approx(doc[i]).epsilon(1e-5));

  CHECK(check_gradient(instance_norm(x), {{"data", {2, 3, 4}}}) > 0);
  CHECK(check_gradient(instance_norm(x, {.eps = 1e-4}), {{"data", {2, 2, 3, 2}}}) > 0);
  CHECK(check_gradient(instance_norm(x), {{"data", {1, 2, 2, 1, 3}}}) > 0);
}

TEST_CASE("l2_normalization: the three modes, values, shapes and gradients") {
  NameManager names;
  Symbol x = var("data");
  CHECK(l2_normalization(x, {.name = "l2"}).list_outputs() == std::vector<std::string>{"l2_output"});
  CHECK(has(shape_error(l2_normalization(x, {.mode = "channel", .name = "c"}), {{"data", {2, 3}}}),
            "mode 'channel' needs (batch, channel, spatial...)"));
  CHECK(has(shape_error(l2_normalization(x, {.mode = "spatial"}), {{"data", {4}}}), "rank 3 or more"));
  CHECK(has(shape_error(l2_normalization(x), {{"data", {}}}), "at least one axis"));
  CHECK_THROWS_WITH_AS(l2_normalization(x, {.mode = "row"}),
                       doctest::Contains("mode must be one of instance, channel, spatial, got 'row'"),
                       sg::ValueError);

  // MXNet's documented example on (2, 2, 2)
  const std::vector<std::pair<std::string, std::vector<double>>> doc = {
      {"instance",
       {0.18257418, 0.36514837, 0.54772252, 0.73029673, 0.24077171, 0.24077171, 0.60192931, 0.72231513}},
      {"channel",
       {0.31622776, 0.44721359, 0.94868326, 0.89442718, 0.37139067, 0.31622776, 0.92847669, 0.94868326}},
      {"spatial",
       {0.44721359, 0.89442718, 0.60000002, 0.80000001, 0.70710677, 0.70710677, 0.6401844, 0.76822126}}};
  for (const auto& [mode, want] : doc) {
    auto ex = l2_normalization(x, {.mode = mode}).simple_bind(sg::cpu(), {{"data", {2, 2, 2}}});
    ex.arg_dict().at("data").copy_from(sg::NDArray({{{1, 2}, {3, 4}}, {{2, 2}, {5, 6}}}));
    auto y = ex.forward(false).at(0).to_vector<float>();
    for (std::size_t i = 0; i < 8; ++i)
      CHECK_MESSAGE(y[i] == doctest::Approx(want[i]).epsilon(1e-6), mode << " " << i);
  }

  // direct sums on (2, 3, 2, 2): instance over (c, h, w), channel over c, spatial over (h, w)
  for (std::string mode : {"instance", "channel", "spatial"}) {
    auto ex = bind64(l2_normalization(x, {.eps = 0.3, .mode = mode}), {{"data", {2, 3, 2, 2}}});
    const double* X = in64(ex, "data");
    const double* Y = ex.forward(false).at(0).data<double>();
    double worst = 0;
    for (int n = 0; n < 2; ++n)
      for (int c = 0; c < 3; ++c)
        for (int s = 0; s < 4; ++s) {
          double sum = 0;
          for (int c2 = 0; c2 < 3; ++c2)
            for (int s2 = 0; s2 < 4; ++s2) {
              const bool in =
                  mode == "instance" || (mode == "channel" && s2 == s) || (mode == "spatial" && c2 == c);
              if (in) sum += std::pow(X[(n * 3 + c2) * 4 + s2], 2);
            }
          const int k = (n * 3 + c) * 4 + s;
          worst = std::max(worst, std::fabs(Y[k] - X[k] / std::sqrt(sum + 0.3)));
        }
    CHECK_MESSAGE(worst < 1e-12, mode);
  }
  // 1-d data in instance mode: every element is its own instance (MXNet's reading of (N,))
  auto ex = bind64(l2_normalization(x, {.eps = 1}), {{"data", {2}}});
  ex.arg_dict().at("data").copy_from(sg::NDArray({3.0, -4.0}, sg::DType::float64));
  auto y = ex.forward(false).at(0).to_vector<double>();
  CHECK(y[0] == doctest::Approx(3 / std::sqrt(10.0)));
  CHECK(y[1] == doctest::Approx(-4 / std::sqrt(17.0)));

  for (std::string mode : {"instance", "channel", "spatial"})
    CHECK(check_gradient(l2_normalization(x, {.mode = mode}), {{"data", {2, 3, 2, 2}}}) > 0);
  CHECK(check_gradient(l2_normalization(x, {.mode = "channel"}), {{"data", {2, 3, 4}}}) > 0);
  CHECK(check_gradient(l2_normalization(x, {.eps = 1e-3}), {{"data", {3, 4}}}) > 0);
  CHECK(check_gradient(l2_normalization(x, {.eps = 0.5}), {{"data", {4}}}) > 0);
}

TEST_CASE("LRN: the cross-channel window, values, errors and gradients") {
  NameManager names;
  Symbol x = var("data");
  CHECK(lrn(x, {.nsize = 3, .name = "lrn"}).list_outputs() == std::vector<std::string>{"lrn_output"});
  auto msg = shape_error(lrn(x, {.nsize = 3, .name = "n3"}), {{"data", {2, 3, 4}}});
  CHECK(has(msg, "n3 (LRN)"));
  CHECK(has(msg, "4-d data"));
  CHECK(has(shape_error(lrn(x, {.nsize = 5}), {{"data", {1, 4, 2, 2}}}), "4 channels, fewer than nsize=5"));
  CHECK_THROWS_WITH_AS(lrn(x, {.nsize = 4}), doctest::Contains("odd"), sg::ValueError);
  CHECK_THROWS_WITH_AS(lrn(x, {}), doctest::Contains("nsize"), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("LRN", {{"alpha", "0.1"}}, 1),
                       doctest::Contains("LRN: the attribute nsize is required"), sg::ValueError);

  // y = x / (k + alpha/n · Σ x_j² over the channels j within n/2 of c)^beta
  for (std::int64_t n : {1, 3, 5}) {
    const double alpha = 0.7, beta = 0.6, k = 1.3;
    auto ex = bind64(lrn(x, {.alpha = alpha, .beta = beta, .knorm = k, .nsize = n}), {{"data", {2, 5, 2, 3}}},
                     4, -2, 2);
    const double* X = in64(ex, "data");
    const double* Y = ex.forward(false).at(0).data<double>();
    double worst = 0;
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 5; ++c)
        for (int s = 0; s < 6; ++s) {
          double sum = 0;
          for (int j = 0; j < 5; ++j)
            if (std::abs(j - c) <= n / 2) sum += std::pow(X[(b * 5 + j) * 6 + s], 2);
          const int i = (b * 5 + c) * 6 + s;
          worst = std::max(worst, std::fabs(Y[i] - X[i] / std::pow(k + alpha / double(n) * sum, beta)));
        }
    CHECK_MESSAGE(worst < 1e-12, "nsize " << n);
  }
  // MXNet's defaults: alpha 1e-4, beta 0.75, knorm 2
  auto ex = bind64(lrn(x, {.nsize = 3}), {{"data", {1, 3, 1, 1}}});
  ex.arg_dict().at("data").copy_from(sg::NDArray({1.0, 2.0, 3.0}, sg::DType::float64).reshape({1, 3, 1, 1}));
  auto y = ex.forward(false).at(0).to_vector<double>();
  CHECK(y[1] == doctest::Approx(2 / std::pow(2 + 1e-4 / 3 * 14, 0.75)).epsilon(1e-12));
  CHECK(y[2] == doctest::Approx(3 / std::pow(2 + 1e-4 / 3 * 13, 0.75)).epsilon(1e-12));

  CHECK(check_gradient(lrn(x, {.nsize = 3}), {{"data", {2, 4, 2, 2}}}) > 0);
  CHECK(check_gradient(lrn(x, {.alpha = 0.8, .beta = 0.6, .knorm = 1.2, .nsize = 5}),
                       {{"data", {2, 6, 2, 3}}}, {.low = -2, .high = 2}) > 0);
  CHECK(check_gradient(lrn(x, {.alpha = 2, .beta = 1.5, .knorm = 0.5, .nsize = 3}),
                       {{"data", {1, 3, 3, 1}}}) > 0);
  CHECK(check_gradient(lrn(x, {.alpha = 1, .nsize = 1}), {{"data", {1, 2, 2, 2}}}) > 0);
}

TEST_CASE("norm: symbol JSON round trip and MXNet's JSON") {
  NameManager names;
  Symbol x = var("data");
  auto net = l2_normalization(
      lrn(instance_norm(layer_norm(x, {.axis = 1, .eps = 1e-3, .name = "ln"}), {.eps = 1e-4, .name = "in"}),
          {.alpha = 1e-3, .beta = 0.5, .knorm = 1.5, .nsize = 5, .name = "lrn"}),
      {.eps = 1e-6, .mode = "spatial", .name = "l2"});
  auto back = Symbol::load_json(net.tojson());
  CHECK(back.tojson() == net.tojson());
  CHECK(back.attr_dict() == net.attr_dict());
  auto attrs = net.attr_dict();
  CHECK(attrs.at("ln") == sg::AttrMap{{"axis", "1"}, {"eps", "0.001"}});
  CHECK(attrs.at("lrn") ==
        sg::AttrMap{{"alpha", "0.001"}, {"beta", "0.5"}, {"knorm", "1.5"}, {"nsize", "5"}});
  CHECK(attrs.at("l2") == sg::AttrMap{{"eps", "1e-06"}, {"mode", "spatial"}});
  CHECK(attrs.at("in").at("eps") == sg::attr::format(1e-4));
  CHECK(attrs.count("lrn") == 1);
  CHECK(l2_normalization(x).list_attr().empty());  // defaults are not written
  CHECK(layer_norm(x, {.output_mean_var = true})[0].list_attr() == sg::AttrMap{{"output_mean_var", "True"}});
  CHECK(back.infer_shape({{"data", {2, 6, 4, 4}}}).out_shapes.at(0) == sg::Shape{2, 6, 4, 4});

  // the same network as MXNet 1.9.1 writes it: hidden outputs counted in node_row_ptr
  const std::string mx =
      R"({"nodes":[{"op":"null","name":"data","inputs":[]},{"op":"null","name":"ln_gamma","attrs":{"axis":"1","eps":"0.001"},)"
      R"("inputs":[]},{"op":"null","name":"ln_beta","attrs":{"axis":"1","eps":"0.001"},"inputs":[]},{"op":"LayerNorm","name":"ln",)"
      R"("attrs":{"axis":"1","eps":"0.001"},"inputs":[[0,0,0],[1,0,0],[2,0,0]]},{"op":"null","name":"in_gamma","attrs":)"
      R"({"eps":"0.0001"},"inputs":[]},{"op":"null","name":"in_beta","attrs":{"eps":"0.0001"},"inputs":[]},{"op":"InstanceNorm",)"
      R"("name":"in","attrs":{"eps":"0.0001"},"inputs":[[3,0,0],[4,0,0],[5,0,0]]},{"op":"LRN","name":"lrn","attrs":{"alpha":)"
      R"("0.001","beta":"0.5","knorm":"1.5","nsize":"5"},"inputs":[[6,0,0]]},{"op":"L2Normalization","name":"l2","attrs":)"
      R"({"eps":"1e-06","mode":"spatial"},"inputs":[[7,0,0]]}],"arg_nodes":[0,1,2,4,5],"node_row_ptr":[0,1,2,3,6,7,8,11,13,15],)"
      R"("heads":[[8,0,0]],"attrs":{"mxnet_version":["int",10901]}})";
  auto loaded = Symbol::load_json(mx);
  CHECK(loaded.list_arguments() == net.list_arguments());
  CHECK(loaded.attr_dict().at("lrn") == attrs.at("lrn"));
  CHECK(loaded.attr_dict().at("ln") == attrs.at("ln"));
  auto compact = [](std::string s) {
    std::erase_if(s, [](char c) { return c == ' ' || c == '\n'; });
    return s;
  };
  CHECK(has(compact(net.tojson()), R"("node_row_ptr":[0,1,2,3,6,7,8,11,13,15])"));
  auto a = bind64(net, {{"data", {2, 6, 3, 3}}}), b = bind64(loaded, {{"data", {2, 6, 3, 3}}});
  CHECK(sg::nd::max_abs_diff(a.forward(false).at(0), b.forward(false).at(0)) == 0);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("LayerNorm", {{"axes", "1"}}, 3),
                       doctest::Contains("unknown attribute 'axes'"), sg::ValueError);
  CHECK_THROWS_AS(sg::ops::create_op("L2Normalization", {{"mode", "batch"}}, 1), sg::ValueError);
}

TEST_CASE("norm: typed forms keep the static shape") {
  NameManager names;
  auto x = var<"data">(sg::shape<sg::dyn, 6, 5, 5>);
  auto a = layer_norm(x, {.axis = 1, .name = "ln"});
  static_assert(decltype(a)::shape == sg::Shape{sg::dyn, 6, 5, 5});
  auto b = instance_norm(a, {.name = "in"});
  static_assert(decltype(b)::shape == sg::Shape{sg::dyn, 6, 5, 5});
  auto c = lrn(b, {.nsize = 5, .name = "lrn"});
  static_assert(decltype(c)::shape == sg::Shape{sg::dyn, 6, 5, 5});
  auto d = l2_normalization(c, {.mode = "channel", .name = "l2"});
  static_assert(decltype(d)::shape == sg::Shape{sg::dyn, 6, 5, 5});
  Symbol s = d;
  CHECK(s.infer_shape({{"data", {3, 6, 5, 5}}}).out_shapes.at(0) == sg::Shape{3, 6, 5, 5});
  CHECK(s.list_arguments() == std::vector<std::string>{"data", "ln_gamma", "ln_beta", "in_gamma", "in_beta"});
  CHECK_THROWS_AS(layer_norm(x, {.output_mean_var = true}), sg::ValueError);
}

TEST_CASE("norm: golden values from MXNet 1.9.1") {
  using testing::run_golden;
  NameManager names;
  Symbol d = var("data");
  run_golden("layernorm_last", layer_norm(d, {.name = "ln"}));
  run_golden("layernorm_axis1", layer_norm(d, {.axis = 1, .eps = 1e-3, .name = "ln"}));
  run_golden("layernorm_mean_var", layer_norm(d, {.axis = -2, .output_mean_var = true, .name = "ln"}));
  run_golden("instancenorm_3d", instance_norm(d, {.name = "in"}));
  run_golden("instancenorm_4d", instance_norm(d, {.eps = 1e-4, .name = "in"}));
  for (std::string mode : {"instance", "channel", "spatial"})
    run_golden("l2norm_" + mode, l2_normalization(d, {.mode = mode, .name = "l2"}));
  run_golden("l2norm_instance_2d", l2_normalization(d, {.eps = 1e-4, .name = "l2"}));
  run_golden("lrn_n3", lrn(d, {.nsize = 3, .name = "lrn"}));
  run_golden("lrn_n5", lrn(d, {.alpha = 0.8, .beta = 0.6, .knorm = 1.2, .nsize = 5, .name = "lrn"}));
}
