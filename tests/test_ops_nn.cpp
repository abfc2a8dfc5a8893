// Indexing, creation, embedding, dropout, softmax family and output layers; the notebook's
// one-hot SoftmaxOutput pitfall.
#include <doctest/doctest.h>

#include <cmath>
#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;
using testing::out_shape;
using S = sg::Shape;

namespace {
std::vector<float> eval(const Symbol& s, const std::map<std::string, sg::NDArray>& in, bool train = false) {
  sg::ShapeDict shapes;
  for (const auto& [k, v] : in) shapes[k] = v.shape();
  auto ex = s.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
  for (const auto& [k, v] : in) ex.arg_dict().at(k).copy_from(v);
  return ex.forward(train)[0].to_vector<float>();
}
}  // namespace

TEST_CASE("one_hot, argmax, argmin") {
  Symbol i = var("i"), x = var("x");
  CHECK(out_shape(one_hot(i, {.depth = 4}), {{"i", {2, 3}}}) == S{2, 3, 4});
  CHECK(eval(one_hot(i, {.depth = 3, .on_value = 5, .off_value = -1}), {{"i", sg::NDArray({2, 0, 7})}}) ==
        std::vector<float>{-1, -1, 5, 5, -1, -1, -1, -1, -1});
  // NaN and indices beyond int64 give a row of off_value, as any index outside [0, depth)
  CHECK(eval(one_hot(i, {.depth = 2, .on_value = 5, .off_value = -1}),
             {{"i", sg::NDArray({std::nan(""), 1e30, 1})}}) == std::vector<float>{-1, -1, -1, -1, -1, 5});
  auto xv = sg::NDArray({{1, 9, 9}, {4, -5, 6}});
  CHECK(eval(argmax(x, {.axis = 1}), {{"x", xv}}) == std::vector<float>{1, 2});
  CHECK(eval(argmin(x, {.axis = 0}), {{"x", xv}}) == std::vector<float>{0, 1, 1});
  CHECK(eval(argmax(x), {{"x", xv}}) == std::vector<float>{1});
  CHECK(out_shape(argmax(x, {.axis = 1, .keepdims = true}), {{"x", {2, 3}}}) == S{2, 1});
  CHECK(out_shape(argmax(x), {{"x", {2, 3}}}) == S{1});
  CHECK_THROWS_AS(out_shape(argmax(x, {.axis = 2}), {{"x", {2, 3}}}), sg::ShapeError);
  // argmax passes no gradient; the default grad_req gives its input none
  auto ex = (argmax(x, {.axis = 1}) + var("y")).simple_bind(sg::cpu(), {{"x", {2, 3}}});
  CHECK(ex.grad_arrays()[0].is_none());
}

