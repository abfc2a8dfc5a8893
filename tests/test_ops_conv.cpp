// Convolution, Pooling and BatchNorm: shape rules and their failures, closed forms, float64
// finite-difference gradients, auxiliary states (golden tests against MXNet: test_golden.cpp).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <symgrad/cpu/depthwise.hpp>

#include "golden.hpp"
#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;

namespace {
sg::Shape out_shape(const Symbol& s, const sg::ShapeDict& in) { return s.infer_shape(in).out_shapes.at(0); }
}  // namespace

TEST_CASE("conv: shapes as MXNet's formula, forward and backward through infer_shape") {
  NameManager names;
  Symbol x = var("data");
  // LeNet's first layer: (N, 1, 28, 28), 5x5, 20 filters
  auto c1 = convolution(x, {.kernel = {5, 5}, .num_filter = 20, .name = "c1"});
  auto r = c1.infer_shape({{"data", {64, 1, 28, 28}}});
  CHECK(r.out_shapes.at(0) == sg::Shape{64, 20, 24, 24});
  CHECK(c1.list_arguments() == std::vector<std::string>{"data", "c1_weight", "c1_bias"});
  CHECK(r.arg_shapes.at(1) == sg::Shape{20, 1, 5, 5});
  CHECK(r.arg_shapes.at(2) == sg::Shape{20});
  // floor((in + 2p - (d(k-1)+1)) / s) + 1
  CHECK(out_shape(
            convolution(
                x, {.kernel = {3, 2}, .stride = {2, 1}, .dilate = {1, 2}, .pad = {1, 2}, .num_filter = 3}),
            {{"data", {2, 2, 7, 6}}}) == sg::Shape{2, 3, 4, 8});
  CHECK(out_shape(convolution(x, {.kernel = {3}, .stride = {2}, .pad = {1}, .num_filter = 2}),
                  {{"data", {2, 3, 9}}}) == sg::Shape{2, 2, 5});
  CHECK(out_shape(convolution(x, {.kernel = {2, 2, 2}, .pad = {1, 0, 1}, .num_filter = 2}),
                  {{"data", {1, 2, 3, 4, 3}}}) == sg::Shape{1, 2, 4, 3, 4});
  auto g = convolution(x, {.kernel = {2, 2}, .num_filter = 6, .num_group = 3, .name = "g"});
  CHECK(g.infer_shape({{"data", {1, 9, 4, 4}}}).arg_shapes.at(1) == sg::Shape{6, 3, 2, 2});
  // failures name the operator, the shapes and the parameters
  auto too_big = convolution(x, {.kernel = {7, 7}, .num_filter = 2, .name = "big"});
  auto msg = testing::error_message<sg::ShapeError>([&] { too_big.infer_shape({{"data", {1, 1, 5, 5}}}); });
  CHECK(msg.find("big") != std::string::npos);
  CHECK(msg.find("larger than the padded input") != std::string::npos);
  CHECK_THROWS_AS(g.infer_shape({{"data", {1, 8, 4, 4}}}), sg::ShapeError);  // 8 channels, 3 groups
  CHECK_THROWS_AS(c1.infer_shape({{"data", {1, 28, 28}}}), sg::ShapeError);  // missing an axis
  CHECK_THROWS_AS(convolution(x, {.kernel = {3, 3}, .stride = {1}, .num_filter = 2}), sg::ValueError);
  CHECK_THROWS_AS(convolution(x, {.kernel = {3, 3}, .num_filter = 0}), sg::ValueError);
  CHECK_THROWS_AS(convolution(x, {.kernel = {3, 3}, .num_filter = 3, .num_group = 2}), sg::ValueError);
  CHECK_THROWS_AS(convolution(x, {.kernel = {3, 3}, .num_filter = 2, .layout = "NHWC"}), sg::ValueError);
}

TEST_CASE("conv: values against a direct sum") {
  Symbol x = var("data");
  auto c = convolution(x, {.kernel = {2, 3}, .stride = {1, 2}, .pad = {1, 1}, .num_filter = 2, .name = "c"});
  auto ex = c.simple_bind(sg::cpu(), {{"data", {2, 3, 4, 5}}});
  sg::nd::random::Generator gen(3);
  for (auto& a : ex.arg_arrays()) sg::nd::random::uniform(-1, 1, a.shape(), gen).copy_to(a);
  const auto& y = ex.forward(false).at(0);
  const float* X = ex.arg_dict().at("data").data<float>();
  const float* W = ex.arg_dict().at("c_weight").data<float>();
  const float* B = ex.arg_dict().at("c_bias").data<float>();
  REQUIRE(y.shape() == sg::Shape{2, 2, 5, 3});
  double worst = 0;
  for (int n = 0; n < 2; ++n)
    for (int f = 0; f < 2; ++f)
      for (int oh = 0; oh < 5; ++oh)
        for (int ow = 0; ow < 3; ++ow) {
          double s = B[f];
          for (int c = 0; c < 3; ++c)
            for (int a = 0; a < 2; ++a)
              for (int b = 0; b < 3; ++b) {
                int ih = oh - 1 + a, iw = ow * 2 - 1 + b;
                if (ih < 0 || ih >= 4 || iw < 0 || iw >= 5) continue;
                s += double(W[((f * 3 + c) * 2 + a) * 3 + b]) * X[((n * 3 + c) * 4 + ih) * 5 + iw];
              }
          worst = std::max(worst, std::fabs(s - y.data<float>()[((n * 2 + f) * 5 + oh) * 3 + ow]));
        }
  CHECK(worst < 1e-5);
}

