// exec/: binding, forward/backward semantics (write/add/null, block_grad, group, make_loss,
// shared symbols), head gradients, errors, allocation-free steps.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <new>
#include <symgrad/symgrad.hpp>

#include "alloc_counter.hpp"
#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

Symbol notebook_graph() {
  Symbol x = var("data");
  Symbol y = fully_connected(x, {.num_hidden = 1});
  Symbol label = var("label");
  Symbol loss = make_loss(square(y - label));
  return group({block_grad(y), loss});
}

// Closed-form gradients of Σ (w·x_i + b - l_i)² for the notebook's graph.
struct Closed {
  std::vector<double> dw{0, 0};
  double db = 0;
  std::vector<double> dlabel, ddata;
};
Closed closed_form(const sg::NDArray& x, const sg::NDArray& l, const sg::NDArray& w, const sg::NDArray& b) {
  Closed c;
  auto n = x.shape()[0];
  for (std::int64_t i = 0; i < n; ++i) {
    double y = w.at_flat(0) * x.at_flat(2 * i) + w.at_flat(1) * x.at_flat(2 * i + 1) + b.at_flat(0);
    double d = y - l.at_flat(i);
    c.dw[0] += 2 * d * x.at_flat(2 * i);
    c.dw[1] += 2 * d * x.at_flat(2 * i + 1);
    c.db += 2 * d;
    c.dlabel.push_back(-2 * d);
    c.ddata.push_back(2 * d * w.at_flat(0));
    c.ddata.push_back(2 * d * w.at_flat(1));
  }
  return c;
}

}  // namespace

TEST_CASE("the notebook's program: simple_bind, forward, backward, closed-form gradients") {
  NameManager names;
  Symbol net = notebook_graph();
  Executor ex = net.simple_bind(sg::cpu(), {{"data", {32, 2}}});
  CHECK(ex.arg_arrays().size() == 4);
  CHECK(ex.arg_dict().at("label").shape() == sg::Shape{32, 1});
  for (auto& a : ex.arg_arrays()) CHECK(sg::nd::max_abs_diff(a, sg::nd::zeros_like(a)) == 0);  // zero-filled

  auto x = sg::nd::random::uniform(0, 1, {32, 2}, {.seed = 1});
  auto l = sg::nd::random::uniform(0, 1, {32, 1}, {.seed = 2});
  ex.arg_dict().at("fullyconnected0_weight").copy_from(sg::NDArray({{0.3, -0.7}}));
  ex.arg_dict().at("fullyconnected0_bias").copy_from(sg::NDArray({0.1}));
  auto& outs = ex.forward(true, {{"data", x}, {"label", l}});
  REQUIRE(outs.size() == 2);
  for (std::int64_t i = 0; i < 32; ++i) {
    double y = 0.3 * x.at_flat(2 * i) - 0.7 * x.at_flat(2 * i + 1) + 0.1;
    CHECK(outs[0].at_flat(i) == doctest::Approx(y).epsilon(1e-6));
    CHECK(outs[1].at_flat(i) == doctest::Approx((y - l.at_flat(i)) * (y - l.at_flat(i))).epsilon(1e-5));
  }
  ex.backward();
  auto c =
      closed_form(x, l, ex.arg_dict().at("fullyconnected0_weight"), ex.arg_dict().at("fullyconnected0_bias"));
  CHECK(ex.grad_arrays()[1].at_flat(0) == doctest::Approx(c.dw[0]).epsilon(1e-5));
  CHECK(ex.grad_arrays()[1].at_flat(1) == doctest::Approx(c.dw[1]).epsilon(1e-5));
  CHECK(ex.grad_arrays()[2].at_flat(0) == doctest::Approx(c.db).epsilon(1e-5));
  for (std::int64_t i = 0; i < 32; ++i) {
    CHECK(ex.grad_dict().at("label").at_flat(i) == doctest::Approx(c.dlabel[i]).epsilon(1e-5));
    CHECK(ex.grad_dict().at("data").at_flat(2 * i) == doctest::Approx(c.ddata[2 * i]).epsilon(1e-5));
  }
}