TEST_CASE("pick and where") {
  Symbol x = var("x"), i = var("i");
  auto xv = sg::NDArray({{1, 2, 3}, {4, 5, 6}});
  CHECK(eval(pick(x, i), {{"x", xv}, {"i", sg::NDArray({2, 0})}}) == std::vector<float>{3, 4});
  CHECK(eval(pick(x, i, {.axis = 0}), {{"x", xv}, {"i", sg::NDArray({1, 0, 1})}}) ==
        std::vector<float>{4, 2, 6});
  CHECK(eval(pick(x, i, {.mode = "wrap"}), {{"x", xv}, {"i", sg::NDArray({-1, 4})}}) ==
        std::vector<float>{3, 5});
  CHECK(eval(pick(x, i), {{"x", xv}, {"i", sg::NDArray({-1, 4})}}) == std::vector<float>{1, 6});  // clip
  // indices beyond int64 clip (or wrap) without an undefined cast; NaN is an error
  CHECK(eval(pick(x, i), {{"x", xv}, {"i", sg::NDArray({-1e30, 1e30})}}) == std::vector<float>{1, 6});
  CHECK(eval(pick(x, i, {.mode = "wrap"}), {{"x", xv}, {"i", sg::NDArray({1e30, -1e30})}}).size() == 2);
  CHECK_THROWS_WITH_AS(eval(pick(x, i), {{"x", xv}, {"i", sg::NDArray({std::nan(""), 0.0})}}),
                       doctest::Contains("index holds nan"), sg::ValueError);
  CHECK(out_shape(pick(x, i, {.keepdims = true}), {{"x", {2, 3}}}) == S{2, 1});
  CHECK(pick(x, i).infer_shape({{"x", {2, 3}}}).arg_shapes[1] == S{2});
  CHECK(check_gradient(pick(x, i), {{"x", {2, 3}}, {"i", {2}}},
                       {.inputs = {{"i", sg::NDArray({2, 0}, sg::DType::float64)}}, .skip = {"i"}}) == 6);
  Symbol c = var("c"), y = var("y");
  auto r = eval(where(c, x, y), {{"c", sg::NDArray({{1, 0, 1}, {0, 0, 2}})}, {"x", xv}, {"y", xv * -1.0}});
  CHECK(r == std::vector<float>{1, -2, 3, -4, -5, 6});
  CHECK(eval(where(c, x, y), {{"c", sg::NDArray({0, 1})}, {"x", xv}, {"y", xv * -1.0}}) ==
        std::vector<float>{-1, -2, -3, 4, 5, 6});
  CHECK_THROWS_AS(out_shape(where(c, x, y), {{"c", {3}}, {"x", {2, 3}}, {"y", {2, 3}}}), sg::ShapeError);
  CHECK(check_gradient(where(c, x, y), {{"c", {2, 3}}, {"x", {2, 3}}, {"y", {2, 3}}},
                       {.inputs = {{"c", sg::NDArray({{1, 0, 1}, {0, 0, 1}}, sg::DType::float64)}},
                        .skip = {"c"}}) == 12);
}

TEST_CASE("zeros, ones, zeros_like, ones_like: shapes inferred from the consumer") {
  Symbol x = var("x");
  Symbol z = zeros({sg::dyn, 3}) + x;  // the begin-state pattern of RNN cells
  auto r = z.infer_shape({{"x", {5, 3}}});
  CHECK(r.out_shapes[0] == S{5, 3});
  CHECK(eval(ones({2, 2}) * 3.0 + x, {{"x", sg::NDArray({{1, 2}, {3, 4}})}}) ==
        std::vector<float>{4, 5, 6, 7});
  CHECK(eval(zeros_like(x) + ones_like(x), {{"x", sg::NDArray({7, 8})}}) == std::vector<float>{1, 1});
  CHECK(check_gradient(x * 2.0 + zeros({2, 2}), {{"x", {2, 2}}}) == 4);
  CHECK(eval(full({2}, 2.5) + x, {{"x", sg::NDArray({1, 1})}}) == std::vector<float>{3.5, 3.5});
}

