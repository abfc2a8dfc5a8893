// Custom operators (ops/custom.hpp): MXNet's CustomOp/CustomOpProp in C++. A softmax loss written
// as a custom operator must give SoftmaxOutput's outputs and gradients; a custom operator with a
// keyword argument, two outputs and an auxiliary state is checked against closed forms, through
// write/add gradient requests and a symbol JSON round trip.
#include <doctest/doctest.h>

#include <cmath>
#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using sg::NDArray;
using sg::OpReq;

namespace {

// mx.operator's classic example: softmax forward, (p - onehot(label)) backward, no head gradient.
struct MySoftmax : sg::CustomOp {
  void forward(bool, std::span<const OpReq> req, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const NDArray>) override {
    const auto& x = in[0];
    NDArray y(x.shape());
    const std::int64_t n = x.shape()[0], k = x.shape()[1];
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.data<float>() + i * k;
      float m = r[0], s = 0;
      for (std::int64_t j = 1; j < k; ++j) m = std::max(m, r[j]);
      for (std::int64_t j = 0; j < k; ++j) s += std::exp(r[j] - m);
      for (std::int64_t j = 0; j < k; ++j) y.data<float>()[i * k + j] = std::exp(r[j] - m) / s;
    }
    assign(out[0], req[0], y);
  }
  void backward(std::span<const OpReq> req, std::span<const NDArray>, std::span<const NDArray> in,
                std::span<const NDArray> out, std::span<const NDArray> in_grad,
                std::span<const NDArray>) override {
    NDArray g = out[0].copy();
    const std::int64_t n = g.shape()[0], k = g.shape()[1];
    for (std::int64_t i = 0; i < n; ++i) g.data<float>()[i * k + std::int64_t(in[1].data<float>()[i])] -= 1;
    assign(in_grad[0], req[0], g);
    assign(in_grad[1], req[1], sg::nd::zeros(in[1].shape()));
  }
};
struct MySoftmaxProp : sg::CustomOpProp {
  MySoftmaxProp() : CustomOpProp(/*need_top_grad=*/false) {}
  std::vector<std::string> list_arguments() const override { return {"data", "label"}; }
  Shapes infer_shape(const std::vector<sg::Shape>& in) const override {
    return {{in[0], sg::Shape{in[0][0]}}, {in[0]}, {}};
  }
  std::shared_ptr<sg::CustomOp> create_operator(sg::Context, const std::vector<sg::Shape>&,
                                                const std::vector<sg::DType>&) const override {
    return std::make_shared<MySoftmax>();
  }
};

// y = scale * x^2 and z = x + bias (two outputs); `calls` counts training forwards.
int created = 0;
struct ScaleSquare : sg::CustomOp {
  float scale;
  explicit ScaleSquare(float s) : scale(s) {}
  void forward(bool is_train, std::span<const OpReq> req, std::span<const NDArray> in,
               std::span<const NDArray> out, std::span<const NDArray> aux) override {
    assign(out[0], req[0], in[0] * in[0] * double(scale));
    assign(out[1], req[1], in[0] + in[1]);
    if (is_train) aux[0].data<float>()[0] += 1;
  }
  void backward(std::span<const OpReq> req, std::span<const NDArray> out_grad, std::span<const NDArray> in,
                std::span<const NDArray>, std::span<const NDArray> in_grad,
                std::span<const NDArray>) override {
    assign(in_grad[0], req[0], out_grad[0] * in[0] * double(2 * scale) + out_grad[1]);
    assign(in_grad[1], req[1], out_grad[1]);
  }
};
struct ScaleSquareProp : sg::CustomOpProp {
  float scale = 1;
  explicit ScaleSquareProp(const sg::AttrMap& kw) {
    if (auto it = kw.find("scale"); it != kw.end()) scale = std::stof(it->second);
  }
  std::vector<std::string> list_arguments() const override { return {"data", "bias"}; }
  std::vector<std::string> list_outputs() const override { return {"square", "shifted"}; }
  std::vector<std::string> list_auxiliary_states() const override { return {"calls"}; }
  Shapes infer_shape(const std::vector<sg::Shape>& in) const override {
    return {{in[0], in[0]}, {in[0], in[0]}, {sg::Shape{1}}};
  }
  std::shared_ptr<sg::CustomOp> create_operator(sg::Context, const std::vector<sg::Shape>&,
                                                const std::vector<sg::DType>&) const override {
    ++created;
    return std::make_shared<ScaleSquare>(scale);
  }
};

const bool registered = [] {
  sg::register_custom_op("test_softmax",
                         [](const sg::AttrMap&) { return std::make_shared<MySoftmaxProp>(); });
  sg::register_custom_op("test_scale_square",
                         [](const sg::AttrMap& kw) { return std::make_shared<ScaleSquareProp>(kw); });
  return true;
}();

}  // namespace