TEST_CASE("conv: float64 gradients") {
  Symbol x = var("data");
  CHECK(check_gradient(
            convolution(
                x, {.kernel = {3, 2}, .stride = {2, 1}, .dilate = {1, 2}, .pad = {1, 1}, .num_filter = 2}),
            {{"data", {2, 2, 5, 5}}}) > 0);
  CHECK(check_gradient(convolution(x, {.kernel = {2, 2}, .num_filter = 4, .num_group = 2, .no_bias = true}),
                       {{"data", {1, 4, 4, 3}}}) > 0);
  CHECK(check_gradient(convolution(x, {.kernel = {1, 1}, .num_filter = 3}), {{"data", {2, 2, 3, 3}}}) > 0);
  CHECK(check_gradient(convolution(x, {.kernel = {3}, .stride = {2}, .pad = {2}, .num_filter = 2}),
                       {{"data", {2, 2, 7}}}) > 0);
  CHECK(check_gradient(convolution(x, {.kernel = {2, 1, 2}, .pad = {0, 1, 1}, .num_filter = 2}),
                       {{"data", {1, 2, 3, 2, 3}}}) > 0);
}

TEST_CASE("pooling: shapes, values and gradients") {
  Symbol x = var("data");
  CHECK(out_shape(pooling(x, {.kernel = {2, 2}, .stride = {2, 2}}), {{"data", {1, 3, 7, 6}}}) ==
        sg::Shape{1, 3, 3, 3});
  CHECK(out_shape(pooling(x, {.kernel = {2, 2}, .pooling_convention = "full", .stride = {2, 2}}),
                  {{"data", {1, 3, 7, 6}}}) == sg::Shape{1, 3, 4, 3});
  CHECK(out_shape(pooling(x, {.kernel = {3}, .pooling_convention = "same", .stride = {2}}),
                  {{"data", {1, 3, 7}}}) == sg::Shape{1, 3, 4});
  CHECK(out_shape(pooling(x, {.pool_type = "avg", .global_pool = true}), {{"data", {2, 3, 7, 6}}}) ==
        sg::Shape{2, 3, 1, 1});
  CHECK_THROWS_AS(pooling(x, {.kernel = {9, 9}}).infer_shape({{"data", {1, 1, 5, 5}}}), sg::ShapeError);
  CHECK_THROWS_AS(pooling(x, {.kernel = {2, 2}, .pool_type = "median"}), sg::ValueError);
  CHECK_THROWS_AS(pooling(x, {}), sg::ValueError);

  // 4x4 input 0..15, 2x2 windows, stride 2: max = 5 7 13 15, avg = 2.5 4.5 10.5 12.5
  auto in = sg::nd::arange(0, 16).reshape({1, 1, 4, 4});
  for (auto [type, want] : {std::pair{"max", std::vector<float>{5, 7, 13, 15}},
                            std::pair{"avg", std::vector<float>{2.5, 4.5, 10.5, 12.5}},
                            std::pair{"sum", std::vector<float>{10, 18, 42, 50}}}) {
    auto p = pooling(x, {.kernel = {2, 2}, .pool_type = type, .stride = {2, 2}});
    auto ex = p.simple_bind(sg::cpu(), {{"data", {1, 1, 4, 4}}});
    ex.arg_dict().at("data").copy_from(in);
    CHECK(ex.forward(false).at(0).to_vector<float>() == want);
  }
  // avg with padding: the corner window holds 1 element of 4 (count_include_pad) or of 1
  auto ex = pooling(x, {.kernel = {2, 2}, .pool_type = "avg", .stride = {2, 2}, .pad = {1, 1}})
                .simple_bind(sg::cpu(), {{"data", {1, 1, 4, 4}}});
  ex.arg_dict().at("data").copy_from(in);
  CHECK(ex.forward(false).at(0).to_vector<float>().at(0) == doctest::Approx(0.0 / 4));
  CHECK(ex.outputs().at(0).to_vector<float>().at(3) == doctest::Approx((4 + 8) / 4.0));
  CHECK(ex.outputs().at(0).to_vector<float>().at(4) == doctest::Approx((5 + 6 + 9 + 10) / 4.0));

  CHECK(check_gradient(pooling(x, {.kernel = {3, 2}, .stride = {2, 1}, .pad = {1, 0}}),
                       {{"data", {2, 2, 5, 4}}}) > 0);
  CHECK(check_gradient(pooling(x, {.kernel = {3, 3}, .pool_type = "avg", .stride = {2, 2}, .pad = {1, 1}}),
                       {{"data", {1, 2, 5, 5}}}) > 0);
  CHECK(check_gradient(pooling(x, {.kernel = {3, 3},
                                   .pool_type = "avg",
                                   .stride = {2, 2},
                                   .pad = {1, 1},
                                   .count_include_pad = false}),
                       {{"data", {1, 2, 5, 5}}}) > 0);
  CHECK(check_gradient(
            pooling(x, {.kernel = {2}, .pool_type = "sum", .pooling_convention = "full", .stride = {2}}),
            {{"data", {2, 2, 5}}}) > 0);
  CHECK(check_gradient(pooling(x, {.pool_type = "max", .global_pool = true}), {{"data", {2, 2, 2, 3, 2}}}) >
        0);
}