TEST_CASE("embedding: gather, scatter-add gradient, no gradient for the indices, range errors") {
  Symbol d = var("data");
  Symbol e = embedding(d, {.input_dim = 4, .output_dim = 3, .name = "emb"});
  CHECK(e.list_arguments() == std::vector<std::string>{"data", "emb_weight"});
  CHECK(out_shape(e, {{"data", {2, 5}}}) == S{2, 5, 3});
  CHECK(e.infer_shape({{"data", {2, 5}}}).arg_shapes[1] == S{4, 3});
  auto ex = make_loss(e * e).simple_bind(sg::cpu(), {{"data", {2, 2}}});
  CHECK(ex.grad_arrays()[0].is_none());  // indices: no gradient array by default
  auto w = sg::NDArray({{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9, 10, 11}});
  ex.arg_dict().at("emb_weight").copy_from(w);
  ex.forward(true, {{"data", sg::NDArray({{1, 3}, {1, 0}})}});
  CHECK(ex.outputs()[0].to_vector<float>() ==
        std::vector<float>{9, 16, 25, 81, 100, 121, 9, 16, 25, 0, 1, 4});
  ex.backward();
  // d/dw of Σ w[idx]²: 2·w[r] per use; row 1 is used twice
  CHECK(ex.grad_dict().at("emb_weight").to_vector<float>() ==
        std::vector<float>{0, 2, 4, 12, 16, 20, 0, 0, 0, 18, 20, 22});
  // asking for the indices' gradient is harmless: it stays zero
  auto ex2 = make_loss(e).simple_bind(sg::cpu(), {{"data", {2}}},
                                      {.grad_req = std::vector<std::string>{"write", "write"}});
  ex2.forward(true, {{"data", sg::NDArray({0, 3})}});
  ex2.backward();
  CHECK(ex2.grad_dict().at("data").to_vector<float>() == std::vector<float>{0, 0});
  // an index past the table names the value and its position
  auto msg = testing::error_message<sg::ValueError>([&] {
    ex.forward(true, {{"data", sg::NDArray({{1, 3}, {4, 0}})}});
  });
  CHECK(msg.find("emb (Embedding)") != std::string::npos);
  CHECK(msg.find("holds 4 at flat position 2, outside [0, 4)") != std::string::npos);
  CHECK_THROWS_AS(ex.forward(true, {{"data", sg::NDArray({{1, -1}, {0, 0}})}}), sg::ValueError);
  CHECK_THROWS_AS(ex.forward(true, {{"data", sg::NDArray({{1, 0.5}, {0, 0}})}}), sg::ValueError);
  CHECK_THROWS_AS(embedding(d, {.input_dim = 0, .output_dim = 3}), sg::ValueError);
  Symbol e64 = embedding(d, {.input_dim = 4, .output_dim = 3, .dtype = sg::DType::float64, .name = "emb"});
  CHECK(check_gradient(e64, {{"data", {3}}},
                       {.inputs = {{"data", sg::NDArray({3, 0, 3}, sg::DType::float64)}}}) == 12);
}

TEST_CASE("dropout: identity in inference, seeded masks in training, gradient through the mask") {
  Symbol x = var("x");
  Symbol d = dropout(x, {.p = 0.25});
  CHECK(d.list_outputs() == std::vector<std::string>{d.name().value() + "_output"});  // the mask is hidden
  const std::int64_t n = 20000;
  auto ones = sg::nd::ones({n});
  CHECK(eval(d, {{"x", ones}}) == std::vector<float>(n, 1.0f));
  auto run = [&](std::uint64_t seed) {
    auto ex = make_loss(d).simple_bind(sg::cpu(), {{"x", {n}}}, {.seed = seed});
    ex.forward(true, {{"x", ones}});
    ex.backward();
    return std::make_pair(ex.outputs()[0].to_vector<float>(), ex.grad_dict().at("x").to_vector<float>());
  };
  auto [y1, g1] = run(1);
  auto [y2, g2] = run(1);
  auto [y3, g3] = run(2);
  CHECK(y1 == y2);
  CHECK(y1 != y3);
  CHECK(g1 == y1);  // dy = 1, so dx is the mask
  std::int64_t kept = 0;
  for (float v : y1) {
    CHECK((v == 0.0f || v == doctest::Approx(1 / 0.75)));
    kept += v != 0;
  }
  CHECK(static_cast<double>(kept) / n == doctest::Approx(0.75).epsilon(0.03));
  // mode always drops in inference too; axes share one draw along the listed axes
  CHECK(eval(dropout(x, {.p = 0.5, .mode = "always"}), {{"x", ones}}) != std::vector<float>(n, 1.0f));
  auto shared = eval(dropout(x, {.p = 0.5, .mode = "always", .axes = {1}}), {{"x", sg::nd::ones({50, 8})}});
  for (int r = 0; r < 50; ++r)
    for (int c = 1; c < 8; ++c) CHECK(shared[r * 8 + c] == shared[r * 8]);
  CHECK_THROWS_AS(dropout(x, {.p = 1.5}), sg::ValueError);
}