TEST_CASE("Custom: a softmax loss as a custom operator gives SoftmaxOutput's outputs and gradients") {
  REQUIRE(registered);
  NameManager names;
  Symbol fc = fully_connected(var("data"), {.num_hidden = 4, .name = "fc"});
  Symbol mine = custom({fc, var("label")}, {.op_type = "test_softmax", .name = "sm"});
  Symbol theirs = softmax_output(fc, var("label"), {.name = "sm"});
  CHECK(mine.list_arguments() == std::vector<std::string>{"data", "fc_weight", "fc_bias", "label"});
  CHECK(mine.list_outputs() == std::vector<std::string>{"sm_output"});
  auto x = sg::nd::random::uniform(-1, 1, {6, 3}, {.seed = 1});
  auto w = sg::nd::random::uniform(-1, 1, {4, 3}, {.seed = 2});
  NDArray label({0.f, 3.f, 1.f, 2.f, 3.f, 0.f});
  auto run = [&](const Symbol& s) {
    sg::Executor ex = s.simple_bind(sg::cpu(), {{"data", {6, 3}}, {"label", {6}}});
    ex.arg_dict().at("fc_weight").copy_from(w);
    ex.forward(true, {{"data", x}, {"label", label}});
    ex.backward();
    return std::pair{ex.outputs()[0].copy(), ex.grad_dict().at("fc_weight").copy()};
  };
  auto [y1, g1] = run(mine);
  auto [y2, g2] = run(theirs);
  CHECK(sg::nd::max_abs_diff(y1, y2) < 1e-6);
  CHECK(sg::nd::max_abs_diff(g1, g2) < 1e-6);
  CHECK(sg::nd::max_abs_diff(g1, sg::nd::zeros({4, 3})) > 0.1);
}

TEST_CASE("Custom: keyword arguments, two outputs, an auxiliary state, grad_req add, JSON round trip") {
  REQUIRE(registered);
  NameManager names;
  Symbol x = var("x"), b = var("b");
  Symbol c = custom({x, b}, {.op_type = "test_scale_square", .kwargs = {{"scale", "1.5"}}, .name = "cs"});
  CHECK(c.list_arguments() == std::vector<std::string>{"x", "b"});
  CHECK(c.list_auxiliary_states() == std::vector<std::string>{"cs_calls"});
  CHECK(c.list_outputs() == std::vector<std::string>{"cs_square", "cs_shifted"});
  auto [args, outs, aux] = c.infer_shape({{"x", {2, 3}}});
  CHECK(args.at(1) == sg::Shape{2, 3});
  CHECK(outs.at(1) == sg::Shape{2, 3});
  CHECK(aux.at(0) == sg::Shape{1});
  // a loss over both outputs: d/dx sum(y) + sum(z) = 3 x + 1, d/db = 1; only y's head reaches
  // through make_loss(sum(y)): group the two with a head gradient of ones
  auto xv = sg::nd::random::uniform(-1, 1, {2, 3}, {.seed = 4});
  auto bv = sg::nd::random::uniform(-1, 1, {2, 3}, {.seed = 5});
  const std::string json = c.tojson();
  CHECK(json.find("\"op_type\": \"test_scale_square\"") != std::string::npos);
  CHECK(json.find("\"scale\": \"1.5\"") != std::string::npos);
  for (const Symbol& s : {c, Symbol::load_json(json)}) {
    const int before = created;
    sg::Executor ex = s.simple_bind(sg::cpu(), {{"x", {2, 3}}, {"b", {2, 3}}}, {.grad_req = "add"});
    ex.forward(true, {{"x", xv}, {"b", bv}});
    CHECK(created == before + 1);
    CHECK(sg::nd::max_abs_diff(ex.outputs()[0], xv * xv * 1.5) < 1e-6);
    CHECK(sg::nd::max_abs_diff(ex.outputs()[1], xv + bv) < 1e-6);
    auto ones = sg::nd::ones({2, 3});
    ex.backward(std::vector<NDArray>{ones, ones * 2.0});
    CHECK(sg::nd::max_abs_diff(ex.grad_dict().at("x"), xv * 3.0 + 2.0) < 1e-5);
    CHECK(sg::nd::max_abs_diff(ex.grad_dict().at("b"), ones * 2.0) < 1e-6);
    ex.backward(std::vector<NDArray>{ones, ones * 2.0});  // grad_req add accumulates
    CHECK(sg::nd::max_abs_diff(ex.grad_dict().at("x"), xv * 6.0 + 4.0) < 1e-5);
    ex.forward(true, {{"x", xv}, {"b", bv}});
    CHECK(ex.aux_dict().at("cs_calls").to_vector<float>()[0] == 2);
    ex.forward(false, {{"x", xv}, {"b", bv}});
    CHECK(ex.aux_dict().at("cs_calls").to_vector<float>()[0] == 2);
    CHECK(created == before + 1);  // one operator per node
  }
}

TEST_CASE("Custom: an unknown op_type, a missing op_type and a wrong input count are clear errors") {
  NameManager names;
  CHECK_THROWS_WITH_AS(custom({var("x")}, {.op_type = "test_softmx"}),
                       doctest::Contains("Did you mean 'test_softmax'"), sg::NameError);
  CHECK_THROWS_WITH_AS(custom({var("x")}, {.op_type = "nothing_like_it"}),
                       doctest::Contains("call sg::register_custom_op(\"nothing_like_it\""), sg::NameError);
  const std::string json = custom({var("x"), var("y")}, {.op_type = "test_softmax", .name = "s"}).tojson();
  std::string no_type = json;
  no_type.replace(no_type.find("\"op_type\": \"test_softmax\""), 25, "\"op_typo\": \"test_softmax\"");
  CHECK_THROWS_WITH(Symbol::load_json(no_type), doctest::Contains("op_type attribute is required"));
  CHECK_THROWS_WITH_AS(custom({var("a"), var("b"), var("c")}, {.op_type = "test_softmax"}),
                       doctest::Contains("inputs"), sg::ValueError);
  CHECK_THROWS_AS(custom({var("x")}, {.op_type = "test_softmax", .kwargs = {{"op_type", "x"}}}),
                  sg::ValueError);
}