TEST_CASE("typed expressions build the same graph, fused, with the same numbers") {
  sg::NDArray x = sg::nd::random::uniform(-1, 1, {16, 2}, {.seed = 5});
  sg::NDArray l = sg::nd::random::uniform(-1, 1, {16, 1}, {.seed = 6});
  auto run = [&](const Symbol& net) {
    Executor ex = net.simple_bind(sg::cpu(), {{"data", {16, 2}}});
    ex.arg_dict().at("fullyconnected0_weight").copy_from(sg::NDArray({{0.5, 0.25}}));
    ex.forward(true, {{"data", x}, {"label", l}});
    ex.backward();
    std::vector<sg::NDArray> r;
    for (auto& g : ex.grad_arrays()) r.push_back(g.copy());
    r.push_back(ex.outputs()[1].copy());
    return std::make_pair(r, ex.debug_str());
  };
  std::pair<std::vector<sg::NDArray>, std::string> plain, typed;
  {
    NameManager names;
    plain = run(notebook_graph());
  }
  {
    NameManager names;
    auto tx = var<"data">(sg::shape<sg::dyn, 2>);
    auto ty = fully_connected<1>(tx);
    auto tl = var<"label">(sg::shape<sg::dyn, 1>);
    auto tloss = make_loss(square(ty - tl));
    static_assert(decltype(ty)::shape == sg::Shape{sg::dyn, 1});
    Symbol s = group({block_grad(ty), tloss});
    CHECK(s.list_arguments() ==
          std::vector<std::string>{"data", "fullyconnected0_weight", "fullyconnected0_bias", "label"});
    auto internals = s.get_internals().list_outputs();  // MXNet's names survive fusion
    CHECK(std::find(internals.begin(), internals.end(), "_minus0_output") != internals.end());
    CHECK(std::find(internals.begin(), internals.end(), "square0_output") != internals.end());
    typed = run(s);
  }
  REQUIRE(plain.first.size() == typed.first.size());
  for (std::size_t i = 0; i < plain.first.size(); ++i)
    CHECK(sg::nd::max_abs_diff(plain.first[i], typed.first[i]) <= 1e-5);
  // one fused kernel each way instead of _minus0 + square0 and their two backward kernels
  CHECK(typed.second.find("_fused[square(elemwise_sub(x0, x1))]") != std::string::npos);
  CHECK(typed.second.find("_backward_fused[") != std::string::npos);
  CHECK(plain.second.find("_fused") == std::string::npos);
}

TEST_CASE("grad_req write, add and null") {
  NameManager names;
  Symbol y = fully_connected(var("data"), {.num_hidden = 2, .name = "fc"});
  Symbol loss = make_loss(square(y));
  auto x = sg::nd::random::uniform(-1, 1, {4, 3}, {.seed = 9});
  auto w = sg::nd::random::uniform(-1, 1, {2, 3}, {.seed = 10});
  auto once = [&](const sg::GradReq& req) {
    Executor ex = loss.simple_bind(sg::cpu(), {{"data", {4, 3}}}, {.grad_req = req});
    ex.arg_dict().at("fc_weight").copy_from(w);
    ex.forward(true, {{"data", x}});
    ex.backward();
    return ex;
  };
  Executor a = once("write");
  sg::NDArray g1 = a.grad_dict().at("fc_weight").copy();
  a.backward();
  CHECK(sg::nd::max_abs_diff(a.grad_dict().at("fc_weight"), g1) == 0);  // write overwrites
  Executor b = once("add");
  b.backward();
  CHECK(sg::nd::max_abs_diff(b.grad_dict().at("fc_weight"), g1 * 2.0) <= 1e-5);  // add accumulates
  CHECK(sg::nd::max_abs_diff(b.grad_dict().at("data"), a.grad_dict().at("data") * 2.0) <= 1e-5);
  Executor c = once(std::map<std::string, std::string>{{"fc_weight", "write"}});
  CHECK(c.grad_arrays()[0].is_none());  // unlisted arguments get null, as in MXNet
  CHECK(c.grad_req()[2] == sg::OpReq::null);
  CHECK_THROWS_WITH_AS(c.grad_dict().at("data"), doctest::Contains("grad_req 'null'"), sg::ValueError);
  CHECK(sg::nd::max_abs_diff(c.grad_dict().at("fc_weight"), g1) == 0);
  CHECK_THROWS_AS(once("sometimes"), sg::ValueError);
  CHECK_THROWS_WITH_AS(once(std::map<std::string, std::string>{{"fc_weigth", "write"}}),
                       doctest::Contains("Did you mean 'fc_weight'"), sg::NameError);
}