TEST_CASE("softmax, log_softmax, SoftmaxActivation, softmax_cross_entropy") {
  Symbol x = var("x");
  auto xv = sg::NDArray({{1, 2, 3}, {1, 1, 1}});
  auto y = eval(softmax(x), {{"x", xv}});
  double z = std::exp(1) + std::exp(2) + std::exp(3);
  CHECK(y[2] == doctest::Approx(std::exp(3) / z));
  CHECK(y[3] == doctest::Approx(1.0 / 3));
  auto ya = eval(softmax(x, {.axis = 0}), {{"x", xv}});
  CHECK(ya[0] == doctest::Approx(0.5));
  auto yt = eval(softmax(x, {.temperature = 2.0}), {{"x", xv}});
  CHECK(yt[0] == doctest::Approx(std::exp(0.5) / (std::exp(0.5) + std::exp(1.0) + std::exp(1.5))));
  auto yl = eval(log_softmax(x), {{"x", xv}});
  CHECK(yl[2] == doctest::Approx(3 - std::log(z)));
  auto big = eval(softmax(x), {{"x", sg::NDArray({1000, 1000})}});  // stable
  CHECK(big[0] == doctest::Approx(0.5));
  sg::ShapeDict s{{"x", {2, 3, 4}}};
  CHECK(check_gradient(softmax(x), s) == 24);
  CHECK(check_gradient(softmax(x, {.axis = 1, .temperature = 0.7}), s) == 24);
  CHECK(check_gradient(log_softmax(x, {.axis = 0}), s) == 24);
  CHECK(check_gradient(softmax_activation(x), s) == 24);
  CHECK(check_gradient(softmax_activation(x, {.mode = "channel"}), s) == 24);
  CHECK_THROWS_AS(out_shape(softmax_activation(x, {.mode = "channel"}), {{"x", {2, 3}}}), sg::ShapeError);
  Symbol l = var("l");
  auto ce = eval(softmax_cross_entropy(x, l), {{"x", xv}, {"l", sg::NDArray({2, 0})}});
  CHECK(ce[0] == doctest::Approx(-std::log(std::exp(3) / z) + std::log(3.0)).epsilon(1e-5));
  CHECK(out_shape(softmax_cross_entropy(x, l), {{"x", {4, 3}}}) == S{1});
  CHECK(check_gradient(softmax_cross_entropy(x, l), {{"x", {3, 4}}, {"l", {3}}},
                       {.inputs = {{"l", sg::NDArray({3, 0, 1}, sg::DType::float64)}}, .skip = {"l"}}) == 12);
  CHECK_THROWS_AS(eval(softmax_cross_entropy(x, l), {{"x", xv}, {"l", sg::NDArray({3, 0})}}), sg::ValueError);
}

namespace {
// Gradient of SoftmaxOutput's data for a given label array.
std::vector<float> so_grad(const SoftmaxOutputOptions& o, const sg::NDArray& data, const sg::NDArray& label) {
  Symbol s = softmax_output(var("data"), var("label"), o);
  auto ex = s.simple_bind(sg::cpu(), {{"data", data.shape()}, {"label", label.shape()}});
  ex.forward(true, {{"data", data}, {"label", label}});
  ex.backward();
  return ex.grad_dict().at("data").to_vector<float>();
}
std::vector<double> softmax_rows(const sg::NDArray& x) {
  std::vector<double> p;
  auto n = x.shape()[0], c = x.size() / n;
  for (std::int64_t i = 0; i < n; ++i) {
    double s = 0;
    for (std::int64_t k = 0; k < c; ++k) s += std::exp(x.at_flat(i * c + k));
    for (std::int64_t k = 0; k < c; ++k) p.push_back(std::exp(x.at_flat(i * c + k)) / s);
  }
  return p;
}
}  // namespace

