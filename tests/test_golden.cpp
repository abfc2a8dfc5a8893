// Golden tests: inputs, outputs and input gradients written by real MXNet 1.9.1
// (tests/reference/make_golden.py; files in tests/data/golden/). Each case rebuilds the same
// symbol here, feeds MXNet's inputs and head gradients, and compares (float32, 1e-5 relative).
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

void run_golden(const std::string& name, const Symbol& sym, double rtol = 1e-5, double atol = 1e-6) {
  std::string path = std::string(SYMGRAD_TEST_DATA) + "/golden/" + name + ".params";
  REQUIRE_MESSAGE(std::filesystem::exists(path), "missing golden file " << path);
  auto g = sg::nd::load(path);
  sg::ShapeDict shapes;
  for (const auto& [k, v] : g)
    if (k.starts_with("in:")) shapes[k.substr(3)] = v.shape();
  auto ex = sym.simple_bind(sg::cpu(), shapes, {.grad_req = std::vector<std::string>(sym.list_arguments().size(), "write")});
  for (const auto& [k, v] : g)
    if (k.starts_with("in:")) ex.arg_dict().at(k.substr(3)).copy_from(v);
  auto& outs = ex.forward(true);
  std::vector<sg::NDArray> heads;
  for (std::size_t i = 0; i < outs.size(); ++i) {
    auto it = g.find("head:" + std::to_string(i));
    heads.push_back(it == g.end() ? sg::NDArray() : it->second);
  }
  for (std::size_t i = 0; i < outs.size(); ++i)
    testing::check_close(outs[i], g.at("out:" + std::to_string(i)), rtol, atol, name + " output " + std::to_string(i));
  ex.backward(heads);
  int grads = 0;
  for (const auto& [k, v] : g)
    if (k.starts_with("grad:")) {
      testing::check_close(ex.grad_dict().at(k.substr(5)), v, rtol, atol, name + " gradient of " + k.substr(5));
      ++grads;
    }
  CHECK(grads > 0);
}

}  // namespace

TEST_CASE("golden: FullyConnected") {
  run_golden("fc_flatten", fully_connected(var("data"), {.num_hidden = 5, .name = "fc"}));
  run_golden("fc_noflatten", fully_connected(var("data"), {.num_hidden = 5, .flatten = false, .name = "fc"}));
  run_golden("fc_nobias", fully_connected(var("data"), {.num_hidden = 3, .no_bias = true, .name = "fc"}));
}

TEST_CASE("golden: Activation") {
  for (const char* t : {"relu", "sigmoid", "tanh", "softrelu", "softsign"}) {
    CAPTURE(t);
    run_golden(std::string("act_") + t, activation(var("data"), {.act_type = t, .name = "act"}));
  }
}

TEST_CASE("golden: unary math") {
  Symbol d = var("data");
  run_golden("unary_square", square(d, "u"));
  run_golden("unary_sqrt", sqrt(d, "u"));
  run_golden("unary_exp", exp(d, "u"));
  run_golden("unary_log", log(d, "u"));
  run_golden("unary_abs", abs(d, "u"));
  run_golden("unary_negative", negative(d, "u"));
}

TEST_CASE("golden: binary and scalar arithmetic") {
  Symbol l = var("lhs"), r = var("rhs"), d = var("data");
  run_golden("bin_add", l + r);
  run_golden("bin_sub", l - r);
  run_golden("bin_mul", l * r);
  run_golden("bin_div", l / r);
  run_golden("scalar_plus", d + 2.0);
  run_golden("scalar_minus", d - 2.0);
  run_golden("scalar_rminus", 2.0 - d);
  run_golden("scalar_mul", d * 3.0);
  run_golden("scalar_div", d / 4.0);
  run_golden("scalar_rdiv", 2.0 / d);
}

TEST_CASE("golden: MakeLoss, BlockGrad and the notebook's program") {
  Symbol d = var("data");
  run_golden("makeloss_null", make_loss(square(d), {.grad_scale = 2, .name = "ml"}));
  run_golden("makeloss_batch", make_loss(square(d), {.grad_scale = 2, .normalization = "batch", .name = "ml"}));
  run_golden("makeloss_valid", make_loss(d, {.grad_scale = 2, .valid_thresh = 0.1, .normalization = "valid", .name = "ml"}));
  run_golden("blockgrad", group({block_grad(d * 2.0), make_loss(square(d))}));
  Symbol y = fully_connected(var("data"), {.num_hidden = 1, .name = "fc"});
  run_golden("notebook", group({block_grad(y), make_loss(square(y - var("label")))}));
}