TEST_CASE("batch_norm: auxiliary states, statistics and gradients") {
  NameManager names;
  Symbol x = var("data");
  auto bn = batch_norm(x, {.fix_gamma = false, .name = "bn"});
  CHECK(bn.list_arguments() == std::vector<std::string>{"data", "bn_gamma", "bn_beta"});
  CHECK(bn.list_auxiliary_states() == std::vector<std::string>{"bn_moving_mean", "bn_moving_var"});
  CHECK(bn.list_outputs() == std::vector<std::string>{"bn_output"});
  auto r = bn.infer_shape({{"data", {4, 3, 2, 2}}});
  CHECK(r.aux_shapes == std::vector<sg::Shape>{{3}, {3}});
  CHECK(batch_norm(x, {.output_mean_var = true, .name = "b2"}).list_outputs() ==
        std::vector<std::string>{"b2_output", "b2_mean", "b2_var"});

  // training forward: per-channel batch statistics; the moving statistics move by (1 - momentum)
  auto ex = bn.simple_bind(sg::cpu(), {{"data", {4, 3, 2, 2}}});
  sg::nd::random::Generator gen(5);
  sg::nd::random::uniform(-2, 3, {4, 3, 2, 2}, gen).copy_to(ex.arg_dict().at("data"));
  ex.arg_dict().at("bn_gamma").copy_from(sg::NDArray({2.0f, 1.0f, 0.5f}));
  ex.arg_dict().at("bn_beta").copy_from(sg::NDArray({0.0f, 1.0f, -1.0f}));
  ex.aux_dict().at("bn_moving_var").copy_from(sg::NDArray({1.0f, 1.0f, 1.0f}));
  const auto& y = ex.forward(true).at(0);
  const float* X = ex.arg_dict().at("data").data<float>();
  for (int c = 0; c < 3; ++c) {
    double m = 0, v = 0, ym = 0, yv = 0;
    for (int n = 0; n < 4; ++n)
      for (int k = 0; k < 4; ++k) m += X[(n * 3 + c) * 4 + k] / 16.0;
    for (int n = 0; n < 4; ++n)
      for (int k = 0; k < 4; ++k) v += std::pow(X[(n * 3 + c) * 4 + k] - m, 2) / 16.0;
    for (int n = 0; n < 4; ++n)
      for (int k = 0; k < 4; ++k) ym += y.data<float>()[(n * 3 + c) * 4 + k] / 16.0;
    for (int n = 0; n < 4; ++n)
      for (int k = 0; k < 4; ++k) yv += std::pow(y.data<float>()[(n * 3 + c) * 4 + k] - ym, 2) / 16.0;
    const double gamma[] = {2, 1, 0.5}, beta[] = {0, 1, -1};
    CHECK(ym == doctest::Approx(beta[c]).epsilon(1e-4));
    CHECK(std::sqrt(yv) == doctest::Approx(gamma[c] * std::sqrt(v / (v + 1e-3))).epsilon(1e-4));
    CHECK(ex.aux_dict().at("bn_moving_mean").data<float>()[c] == doctest::Approx(0.1 * m).epsilon(1e-5));
    CHECK(ex.aux_dict().at("bn_moving_var").data<float>()[c] == doctest::Approx(0.9 + 0.1 * v).epsilon(1e-5));
  }
  // inference uses the moving statistics and leaves them alone
  auto before = ex.aux_dict().at("bn_moving_mean").copy();
  ex.forward(false);
  CHECK(sg::nd::max_abs_diff(before, ex.aux_dict().at("bn_moving_mean")) == 0);

  CHECK(check_gradient(batch_norm(x, {.fix_gamma = false}), {{"data", {4, 3, 2}}}, {.rtol = 1e-4}) > 0);
  CHECK(check_gradient(batch_norm(x, {.fix_gamma = false, .axis = -1}), {{"data", {3, 2, 4}}},
                       {.rtol = 1e-4}) > 0);
  CHECK(check_gradient(batch_norm(x), {{"data", {5, 2}}}, {.rtol = 1e-4}) > 0);
  CHECK(check_gradient(batch_norm(x, {.fix_gamma = false, .use_global_stats = true}), {{"data", {3, 2, 2}}}) >
        0);
  CHECK_THROWS_AS(batch_norm(x, {.axis = 4}).infer_shape({{"data", {2, 3}}}), sg::ShapeError);
}

TEST_CASE("conv: symbol JSON round trip") {
  NameManager names;
  Symbol x = var("data");
  auto net =
      batch_norm(pooling(convolution(x, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 4, .name = "c"}),
                         {.kernel = {2, 2}, .pool_type = "avg", .stride = {2, 2}, .name = "p"}),
                 {.fix_gamma = false, .name = "bn"});
  auto back = Symbol::load_json(net.tojson());
  CHECK(back.tojson() == net.tojson());
  CHECK(back.list_auxiliary_states() == net.list_auxiliary_states());
  CHECK(back.infer_shape({{"data", {2, 3, 8, 8}}}).out_shapes.at(0) == sg::Shape{2, 4, 4, 4});
}

