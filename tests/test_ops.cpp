// ops/: every operator's float64 finite-difference gradient check, plus shape rules and the
// typed (fused) forms.
#include <doctest/doctest.h>

#include <cmath>
#include <symgrad/cpu/gemm.hpp>            // host::detail::gemm_fallback
#include <symgrad/ops/activation-inl.hpp>  // the operator classes, tested directly
#include <symgrad/ops/fully_connected-inl.hpp>
#include <symgrad/ops/loss-inl.hpp>
#include <symgrad/symgrad.hpp>
#include <tuple>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;

TEST_CASE("gradient check: unary math") {
  Symbol x = var("x");
  sg::ShapeDict s{{"x", {3, 4}}};
  CHECK(check_gradient(negative(x), s) == 12);
  CHECK(check_gradient(square(x), s) == 12);
  CHECK(check_gradient(exp(x), s) == 12);
  CHECK(check_gradient(sqrt(x), s, {.low = 0.5, .high = 2}) == 12);
  CHECK(check_gradient(log(x), s, {.low = 0.5, .high = 2}) == 12);
  CHECK(check_gradient(abs(x), s,
                       {.inputs = {{"x", sg::NDArray({{-1, 2, -3, 4}, {0.5, -0.5, 1, -1}, {2, -2, 3, -3}},
                                                     sg::DType::float64)}}}) == 12);
}

TEST_CASE("gradient check: activations") {
  Symbol x = var("x");
  sg::ShapeDict s{{"x", {4, 5}}};
  for (const char* t : {"sigmoid", "tanh", "softrelu", "softsign"}) {
    CAPTURE(t);
    CHECK(check_gradient(activation(x, {.act_type = t}), s, {.low = -3, .high = 3}) == 20);
  }
  // relu: keep inputs away from the kink
  auto xv = sg::nd::random::uniform(0.1, 1, {4, 5}, {.dtype = sg::DType::float64, .seed = 2});
  for (std::int64_t i = 0; i < xv.size(); i += 2) xv.data<double>()[i] *= -1;
  CHECK(check_gradient(activation(x, {.act_type = "relu"}), s, {.inputs = {{"x", xv}}}) == 20);
  CHECK(check_gradient(relu(x), s, {.inputs = {{"x", xv}}}) == 20);
  // softrelu switches to the identity above 20
  CHECK(check_gradient(activation(x, {.act_type = "softrelu"}), s, {.low = 19, .high = 23}) == 20);
}

TEST_CASE("gradient check: binary and scalar arithmetic") {
  Symbol a = var("a"), b = var("b");
  sg::ShapeDict s{{"a", {2, 3}}, {"b", {2, 3}}};
  CHECK(check_gradient(a + b, s) == 12);
  CHECK(check_gradient(a - b, s) == 12);
  CHECK(check_gradient(a * b, s) == 12);
  CHECK(check_gradient(a / b, s, {.domain = {{"b", {0.5, 2}}}}) == 12);
  sg::ShapeDict sa{{"a", {2, 3}}};
  CHECK(check_gradient(a + 2.0, sa) == 6);
  CHECK(check_gradient(a - 2.0, sa) == 6);
  CHECK(check_gradient(2.0 - a, sa) == 6);
  CHECK(check_gradient(a * 3.0, sa) == 6);
  CHECK(check_gradient(a / 4.0, sa) == 6);
  CHECK(check_gradient(2.0 / a, sa, {.low = 0.5, .high = 2}) == 6);
  CHECK(check_gradient(-a, sa) == 6);
  CHECK(check_gradient(a * a + a / 3.0, sa) == 6);  // a used three times
}

TEST_CASE("gradient check: fully_connected with and without flatten and bias") {
  Symbol x = var("x");
  CHECK(check_gradient(fully_connected(x, {.num_hidden = 3, .name = "fc"}), {{"x", {4, 3, 2}}}) ==
        24 + 18 + 3);
  CHECK(check_gradient(fully_connected(x, {.num_hidden = 5, .flatten = false, .name = "fc"}),
                       {{"x", {2, 3, 4}}}) == 24 + 20 + 5);
  CHECK(check_gradient(fully_connected(x, {.num_hidden = 2, .no_bias = true, .name = "fc"}),
                       {{"x", {3, 4}}}) == 12 + 8);
  CHECK(check_gradient(fully_connected(x, {.num_hidden = 3, .name = "fc"}), {{"x", {5}}}) ==
        5 + 3 + 3);  // 1-D data
}