TEST_CASE("block_grad: zero gradient to its input; group outputs need no head gradient") {
  NameManager names;
  Symbol x = var("x");
  Symbol net = group({block_grad(x * 3.0), make_loss(square(x))});
  Executor ex = net.simple_bind(sg::cpu(), {{"x", {5}}});
  auto xv = sg::NDArray({1, 2, 3, 4, 5});
  ex.forward(true, {{"x", xv}});
  CHECK(ex.outputs()[0].to_vector<float>() == std::vector<float>{3, 6, 9, 12, 15});
  ex.backward();
  CHECK(ex.grad_dict().at("x").to_vector<float>() == std::vector<float>{2, 4, 6, 8, 10});  // only the loss
  Symbol only = block_grad(x);
  Executor e2 = only.simple_bind(sg::cpu(), {{"x", {5}}});
  e2.grad_dict().at("x").fill(7);
  e2.forward(true, {{"x", xv}});
  e2.backward();
  CHECK(e2.grad_dict().at("x").to_vector<float>() == std::vector<float>(5, 0.0f));  // write -> zeros
}

TEST_CASE("make_loss: grad_scale and normalization null, batch, valid") {
  NameManager names;
  Symbol x = var("x");
  auto xv = sg::NDArray({{-1.0, 0.5, 2.0}, {0.05, 3.0, -0.2}});
  auto grad_of = [&](const MakeLossOptions& o) {
    Executor ex = make_loss(x, o).simple_bind(sg::cpu(), {{"x", {2, 3}}});
    ex.forward(true, {{"x", xv}});
    ex.backward();
    return ex.grad_dict().at("x").to_vector<float>();
  };
  CHECK(grad_of({}) == std::vector<float>(6, 1.0f));
  CHECK(grad_of({.grad_scale = 2.5}) == std::vector<float>(6, 2.5f));
  CHECK(grad_of({.grad_scale = 3, .normalization = "batch"}) == std::vector<float>(6, 1.5f));  // 2 rows
  // valid: grad_scale / #(x > valid_thresh) = 2 / 3 (0.5, 2.0, 3.0 exceed 0.1)
  for (float g : grad_of({.grad_scale = 2, .valid_thresh = 0.1, .normalization = "valid"}))
    CHECK(g == doctest::Approx(2.0 / 3.0));
  // batch on 1-D data divides by nothing (the 2-D view has one row)
  Executor ex = make_loss(x, {.normalization = "batch"}).simple_bind(sg::cpu(), {{"x", {4}}});
  ex.forward(true);
  ex.backward();
  CHECK(ex.grad_dict().at("x").to_vector<float>() == std::vector<float>(4, 1.0f));
}