TEST_CASE("conv: typed forms carry MXNet's output shapes at compile time") {
  NameManager names;
  auto x = var<"data">(sg::shape<sg::dyn, 1, 28, 28>);
  auto c = convolution<20, dims(5, 5)>(x, {.name = "c1"});
  static_assert(decltype(c)::shape == sg::Shape{sg::dyn, 20, 24, 24});
  auto p = pooling<dims(2, 2), dims(2, 2)>(c, {.name = "p1"});
  static_assert(decltype(p)::shape == sg::Shape{sg::dyn, 20, 12, 12});
  auto b = batch_norm(p, {.fix_gamma = false, .name = "bn"});
  static_assert(decltype(b)::shape == sg::Shape{sg::dyn, 20, 12, 12});
  auto c2 = convolution<6, dims(3, 3), dims(2, 2), dims(1, 1), dims(1, 1), 2>(b, {.name = "c2"});
  static_assert(decltype(c2)::shape == sg::Shape{sg::dyn, 6, 6, 6});
  auto g = global_pooling(c2, {.pool_type = "avg", .name = "gp"});
  static_assert(decltype(g)::shape == sg::Shape{sg::dyn, 6, 1, 1});
  Symbol s = g;
  auto r = s.infer_shape({{"data", {4, 1, 28, 28}}});
  CHECK(r.out_shapes.at(0) == sg::Shape{4, 6, 1, 1});
  CHECK(s.list_auxiliary_states() == std::vector<std::string>{"bn_moving_mean", "bn_moving_var"});
  auto x1 = var<"seq">(sg::shape<2, 3, 9>);
  auto c1 = convolution<4, dims(3), dims(2), dims(1)>(x1);
  static_assert(decltype(c1)::shape == sg::Shape{2, 4, 5});
}

TEST_CASE("deconv: shapes as MXNet's formula, adj and target_shape, errors") {
  NameManager names;
  Symbol x = var("data");
  // stride·(in − 1) + dilate·(k − 1) + 1 − 2·pad + adj; weight (C, num_filter / num_group, k...)
  auto d = deconvolution(x, {.kernel = {3, 3},
                             .stride = {2, 2},
                             .pad = {1, 1},
                             .adj = {1, 1},
                             .num_filter = 4,
                             .num_group = 2,
                             .name = "dc"});
  CHECK(d.list_arguments() == std::vector<std::string>{"data", "dc_weight"});  // no_bias is the default
  auto r = d.infer_shape({{"data", {2, 6, 5, 4}}});
  CHECK(r.out_shapes.at(0) == sg::Shape{2, 4, 10, 8});
  CHECK(r.arg_shapes.at(1) == sg::Shape{6, 2, 3, 3});
  auto t = deconvolution(
      x, {.kernel = {4, 4}, .stride = {2, 2}, .target_shape = {11, 9}, .num_filter = 4, .no_bias = false});
  CHECK(out_shape(t, {{"data", {2, 6, 5, 4}}}) == sg::Shape{2, 4, 11, 9});
  CHECK(
      out_shape(deconvolution(x, {.kernel = {3}, .stride = {2}, .dilate = {2}, .pad = {1}, .num_filter = 4}),
                {{"data", {2, 6, 5}}}) == sg::Shape{2, 4, 11});
  CHECK(out_shape(deconvolution(x, {.kernel = {2, 2, 2}, .stride = {2, 1, 2}, .num_filter = 2}),
                  {{"data", {1, 2, 2, 3, 2}}}) == sg::Shape{1, 2, 4, 4, 4});
  auto big = deconvolution(x, {.kernel = {3, 3}, .target_shape = {20, 20}, .num_filter = 4, .name = "big"});
  auto msg = testing::error_message<sg::ShapeError>([&] { big.infer_shape({{"data", {2, 6, 5, 4}}}); });
  CHECK(msg.find("big") != std::string::npos);
  CHECK(msg.find("target_shape") != std::string::npos);
  auto adj = deconvolution(x, {.kernel = {3, 3}, .stride = {2, 2}, .adj = {2, 2}, .num_filter = 4});
  CHECK(testing::error_message<sg::ShapeError>([&] {
          adj.infer_shape({{"data", {2, 6, 5, 4}}});
        }).find("adj must be smaller") != std::string::npos);
  auto nothing = deconvolution(x, {.kernel = {3, 3}, .pad = {3, 3}, .num_filter = 4});
  CHECK_THROWS_AS(nothing.infer_shape({{"data", {2, 6, 2, 2}}}), sg::ShapeError);
  CHECK_THROWS_AS(d.infer_shape({{"data", {2, 5, 5, 4}}}), sg::ShapeError);  // 5 channels, 2 groups
  CHECK_THROWS_AS(deconvolution(x, {.kernel = {3, 3}, .adj = {1}, .num_filter = 2}), sg::ValueError);
  CHECK_THROWS_AS(deconvolution(x, {.kernel = {3, 3}, .num_filter = 3, .num_group = 2}), sg::ValueError);
}