TEST_CASE("gradient check: a small network through the executor") {
  Symbol x = var("x");
  Symbol h = activation(fully_connected(x, {.num_hidden = 4, .name = "fc1"}), {.act_type = "tanh"});
  Symbol y = fully_connected(h, {.num_hidden = 2, .name = "fc2"});
  CHECK(check_gradient(sigmoid(y) * y, {{"x", {3, 5}}}) > 0);
}

TEST_CASE("gradient check: typed expressions through their fused kernels") {
  auto a = var<"a">(sg::shape<3, 4>);
  auto b = var<"b">(sg::shape<3, 4>);
  Symbol e1 = square(a - b) * 0.5 + exp(a) / (b * b + 1.0);
  CHECK(check_gradient(e1, {}) == 24);
  Symbol e2 = tanh(a) * sigmoid(b) - relu(a * 2.0 + 3.0) + sqrt(b * b + 1.0) - log(a * a + 2.0);
  CHECK(check_gradient(e2, {}) == 24);
  Symbol e3 = a * a * a;  // the same leaf three times
  CHECK(check_gradient(e3, {}) == 12);
  auto fc = fully_connected<3>(a);
  static_assert(decltype(fc)::shape == sg::Shape{3, 3});
  Symbol e4 = (fc - 1.0) * (fc + 2.0);
  CHECK(check_gradient(e4, {}) == 12 + 12 + 3);  // a, the weight (3,4), the bias
}

TEST_CASE("shape rules: fully_connected, elementwise") {
  constexpr auto r = sg::ops::fully_connected_rule(sg::Shape{sg::dyn, 3, 4}, {5, false, true});
  static_assert(r.out == sg::Shape{sg::dyn, 5});
  static_assert(r.weight == sg::Shape{5, 12});
  constexpr auto r2 = sg::ops::fully_connected_rule(sg::Shape{2, 7, 4}, {5, false, false});
  static_assert(r2.out == sg::Shape{2, 7, 5});
  static_assert(r2.weight == sg::Shape{5, 4});
  static_assert(sg::ops::fully_connected_rule(sg::Shape{sg::dyn, sg::dyn, 4}, {5, false, true}).weight ==
                sg::Shape{5, sg::dyn});
  static_assert(sg::ops::fully_connected_rule(sg::Shape{}, {5, false, true}).error != nullptr);
  CHECK_THROWS_AS(fully_connected(var("x"), {.num_hidden = 2}).infer_shape({{"x", sg::Shape{}}}),
                  sg::ShapeError);
  // elementwise inference runs both ways
  Symbol s = var("a") * var("b") + var("c");
  auto p = s.infer_shape({{"c", {2, 2}}});
  CHECK(p.arg_shapes == std::vector<sg::Shape>{{2, 2}, {2, 2}, {2, 2}});
}

TEST_CASE("attributes round-trip through the string map") {
  sg::ops::FullyConnected fc(sg::AttrMap{{"num_hidden", "7"}, {"no_bias", "True"}, {"flatten", "False"}});
  CHECK(fc.param().num_hidden == 7);
  CHECK(fc.param().no_bias);
  CHECK_FALSE(fc.param().flatten);
  CHECK(sg::ops::FullyConnected(fc.attrs()).attrs() == fc.attrs());
  CHECK_THROWS_WITH_AS(sg::ops::FullyConnected(sg::AttrMap{{"num_hidden", "7"}, {"num_hiden", "3"}}),
                       doctest::Contains("unknown attribute 'num_hiden'"), sg::ValueError);
  sg::ops::Activation act(sg::AttrMap{{"act_type", "softsign"}});
  CHECK(act.attrs().at("act_type") == "softsign");
  CHECK_THROWS_AS(sg::ops::Activation(sg::AttrMap{}), sg::ValueError);
  sg::ops::MakeLoss ml(
      sg::AttrMap{{"grad_scale", "2.0"}, {"normalization", "valid"}, {"valid_thresh", "0.5"}});
  CHECK(ml.attrs() ==
        sg::AttrMap{{"grad_scale", "2.0"}, {"normalization", "valid"}, {"valid_thresh", "0.5"}});
}