TEST_CASE("SoftmaxOutput: label forms, gradients, options") {
  auto x = sg::nd::random::uniform(-1, 1, {4, 3}, {.seed = 3});
  auto p = softmax_rows(x);
  auto idx = sg::NDArray({2, 0, 1, 2});
  auto expect = [&](double scale, auto&& per) {
    std::vector<float> g;
    for (int i = 0; i < 4; ++i)
      for (int k = 0; k < 3; ++k) g.push_back(static_cast<float>(scale * per(i, k)));
    return g;
  };
  auto close = [](const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-5));
  };
  auto onehot = [&](int i, int k) { return k == static_cast<int>(idx.at_flat(i)) ? 1.0 : 0.0; };
  close(so_grad({}, x, idx), expect(1, [&](int i, int k) { return p[i * 3 + k] - onehot(i, k); }));
  close(so_grad({}, x, idx.reshape({4, 1})), so_grad({}, x, idx));  // (N,1) accepted (MXNet rejects it)
  close(so_grad({.grad_scale = 2, .normalization = "batch"}, x, idx),
        expect(0.5, [&](int i, int k) { return p[i * 3 + k] - onehot(i, k); }));
  close(so_grad({.smooth_alpha = 0.1}, x, idx),
        expect(1, [&](int i, int k) { return p[i * 3 + k] - (onehot(i, k) ? 0.9 : 0.05); }));
  auto ign = sg::NDArray({2, -1, 1, -1});
  close(so_grad({.use_ignore = true, .normalization = "valid"}, x, ign), expect(0.5, [&](int i, int k) {
          return ign.at_flat(i) < 0 ? 0.0 : p[i * 3 + k] - (k == static_cast<int>(ign.at_flat(i)));
        }));
  // probabilities (one-hot included) have the data's shape: p - label
  auto probs = sg::NDArray({{0.2, 0.3, 0.5}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  close(so_grad({}, x, probs),
        expect(1, [&](int i, int k) { return p[i * 3 + k] - probs.at_flat(i * 3 + k); }));
  // out-of-range class indices are errors, not silent gradients
  auto msg = testing::error_message<sg::ValueError>([&] { so_grad({}, x, sg::NDArray({2, 0, 3, 1})); });
  CHECK(msg.find("softmaxoutput") != std::string::npos);
  CHECK(msg.find(
            "(SoftmaxOutput, backward): label holds 3 at position 2, which is not a class index in [0, 3)") !=
        std::string::npos);
  // NaN and huge labels are reported like any other bad label (no undefined integer cast first)
  for (double bad : {std::nan(""), 1e30, -1e30}) {
    INFO(bad);
    for (bool valid : {false, true}) {
      auto m = testing::error_message<sg::ValueError>([&] {
        so_grad({.use_ignore = valid, .normalization = valid ? "valid" : "null"}, x,
                sg::NDArray({2, 0, bad, 1}));
      });
      CHECK(m.find("at position 2, which is not a class index in [0, 3)") != std::string::npos);
    }
  }
  // shapes: the label's accepted forms are named
  Symbol s = softmax_output(var("data"), {.name = "softmax"});
  CHECK(s.list_arguments() == std::vector<std::string>{"data", "softmax_label"});
  CHECK(s.infer_shape({{"data", {128, 7}}}).arg_shapes[1] == S{128});
  auto shape_msg = testing::error_message<sg::ShapeError>([&] {
    s.infer_shape({{"data", {128, 7}}, {"softmax_label", {128, 5}}});
  });
  CHECK(shape_msg.find(
            "softmax (SoftmaxOutput): label 'softmax_label' has shape (128, 5) but data has shape (128, 7); "
            "a label must be class indices, shape (128,) or (128, 1), or probabilities (one-hot included), "
            "shape (128, 7)") != std::string::npos);
  // multi_output: softmax over axis 1 at every position
  auto xm = sg::nd::random::uniform(-1, 1, {2, 3, 4}, {.seed = 5});
  auto lm = sg::NDArray({{0, 1, 2, 0}, {2, 2, 1, 0}});
  Symbol mo = softmax_output(var("data"), var("label"), {.multi_output = true});
  CHECK(mo.infer_shape({{"data", {2, 3, 4}}}).arg_shapes[1] == S{2, 4});
  auto gm = so_grad({.multi_output = true}, xm, lm);
  for (int i = 0; i < 2; ++i)
    for (int r = 0; r < 4; ++r) {
      double s2 = 0;
      for (int c = 0; c < 3; ++c) s2 += std::exp(xm.at_flat((i * 3 + c) * 4 + r));
      for (int c = 0; c < 3; ++c) {
        double pc = std::exp(xm.at_flat((i * 3 + c) * 4 + r)) / s2;
        CHECK(gm[(i * 3 + c) * 4 + r] ==
              doctest::Approx((pc - (c == lm.at_flat(i * 4 + r))) / 4).epsilon(1e-5));
      }
    }
  // preserve_shape: over the last axis; labels data.shape[:-1]
  Symbol ps = softmax_output(var("data"), var("label"), {.preserve_shape = true});
  CHECK(ps.infer_shape({{"data", {2, 3, 4}}}).arg_shapes[1] == S{2, 3});
  // forward is the softmax of each row of the (N, size/N) view
  auto fo = eval(softmax_output(var("data"), var("label")), {{"data", x}, {"label", idx}});
  for (int j = 0; j < 12; ++j) CHECK(fo[j] == doctest::Approx(p[j]).epsilon(1e-5));
}

TEST_CASE("regression outputs") {
  Symbol d = var("data"), l = var("label");
  auto x = sg::NDArray({{0.5}, {-1}, {2}});
  auto lv = sg::NDArray({1, 1, 1});
  auto grad = [&](const Symbol& s, const sg::NDArray& label) {
    auto ex = s.simple_bind(sg::cpu(), {{"data", x.shape()}, {"label", label.shape()}});
    ex.forward(true, {{"data", x}, {"label", label}});
    ex.backward();
    return std::make_pair(ex.outputs()[0].to_vector<float>(), ex.grad_dict().at("data").to_vector<float>());
  };
  CHECK(linear_regression_output(d, l).infer_shape({{"data", {3, 1}}}).arg_shapes[1] == S{3});
  CHECK(linear_regression_output(d, l).infer_shape({{"data", {3, 2}}}).arg_shapes[1] == S{3, 2});
  CHECK_THROWS_AS(linear_regression_output(d, l).infer_shape({{"data", {3, 2}}, {"label", {3, 3}}}),
                  sg::ShapeError);
  auto [y1, g1] = grad(linear_regression_output(d, l, {.grad_scale = 2}), lv);
  CHECK(y1 == std::vector<float>{0.5, -1, 2});
  CHECK(g1 == std::vector<float>{-1, -4, 2});
  auto [y2, g2] = grad(logistic_regression_output(d, l), lv);
  CHECK(y2[0] == doctest::Approx(1 / (1 + std::exp(-0.5))));
  CHECK(g2[0] == doctest::Approx(1 / (1 + std::exp(-0.5)) - 1));
  auto [y3, g3] = grad(mae_regression_output(d, l), lv);
  CHECK(g3 == std::vector<float>{-1, -1, 1});
  // m = outputs per sample divides the gradient
  x = sg::NDArray({{1, 2}, {3, 4}});
  auto [y4, g4] = grad(linear_regression_output(d, l), sg::NDArray({{0, 0}, {0, 0}}));
  CHECK(g4 == std::vector<float>{0.5, 1, 1.5, 2});
}

TEST_CASE("the notebook's pitfall: one-hot and class-index labels train to the same weights") {
  // 6 classes, batch 128: the same data once with one-hot labels (128,6), once with indices.
  const int N = 128, D = 10, C = 6;
  auto x = sg::nd::random::uniform(-1, 1, {N, D}, {.seed = 11});
  auto w_true = sg::nd::random::normal(0, 1, {C, D}, {.seed = 12});
  sg::NDArray idx(sg::Shape{N}), hot(sg::Shape{N, C});
  for (int i = 0; i < N; ++i) {
    int best = 0;
    double bv = -1e9;
    for (int k = 0; k < C; ++k) {
      double v = 0;
      for (int j = 0; j < D; ++j) v += w_true.at_flat(k * D + j) * x.at_flat(i * D + j);
      if (v > bv) bv = v, best = k;
    }
    idx.data<float>()[i] = static_cast<float>(best);
    hot.data<float>()[i * C + best] = 1;
  }
  auto train = [&](const sg::NDArray& label) {
    sg::sym::NameManager names;
    Symbol net =
        softmax_output(fully_connected(var("data"), {.num_hidden = C, .name = "fc"}), {.name = "softmax"});
    auto ex = net.simple_bind(sg::cpu(), {{"data", {N, D}}, {"softmax_label", label.shape()}});
    ex.arg_dict().at("fc_weight").copy_from(sg::nd::random::uniform(-0.1, 0.1, {C, D}, {.seed = 13}));
    for (int step = 0; step < 50; ++step) {
      ex.forward(true, {{"data", x}, {"softmax_label", label}});
      ex.backward();
      for (const char* p : {"fc_weight", "fc_bias"}) {
        auto v = ex.arg_dict().at(p).view<float>();
        v -= (0.5f / N) * ex.grad_dict().at(p).view<float>();
      }
    }
    return std::make_pair(ex.arg_dict().at("fc_weight").copy(), ex.outputs()[0].copy());
  };
  auto [w_idx, p_idx] = train(idx);
  auto [w_hot, p_hot] = train(hot);
  CHECK(sg::nd::max_abs_diff(w_idx, w_hot) < 1e-5);
  // and the model learned: accuracy by argmax
  int right = 0;
  for (int i = 0; i < N; ++i) {
    int best = 0;
    for (int k = 1; k < C; ++k)
      if (p_idx.at_flat(i * C + k) > p_idx.at_flat(i * C + best)) best = k;
    right += best == static_cast<int>(idx.at_flat(i));
  }
  CHECK(right > N * 0.8);
}

TEST_CASE("typed embedding and softmax_output") {
  auto words = var<"words">(sg::shape<sg::dyn, 7>);
  auto e = embedding<100, 16>(words);
  static_assert(decltype(e)::shape == S{sg::dyn, 7, 16});
  auto logits = fully_connected<5>(e);
  auto out = softmax_output(logits, var<"label">(sg::shape<sg::dyn>));
  static_assert(decltype(out)::shape == S{sg::dyn, 5});
  auto out2 = softmax_output(logits, var<"label2">(sg::shape<sg::dyn, 5>));  // probabilities
  static_assert(decltype(out2)::shape == S{sg::dyn, 5});
  Symbol s = out;
  CHECK(s.infer_shape({{"words", {4, 7}}}).arg_shapes[1] == S{100, 16});
}

TEST_CASE("registry: the new operators round-trip") {
  Symbol x = var("x"), y = var("y");
  std::vector<Symbol> syms{
      one_hot(x, {.depth = 3, .off_value = -1}),
      argmax(x, {.axis = 1}),
      argmin(x),
      pick(x, y, {.axis = 0, .mode = "wrap"}),
      where(x, y, y),
      zeros({0, 3}),
      ones({2}),
      ones_like(x),
      embedding(x, {.input_dim = 3, .output_dim = 2}),
      dropout(x, {.p = 0.2, .axes = {1}}),
      softmax(x, {.axis = 0, .temperature = 2.0}),
      log_softmax(x),
      softmax_activation(x, {.mode = "channel"}),
      softmax_cross_entropy(x, y),
      softmax_output(x, y,
                     {.grad_scale = 2, .use_ignore = true, .normalization = "valid", .smooth_alpha = 0.1}),
      linear_regression_output(x, y, {.grad_scale = 3}),
      mae_regression_output(x, y)};
  for (const auto& s : syms) {
    const auto& n = *s.entries()[0].node;
    CAPTURE(n.op->type_name());
    auto op = sg::ops::create_op(n.op->type_name(), n.op->attrs(), n.inputs.size());
    CHECK(op->attrs() == n.op->attrs());
  }
}