TEST_CASE("deconv: forward is the data gradient of the matching convolution") {
  // Deconvolution(x, W) with W (C, F, k) equals dL/dz of Convolution(z, W) (num_filter C) at head x.
  struct Case {
    std::vector<std::int64_t> kernel, stride, pad, dilate, adj;
    std::int64_t C, F, G;
    sg::Shape in;
  };
  for (const Case& k : {Case{{3, 3}, {2, 2}, {1, 1}, {}, {1, 1}, 2, 3, 1, {2, 2, 3, 4}},
                        Case{{2, 3}, {1, 2}, {0, 1}, {2, 1}, {}, 4, 6, 2, {1, 4, 3, 3}},
                        Case{{2, 2, 2}, {2, 1, 2}, {}, {}, {1, 0, 1}, 2, 2, 1, {1, 2, 2, 3, 2}}}) {
    CAPTURE(k.in.str());
    Symbol x = var("data"), w = var("w");
    auto dc = deconvolution(x, w, Symbol(),
                            {.kernel = k.kernel,
                             .stride = k.stride,
                             .dilate = k.dilate,
                             .pad = k.pad,
                             .adj = k.adj,
                             .num_filter = k.F,
                             .num_group = k.G});
    auto dex = dc.simple_bind(sg::cpu(), {{"data", k.in}});
    sg::nd::random::Generator gen(11);
    for (auto& a : dex.arg_arrays()) sg::nd::random::uniform(-1, 1, a.shape(), gen).copy_to(a);
    const auto& y = dex.forward(false).at(0);
    Symbol z = var("z");
    auto cv = convolution(z, w, Symbol(),
                          {.kernel = k.kernel,
                           .stride = k.stride,
                           .dilate = k.dilate,
                           .pad = k.pad,
                           .num_filter = k.C,
                           .num_group = k.G,
                           .no_bias = true});
    auto cex = cv.simple_bind(sg::cpu(), {{"z", y.shape()}});
    REQUIRE(cex.forward(true).at(0).shape() ==
            k.in);  // the convolution maps the output back to the input shape
    cex.arg_dict().at("w").copy_from(dex.arg_dict().at("w"));
    cex.backward({dex.arg_dict().at("data")});
    testing::check_close(y, cex.grad_dict().at("z"), 1e-5, 1e-6,
                         "deconvolution vs convolution data gradient");
  }
}

TEST_CASE("deconv: float64 gradients") {
  Symbol x = var("data");
  CHECK(check_gradient(deconvolution(x, {.kernel = {3, 2},
                                         .stride = {2, 1},
                                         .pad = {1, 0},
                                         .adj = {1, 0},
                                         .num_filter = 2,
                                         .no_bias = false}),
                       {{"data", {2, 3, 3, 3}}}) > 0);
  CHECK(
      check_gradient(deconvolution(x, {.kernel = {2, 2}, .dilate = {2, 1}, .num_filter = 4, .num_group = 2}),
                     {{"data", {1, 4, 3, 2}}}) > 0);
  CHECK(check_gradient(
            deconvolution(
                x, {.kernel = {4}, .stride = {2}, .target_shape = {9}, .num_filter = 2, .no_bias = false}),
            {{"data", {2, 2, 4}}}) > 0);
  CHECK(check_gradient(deconvolution(x, {.kernel = {2, 1, 2}, .stride = {1, 2, 2}, .num_filter = 2}),
                       {{"data", {1, 2, 2, 2, 2}}}) > 0);
}

TEST_CASE("conv: depthwise direct path, gradients and a direct sum") {
  Symbol x = var("data");
  // channel multiplier 2, stride, dilation and padding; 2-d and 3-d
  CHECK(check_gradient(convolution(x, {.kernel = {3, 2},
                                       .stride = {2, 1},
                                       .dilate = {1, 2},
                                       .pad = {1, 2},
                                       .num_filter = 6,
                                       .num_group = 3}),
                       {{"data", {2, 3, 5, 6}}}) > 0);
  CHECK(check_gradient(convolution(x, {.kernel = {2, 2, 2},
                                       .stride = {1, 2, 1},
                                       .pad = {1, 0, 1},
                                       .num_filter = 2,
                                       .num_group = 2,
                                       .no_bias = true}),
                       {{"data", {1, 2, 3, 4, 3}}}) > 0);
  // values against a direct sum per channel
  auto dw = convolution(
      x, {.kernel = {3, 3}, .stride = {2, 2}, .pad = {1, 1}, .num_filter = 4, .num_group = 4, .name = "dw"});
  auto ex = dw.simple_bind(sg::cpu(), {{"data", {2, 4, 9, 8}}});
  sg::nd::random::Generator gen(4);
  for (auto& a : ex.arg_arrays()) sg::nd::random::uniform(-1, 1, a.shape(), gen).copy_to(a);
  const auto& y = ex.forward(false).at(0);
  const float* X = ex.arg_dict().at("data").data<float>();
  const float* W = ex.arg_dict().at("dw_weight").data<float>();
  const float* B = ex.arg_dict().at("dw_bias").data<float>();
  REQUIRE(y.shape() == sg::Shape{2, 4, 5, 4});
  double worst = 0;
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 4; ++c)
      for (int oh = 0; oh < 5; ++oh)
        for (int ow = 0; ow < 4; ++ow) {
          double s = B[c];
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) {
              const int ih = oh * 2 - 1 + a, iw = ow * 2 - 1 + b;
              if (ih >= 0 && ih < 9 && iw >= 0 && iw < 8)
                s += double(W[(c * 3 + a) * 3 + b]) * X[((n * 4 + c) * 9 + ih) * 8 + iw];
            }
          worst = std::max(worst, std::fabs(s - y.data<float>()[((n * 4 + c) * 5 + oh) * 4 + ow]));
        }
  CHECK(worst < 1e-5);
}