TEST_CASE("a symbol used twice accumulates its gradient") {
  NameManager names;
  Symbol x = var("x");
  Symbol y = make_loss(x * x + 3.0 * x);
  Executor ex = y.simple_bind(sg::cpu(), {{"x", {3}}});
  ex.forward(true, {{"x", sg::NDArray({1, -2, 0.5})}});
  ex.backward();
  auto g = ex.grad_dict().at("x").to_vector<float>();
  CHECK(g[0] == doctest::Approx(5.0));
  CHECK(g[1] == doctest::Approx(-1.0));
  CHECK(g[2] == doctest::Approx(4.0));
}

TEST_CASE("head gradients: required for non-loss outputs, by position or by name") {
  NameManager names;
  Symbol x = var("x");
  Symbol y = square(x, "sq");
  Executor ex = y.simple_bind(sg::cpu(), {{"x", {3}}});
  ex.forward(true, {{"x", sg::NDArray({1, 2, 3})}});
  CHECK_THROWS_WITH_AS(ex.backward(), doctest::Contains("output 'sq_output' (index 0) is not a loss"),
                       sg::ValueError);
  ex.backward(sg::NDArray({1, 1, 0.5}));
  CHECK(ex.grad_dict().at("x").to_vector<float>() == std::vector<float>{2, 4, 3});
  ex.backward(std::map<std::string, sg::NDArray>{{"sq_output", sg::NDArray({1, 0, 0})}});
  CHECK(ex.grad_dict().at("x").to_vector<float>() == std::vector<float>{2, 0, 0});
  CHECK_THROWS_AS(ex.backward(sg::NDArray({1, 2})), sg::ShapeError);
  CHECK_THROWS_AS(ex.backward(std::map<std::string, sg::NDArray>{{"sq", sg::NDArray({1, 0, 0})}}),
                  sg::NameError);
  // grouping a non-loss output asks for its head gradient, naming it
  Symbol g = group({y, make_loss(x)});
  Executor e2 = g.simple_bind(sg::cpu(), {{"x", {3}}});
  e2.forward(true);
  CHECK_THROWS_WITH(e2.backward(), doctest::Contains("sq_output"));
  e2.backward({sg::nd::zeros({3})});
  CHECK(e2.grad_dict().at("x").to_vector<float>() == std::vector<float>(3, 1.0f));
}

TEST_CASE("forward: bad inputs are clear errors; backward needs a training forward") {
  NameManager names;
  Symbol net = notebook_graph();
  Executor ex = net.simple_bind(sg::cpu(), {{"data", {32, 2}}});
  auto unknown = testing::error_message<sg::NameError>([&] {
    ex.forward(true, {{"dta", sg::nd::zeros({32, 2})}});
  });
  CHECK(unknown.find("'dta' is not an argument") != std::string::npos);
  CHECK(unknown.find("Did you mean 'data'") != std::string::npos);
  auto wrong = testing::error_message<sg::ShapeError>([&] {
    ex.forward(true, {{"data", sg::nd::zeros({16, 2})}});
  });
  CHECK(wrong.find("must have shape (32, 2)") != std::string::npos);
  CHECK(wrong.find("has shape (16, 2)") != std::string::npos);
  CHECK_THROWS_WITH_AS(ex.backward(), doctest::Contains("forward(is_train=true) first"), sg::ValueError);
  ex.forward(false);
  CHECK_THROWS_AS(ex.backward(), sg::ValueError);
  Executor unbound;
  CHECK_THROWS_WITH_AS(unbound.forward(), doctest::Contains("not bound"), sg::ValueError);
  CHECK_THROWS_WITH_AS(net.simple_bind(sg::cpu(), {{"data", {32, 2}}, {"labl", {32, 1}}}),
                       doctest::Contains("Did you mean 'label'"), sg::NameError);
  CHECK_THROWS_AS(net.simple_bind(sg::gpu(0), {{"data", {32, 2}}}), sg::DeviceError);
  CHECK_THROWS_WITH_AS(net.simple_bind(sg::cpu(), {}), doctest::Contains("cannot decide"), sg::ShapeError);
}