TEST_CASE("GEMM: the built-in xsimd kernel (-Dblas=disabled) matches a plain triple loop") {
  sg::nd::random::Generator g(11);
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [M, N, K] :
           {std::tuple{1, 1, 1}, std::tuple{5, 3, 7}, std::tuple{33, 17, 9}, std::tuple{64, 1, 2}}) {
        CAPTURE(ta);
        CAPTURE(tb);
        CAPTURE(M);
        auto A = sg::nd::random::uniform(-1, 1, {ta ? K : M, ta ? M : K}, g, {.dtype = sg::DType::float64});
        auto B = sg::nd::random::uniform(-1, 1, {tb ? N : K, tb ? K : N}, g, {.dtype = sg::DType::float64});
        auto C = sg::nd::random::uniform(-1, 1, {M, N}, g, {.dtype = sg::DType::float64});
        auto want = C.copy();
        double *w = want.data<double>(), *a = A.data<double>(), *b = B.data<double>();
        for (int i = 0; i < M; ++i)
          for (int j = 0; j < N; ++j) {
            double acc = 0;
            for (int k = 0; k < K; ++k)
              acc += (ta ? a[k * M + i] : a[i * K + k]) * (tb ? b[j * K + k] : b[k * N + j]);
            w[i * N + j] = 0.5 * acc + 2.0 * w[i * N + j];
          }
        sg::host::detail::gemm_fallback<double>(ta, tb, M, N, K, 0.5, a, ta ? M : K, b, tb ? K : N, 2.0,
                                                C.data<double>(), N);
        CHECK(sg::nd::max_abs_diff(C, want) < 1e-12);
      }
}

TEST_CASE("large elementwise kernels split across threads and give the same values") {
  const std::int64_t n = 300001;  // above the parallel grain, not a multiple of the SIMD width
  auto x = sg::nd::random::uniform(-2, 2, {n}, {.seed = 4});
  Symbol xs = var("x");
  Symbol s = tanh(xs) * 3.0 + square(xs);
  Executor ex = s.simple_bind(sg::cpu(), {{"x", {n}}});
  ex.forward(true, {{"x", x}});
  ex.backward(sg::nd::ones({n}));
  const float* px = x.data<float>();
  const float* y = ex.outputs()[0].data<float>();
  const float* gx = ex.grad_dict().at("x").data<float>();
  for (std::int64_t i = 0; i < n; i += 997) {
    double t = std::tanh(double(px[i]));
    CHECK(y[i] == doctest::Approx(3 * t + px[i] * px[i]).epsilon(1e-5));
    CHECK(gx[i] == doctest::Approx(3 * (1 - t * t) + 2 * px[i]).epsilon(1e-4));
  }
  CHECK(y[n - 1] == doctest::Approx(3 * std::tanh(double(px[n - 1])) + px[n - 1] * px[n - 1]).epsilon(1e-5));
}

TEST_CASE("device kernels: channel bias and its gradient over (rows, channels, inner)") {
  const std::int64_t R = 2, C = 3, I = 4;
  sg::NDArray y(sg::Shape{R, C, I}, sg::cpu(), sg::DType::float64),
      b(sg::Shape{C}, sg::cpu(), sg::DType::float64);
  for (std::int64_t c = 0; c < C; ++c) b.data<double>()[c] = 0.5 * static_cast<double>(c + 1);
  sg::ops::dev::channel_bias(y, b, R, C, I, sg::OpReq::write);
  for (std::int64_t e = 0; e < y.size(); ++e)
    CHECK(y.data<double>()[e] == 0.5 * static_cast<double>((e / I) % C + 1));
  sg::ops::dev::channel_bias(y, b, R, C, I, sg::OpReq::add);
  for (std::int64_t e = 0; e < y.size(); ++e)
    CHECK(y.data<double>()[e] == static_cast<double>((e / I) % C + 1));
  // db[c] = Σ over rows and inner of y[r, c, i] = R·I·(c + 1); add doubles it
  sg::NDArray db(sg::Shape{C}, sg::cpu(), sg::DType::float64);
  for (std::int64_t inner : {I, std::int64_t{1}}) {
    CAPTURE(inner);
    const std::int64_t rows = inner == 1 ? R * I : R;  // inner 1: a (rows, C) array
    sg::NDArray v = inner == 1 ? sg::NDArray(sg::Shape{rows, C}, sg::cpu(), sg::DType::float64) : y;
    if (inner == 1)
      for (std::int64_t e = 0; e < v.size(); ++e) v.data<double>()[e] = static_cast<double>(e % C + 1);
    sg::ops::dev::sum_channel_bias(v, db, rows, C, inner, sg::OpReq::write);
    for (std::int64_t c = 0; c < C; ++c)
      CHECK(db.data<double>()[c] == static_cast<double>(rows * inner * (c + 1)));
    sg::ops::dev::sum_channel_bias(v, db, rows, C, inner, sg::OpReq::add);
    for (std::int64_t c = 0; c < C; ++c)
      CHECK(db.data<double>()[c] == static_cast<double>(2 * rows * inner * (c + 1)));
  }
}