TEST_CASE("golden: Deconvolution and lp Pooling") {
  Symbol d = var("data");
  testing::run_golden("deconv2d",
                      deconvolution(d, {.kernel = {3, 3}, .num_filter = 4, .no_bias = false, .name = "dc"}));
  testing::run_golden(
      "deconv2d_stride_pad_adj",
      deconvolution(
          d,
          {.kernel = {4, 3}, .stride = {2, 2}, .pad = {1, 1}, .adj = {1, 0}, .num_filter = 3, .name = "dc"}));
  testing::run_golden("deconv2d_group_dilate", deconvolution(d, {.kernel = {2, 3},
                                                                 .dilate = {2, 1},
                                                                 .num_filter = 6,
                                                                 .num_group = 2,
                                                                 .no_bias = false,
                                                                 .name = "dc"}));
  testing::run_golden(
      "deconv2d_target",
      deconvolution(
          d, {.kernel = {4, 4}, .stride = {2, 2}, .target_shape = {9, 8}, .num_filter = 2, .name = "dc"}));
  testing::run_golden(
      "deconv1d",
      deconvolution(
          d, {.kernel = {3}, .stride = {3}, .pad = {1}, .num_filter = 2, .no_bias = false, .name = "dc"}));
  testing::run_golden("conv2d_depthwise", convolution(d, {.kernel = {3, 3},
                                                          .stride = {2, 1},
                                                          .dilate = {1, 2},
                                                          .pad = {1, 1},
                                                          .num_filter = 6,
                                                          .num_group = 3,
                                                          .name = "conv"}));
  testing::run_golden("conv1d_depthwise", convolution(d, {.kernel = {3},
                                                          .stride = {2},
                                                          .pad = {2},
                                                          .num_filter = 4,
                                                          .num_group = 4,
                                                          .no_bias = true,
                                                          .name = "conv"}));
  testing::run_golden("pool_lp2",
                      pooling(d, {.kernel = {2, 2}, .pool_type = "lp", .stride = {1, 2}, .p_value = 2}));
  testing::run_golden("pool_lp3_pad",
                      pooling(d, {.kernel = {3}, .pool_type = "lp", .stride = {2}, .pad = {1}, .p_value = 3}),
                      true, 1e-4, 1e-5);
  testing::run_golden("pool_lp1_global",
                      pooling(d, {.kernel = {1, 1}, .pool_type = "lp", .global_pool = true, .p_value = 1}));
}

TEST_CASE("pooling: lp values, gradients and errors") {
  Symbol x = var("data");
  auto p = pooling(x, {.kernel = {2, 2}, .pool_type = "lp", .p_value = 3});
  auto ex = p.simple_bind(sg::cpu(), {{"data", {1, 1, 2, 2}}});
  const float v[] = {-1, 2, 3, -4};
  std::copy_n(v, 4, ex.arg_dict().at("data").data<float>());
  CHECK(ex.forward(false).at(0).data<float>()[0] ==
        doctest::Approx(std::cbrt(-1.0 + 8 + 27 - 64)).epsilon(1e-6));
  auto p2 = pooling(x, {.kernel = {2, 2}, .pool_type = "lp", .p_value = 2});
  auto ex2 = p2.simple_bind(sg::cpu(), {{"data", {1, 1, 2, 2}}});
  std::copy_n(v, 4, ex2.arg_dict().at("data").data<float>());
  CHECK(ex2.forward(false).at(0).data<float>()[0] == doctest::Approx(std::sqrt(30.0)).epsilon(1e-6));
  CHECK(check_gradient(pooling(x, {.kernel = {2, 2}, .pool_type = "lp", .stride = {1, 1}, .p_value = 2}),
                       {{"data", {2, 2, 3, 3}}}) > 0);
  CHECK(
      check_gradient(pooling(x, {.kernel = {3}, .pool_type = "lp", .stride = {2}, .pad = {1}, .p_value = 3}),
                     {{"data", {1, 2, 5}}}, {.low = 0.5, .high = 1.5}) > 0);
  CHECK(check_gradient(pooling(x, {.kernel = {2}, .pool_type = "lp", .p_value = 1}), {{"data", {1, 2, 4}}}) >
        0);
  auto msg = testing::error_message<sg::ValueError>([&] {
    pooling(x, {.kernel = {2, 2}, .pool_type = "lp"});
  });
  CHECK(msg.find("p_value") != std::string::npos);
}

TEST_CASE("deconv: symbol JSON round trip and typed form") {
  NameManager names;
  Symbol x = var("data");
  auto net = pooling(deconvolution(x, {.kernel = {4, 4},
                                       .stride = {2, 2},
                                       .pad = {1, 1},
                                       .adj = {1, 1},
                                       .num_filter = 3,
                                       .no_bias = false,
                                       .name = "dc"}),
                     {.kernel = {2, 2}, .pool_type = "lp", .p_value = 2, .name = "p"});
  auto back = Symbol::load_json(net.tojson());
  CHECK(back.tojson() == net.tojson());
  CHECK(net.tojson().find("\"adj\": \"(1, 1)\"") != std::string::npos);
  CHECK(net.tojson().find("\"no_bias\": \"False\"") != std::string::npos);
  CHECK(back.infer_shape({{"data", {2, 5, 4, 4}}}).out_shapes.at(0) == sg::Shape{2, 3, 8, 8});
  auto tx = var<"t">(sg::shape<sg::dyn, 8, 7, 7>);
  auto up = deconvolution<4, dims(4, 4), dims(2, 2), dims(1, 1)>(tx);
  static_assert(decltype(up)::shape == sg::Shape{sg::dyn, 4, 14, 14});
  auto tgt = deconvolution<2, dims(3, 3), dims(2, 2), dims(), dims(), dims(), 1, dims(16, 15)>(up);
  static_assert(decltype(tgt)::shape == sg::Shape{sg::dyn, 2, 16, 15});
  CHECK(Symbol(tgt).infer_shape({{"t", {3, 8, 7, 7}}}).out_shapes.at(0) == sg::Shape{3, 2, 16, 15});
}