TEST_CASE("simple_bind of an absurd shape is a clear error before any allocation") {
  NameManager names;
  Symbol y = relu(var("x"));
  const std::int64_t big = std::int64_t{1} << 31;
  // 2^62 float32s: 2^64 bytes, a product that wraps to 0 in size_t
  CHECK_THROWS_WITH_AS(y.simple_bind(sg::cpu(), {{"x", {big, big}}}),
                       doctest::Contains("(2147483648, 2147483648)"), sg::DeviceError);
  // a dimension beyond int64: the shape rule that meets it names itself
  CHECK_THROWS_WITH_AS(tile(var("x"), {big * 4, 1}).simple_bind(sg::cpu(), {{"x", {big, 2}}}),
                       doctest::Contains("(tile)"), sg::ShapeError);
}

TEST_CASE("duplicate variable names cannot be bound") {
  NameManager names;
  Symbol s = var("x") + square(var("x"));
  CHECK_THROWS_WITH_AS(s.simple_bind(sg::cpu(), {{"x", {3}}}),
                       doctest::Contains("two different variables are named 'x'"), sg::NameError);
}

TEST_CASE("bind with the caller's arrays; copy_params_from; re-assigned arrays are followed") {
  NameManager names;
  Symbol y = make_loss(fully_connected(var("data"), {.num_hidden = 1, .name = "fc"}));
  sg::NDArray x({{1, 2}, {3, 4}}), w({{0.5, -1}}), b({0.25});
  sg::NDArray gw(sg::Shape{1, 2});
  Executor ex = y.bind(sg::cpu(), {{"data", x}, {"fc_weight", w}, {"fc_bias", b}}, {{"fc_weight", gw}});
  CHECK(ex.grad_arrays()[0].is_none());  // no gradient array given: none computed
  CHECK(ex.grad_arrays()[2].is_none());
  ex.forward(true);
  CHECK(ex.outputs()[0].to_vector<float>() == std::vector<float>{-1.25, -2.25});
  ex.backward();
  CHECK(gw.to_vector<float>() == std::vector<float>{4, 6});  // written into the caller's array
  ex.copy_params_from({{"fc_bias", sg::NDArray({1.25})}});
  CHECK(ex.forward(false)[0].to_vector<float>() == std::vector<float>{-0.25, -1.25});
  CHECK_THROWS_AS(ex.copy_params_from({{"fc_bais", sg::NDArray({1})}}), sg::NameError);
  ex.copy_params_from({{"other", sg::NDArray({1})}}, {}, true);
  ex.arg_dict().at("fc_weight") = sg::NDArray({{1, 1}});  // a new array in place of the old
  CHECK(ex.forward(false)[0].to_vector<float>() == std::vector<float>{4.25, 8.25});
  ex.arg_dict().at("fc_weight") = sg::NDArray({1, 1});
  CHECK_THROWS_AS(ex.forward(false), sg::ValueError);
  CHECK_THROWS_AS(y.bind(sg::cpu(), {{"data", x}}), sg::NameError);
  CHECK_THROWS_AS(y.bind(sg::cpu(), {{"data", x}, {"fc_weight", sg::NDArray({{1, 2, 3}})}, {"fc_bias", b}}),
                  sg::ShapeError);
}

TEST_CASE("forward and backward allocate nothing after bind") {
  NameManager names;
  Symbol net = notebook_graph();
  Executor ex = net.simple_bind(sg::cpu(), {{"data", {4096, 2}}});
  auto x = sg::nd::random::uniform(0, 1, {4096, 2}, {.seed = 1});
  ex.forward(true, {{"data", x}});  // warm-up (thread pool start-up)
  ex.backward();
  testing::AllocCounter counter;
  for (int i = 0; i < 3; ++i) {
    ex.forward(true, {{"data", x}});
    ex.backward();
  }
  CHECK(counter.count() == 0);
}