TEST_CASE("conv: the vectorised depthwise kernel gives the direct loops' outputs and data gradients") {
  using Kernel = sg::host::conv::DepthwiseKernel;
  struct Restore {
    ~Restore() { sg::host::conv::depthwise_kernel() = Kernel::simd; }
  } restore;
  Symbol x = var("data");
  struct Case {
    sg::Shape data;
    std::vector<std::int64_t> kernel, stride, pad;
    std::int64_t multiplier;
    sg::DType dtype;
  };
  const Case cases[] = {
      {{2, 3, 9, 13}, {3, 3}, {1, 1}, {1, 1}, 1, sg::DType::float32},   // odd width, one vector + tail
      {{1, 4, 7, 7}, {3, 3}, {1, 1}, {0, 0}, 1, sg::DType::float32},    // no padding, 5x5 out
      {{2, 2, 17, 33}, {3, 3}, {2, 2}, {1, 1}, 1, sg::DType::float32},  // stride 2, several vectors
      {{1, 3, 12, 10}, {3, 3}, {2, 2}, {0, 0}, 1, sg::DType::float32},
      {{2, 2, 11, 19}, {5, 5}, {1, 1}, {2, 2}, 1, sg::DType::float32},  // 5x5
      {{1, 2, 15, 14}, {5, 5}, {2, 2}, {2, 2}, 1, sg::DType::float32},
      {{1, 2, 10, 41}, {3, 3}, {2, 1}, {1, 0}, 2, sg::DType::float32},  // uneven stride and pad, multiplier 2
      {{1, 2, 9, 23}, {3, 5}, {1, 2}, {0, 2}, 1, sg::DType::float32},
      {{1, 3, 112, 112}, {3, 3}, {1, 1}, {1, 1}, 1, sg::DType::float32},  // MobileNet's first
      {{2, 2, 14, 14}, {3, 3}, {2, 2}, {1, 1}, 1, sg::DType::float32},
      {{2, 3, 1, 37}, {1, 3}, {1, 1}, {0, 1}, 1, sg::DType::float32},  // a single row
      {{2, 2, 9, 13}, {3, 3}, {1, 1}, {1, 1}, 1, sg::DType::float64},
      {{1, 2, 8, 12}, {3, 3}, {1, 1}, {2, 0}, 1, sg::DType::float64},  // pad k - 1 and 0
      {{1, 2, 11, 21}, {5, 5}, {2, 2}, {2, 2}, 1, sg::DType::float64},
  };
  for (const Case& k : cases) {
    CAPTURE(k.data.str());
    CAPTURE(k.kernel[0]);
    CAPTURE(k.stride[0]);
    CAPTURE(k.pad[0]);
    const std::int64_t c = k.data[1];
    auto dw = convolution(x, {.kernel = k.kernel,
                              .stride = k.stride,
                              .pad = k.pad,
                              .num_filter = c * k.multiplier,
                              .num_group = c,
                              .name = "dw"});
    auto ex = dw.simple_bind(sg::cpu(), {{"data", k.data}}, {.type_dict = {{"data", k.dtype}}});
    sg::nd::random::Generator gen(21);
    for (auto& a : ex.arg_arrays())
      sg::nd::random::uniform(-1, 1, a.shape(), gen, {.dtype = k.dtype}).copy_to(a);
    sg::NDArray head;
    auto run = [&](Kernel kernel) {  // the output and the data gradient
      sg::host::conv::depthwise_kernel() = kernel;
      const auto& y = ex.forward(true).at(0);
      if (head.size() == 0) head = sg::nd::random::uniform(-1, 1, y.shape(), gen, {.dtype = k.dtype});
      ex.backward(head);
      return std::pair{y.copy(), ex.grad_dict().at("data").copy()};
    };
    const auto [want, want_dx] = run(Kernel::loops);
    const auto [got, got_dx] = run(Kernel::simd);
    const double tol = k.dtype == sg::DType::float32 ? 1e-6 : 1e-14;
    testing::check_close(got, want, tol, tol, "vectorised depthwise vs the direct loops");
    testing::check_close(got_dx, want_dx, 4 * tol, 4 * tol, "data gradient: vectorised vs the direct loops");
  }
  // float64 gradients with the vectorised kernel (the data gradient's where the stride is 1)
  CHECK(check_gradient(
            convolution(x,
                        {.kernel = {3, 3}, .stride = {2, 2}, .pad = {1, 1}, .num_filter = 3, .num_group = 3}),
            {{"data", {2, 3, 7, 11}}}) > 0);
  CHECK(check_gradient(convolution(x, {.kernel = {5, 5}, .pad = {2, 2}, .num_filter = 2, .num_group = 2}),
                       {{"data", {1, 2, 6, 9}}}) > 0);
}

TEST_CASE("pooling: the vectorised 2-d path equals a direct reference on every geometry") {
  // max / avg / sum, both average counts, padding, strides, 'valid' and 'full', 1-d and global;
  // widths around a vector's length so vector and scalar columns both run; NaN skipped by max.
  struct Case {
    sg::Shape data;
    PoolingOptions o;
    std::string type, conv = "valid";
  };
  std::vector<Case> cases;
  for (std::string type : {"max", "avg", "sum"})
    for (std::int64_t k : {1, 2, 3, 4})
      for (std::int64_t s : {1, 2, 3})
        for (std::int64_t pad : {0, 1, 2}) {
          if (pad >= k) continue;
          for (std::string conv : {"valid", "full"})
            for (bool count : {true, false})
              cases.push_back({{2, 3, 9, 19},
                               {.kernel = {k, k},
                                .pool_type = type,
                                .pooling_convention = conv,
                                .stride = {s, s},
                                .pad = {pad, pad},
                                .count_include_pad = count},
                               type,
                               conv});
        }
  cases.push_back(
      {{1, 2, 35, 35}, {.kernel = {3, 3}, .pool_type = "avg", .stride = {1, 1}, .pad = {1, 1}}, "avg"});
  cases.push_back(
      {{1, 2, 7, 33}, {.kernel = {3, 2}, .pool_type = "max", .stride = {1, 1}, .pad = {1, 0}}, "max"});
  cases.push_back({{2, 3, 17}, {.kernel = {3}, .pool_type = "max", .stride = {1}, .pad = {1}}, "max"});
  cases.push_back({{2, 3, 8, 8}, {.pool_type = "avg", .global_pool = true}, "avg"});
  for (const auto& c : cases) {
    CAPTURE(c.data.str());
    CAPTURE(c.type);
    CAPTURE(c.o.global_pool ? 0 : c.o.kernel[0]);
    CAPTURE(c.o.stride.n ? c.o.stride[0] : 1);
    CAPTURE(c.o.pad.n ? c.o.pad[0] : 0);
    CAPTURE(c.conv);
    CAPTURE(c.o.count_include_pad);
    auto ex = pooling(var("data"), c.o).simple_bind(sg::cpu(), {{"data", c.data}}, {.grad_req = "null"});
    sg::NDArray& x = ex.arg_dict().at("data");
    sg::nd::random::Generator gen(5);
    sg::nd::random::uniform(-2, 2, x.shape(), gen).copy_to(x);
    if (c.type == "max") x.data<float>()[7] = std::nanf("");
    const sg::NDArray& y = ex.forward(false).at(0);
    // the reference: every output's window clipped to the input, in the generic loops' order
    const bool one_d = c.data.ndim() == 3, global = c.o.global_pool;
    const std::int64_t H = one_d ? 1 : c.data[2], W = c.data[c.data.ndim() - 1];
    const std::int64_t OH = one_d ? 1 : y.shape()[2], OW = y.shape()[y.shape().ndim() - 1];
    auto at = [&](const auto& v, int i, std::int64_t d) { return v.n ? std::int64_t(v[i]) : d; };
    const std::int64_t KH = global  ? H
                            : one_d ? 1
                                    : at(c.o.kernel, 0, 1),
                       KW = global ? W : at(c.o.kernel, one_d ? 0 : 1, 1);
    const std::int64_t SH = global || one_d ? 1 : at(c.o.stride, 0, 1),
                       SW = global ? 1 : at(c.o.stride, one_d ? 0 : 1, 1);
    const std::int64_t PH = global || one_d ? 0 : at(c.o.pad, 0, 0),
                       PW = global ? 0 : at(c.o.pad, one_d ? 0 : 1, 0);
    const float* xp = x.data<float>();
    const float* yp = y.data<float>();
    double worst = 0;
    for (std::int64_t pl = 0; pl < c.data[0] * c.data[1]; ++pl)
      for (std::int64_t oh = 0; oh < OH; ++oh)
        for (std::int64_t ow = 0; ow < OW; ++ow) {
          const std::int64_t h0 = oh * SH - PH, w0 = ow * SW - PW;
          const std::int64_t h1 = std::min(h0 + KH, H + PH), w1 = std::min(w0 + KW, W + PW);
          float v = c.type == "max" ? std::numeric_limits<float>::lowest() : 0.0f;
          for (std::int64_t a = std::max<std::int64_t>(h0, 0); a < std::min(h1, H); ++a)
            for (std::int64_t b = std::max<std::int64_t>(w0, 0); b < std::min(w1, W); ++b) {
              const float in = xp[(pl * H + a) * W + b];
              v = c.type == "max" ? std::max(v, in) : v + in;
            }
          if (c.type == "avg") {
            const std::int64_t n = c.o.count_include_pad && !global
                                       ? (h1 - h0) * (w1 - w0)
                                       : (std::min(h1, H) - std::max<std::int64_t>(h0, 0)) *
                                             (std::min(w1, W) - std::max<std::int64_t>(w0, 0));
            v = n > 0 ? v / float(n) : 0.0f;
          }
          const float got = yp[(pl * OH + oh) * OW + ow];
          worst = std::max(worst, double(std::abs(got - v)));
        }
    CHECK(worst <= 1e-6);
  }
}
