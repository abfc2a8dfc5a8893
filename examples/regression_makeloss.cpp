// The notebook's MakeLoss program in C++: a one-output linear regression whose loss is built
// with make_loss, grouped with the block_grad-ed prediction so that both can be read back.
//
//   x = var("data"); y = fully_connected(x, num_hidden=1); label = var("label")
//   loss = make_loss(square(y - label)); pred_loss = group({block_grad(y), loss})
//   ex = pred_loss.simple_bind(cpu(), data=(32,2)); ex.forward(is_train=true); ex.backward()
//
// It prints the arguments and the gradients, checks them against the closed form
// dW = Σ 2(y-l)·x, db = Σ 2(y-l), trains 200 SGD steps on y = 3·x0 - 2·x1 + 1 and checks the
// recovered weights; then builds the same graph as a typed (compile-time checked, fused)
// expression and checks that it gives the same numbers. Exits non-zero on any mismatch.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <symgrad/symgrad.hpp>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cerr << "MISMATCH: " << what << "\n";
    ++failures;
  }
}

// dW and db of Σ (w·x_i + b - l_i)² by hand.
std::pair<std::vector<double>, double> closed_form(const sg::NDArray& x, const sg::NDArray& l,
                                                   const sg::NDArray& w, const sg::NDArray& b) {
  std::vector<double> dw(2, 0.0);
  double db = 0;
  for (std::int64_t i = 0; i < x.shape()[0]; ++i) {
    double y = w.at_flat(0) * x.at_flat(2 * i) + w.at_flat(1) * x.at_flat(2 * i + 1) + b.at_flat(0);
    double d = y - l.at_flat(i);
    dw[0] += 2 * d * x.at_flat(2 * i);
    dw[1] += 2 * d * x.at_flat(2 * i + 1);
    db += 2 * d;
  }
  return {dw, db};
}

// Labels of the target function y = 3·x0 - 2·x1 + 1.
sg::NDArray target(const sg::NDArray& x) {
  auto v = x.view<float>();
  sg::NDArray l(sg::Shape{x.shape()[0], 1});
  auto lv = l.view<float>();
  for (std::size_t i = 0; i < v.shape(0); ++i) lv(i, 0) = 3 * v(i, 0) - 2 * v(i, 1) + 1;
  return l;
}

}  // namespace

int main() {
  constexpr int batch = 32;
  Symbol x = var("data");
  Symbol y = fully_connected(x, {.num_hidden = 1});
  Symbol label = var("label");
  Symbol loss = make_loss(square(y - label));
  Symbol pred_loss = group({block_grad(y), loss});

  Executor ex = pred_loss.simple_bind(sg::cpu(), {{"data", {batch, 2}}});
  sg::nd::random::Generator gen(2017);
  auto data = sg::nd::random::uniform(0, 1, {batch, 2}, gen);
  auto labels = sg::nd::random::uniform(0, 1, {batch, 1}, gen);
  // Start from non-zero weights so the check exercises every term.
  ex.arg_dict().at("fullyconnected0_weight").copy_from(sg::NDArray({{0.2, -0.1}}));
  ex.arg_dict().at("fullyconnected0_bias").copy_from(sg::NDArray({0.05}));

  ex.forward(true, {{"data", data}, {"label", labels}});
  ex.backward();

  std::cout << "arg_dict:\n";
  for (auto [name, arr] : ex.arg_dict()) std::cout << "  " << name << " " << arr.shape() << "\n";
  const auto& w = ex.arg_dict().at("fullyconnected0_weight");
  const auto& b = ex.arg_dict().at("fullyconnected0_bias");
  std::cout << "fc_weight:\n" << w << "\nfc_weight_grad (grad_arrays[1]):\n" << ex.grad_arrays()[1] << "\n";
  std::cout << "fc_bias:\n" << b << "\nfc_bias_grad (grad_arrays[2]):\n" << ex.grad_arrays()[2] << "\n";

  auto [dw, db] = closed_form(data, labels, w, b);
  std::printf("closed form: dW = [%.6f %.6f], db = %.6f\n", dw[0], dw[1], db);
  auto close = [](double a, double e) { return std::fabs(a - e) <= 1e-4 * (1 + std::fabs(e)); };
  expect(close(ex.grad_arrays()[1].at_flat(0), dw[0]) && close(ex.grad_arrays()[1].at_flat(1), dw[1]), "dW");
  expect(close(ex.grad_arrays()[2].at_flat(0), db), "db");

  // 200 SGD steps on fresh batches of y = 3·x0 - 2·x1 + 1. The loss is a sum over the batch,
  // so the step is scaled by 1/batch (what Module's rescale_grad does).
  const float lr = 0.5f / batch;
  for (int step = 0; step < 200; ++step) {
    auto xb = sg::nd::random::uniform(-1, 1, {batch, 2}, gen);
    ex.forward(true, {{"data", xb}, {"label", target(xb)}});
    ex.backward();
    for (const char* p : {"fullyconnected0_weight", "fullyconnected0_bias"}) {
      auto param = ex.arg_dict().at(p).view<float>();  // zero-copy xtensor views
      param -= lr * ex.grad_dict().at(p).view<float>();
    }
  }
  std::printf("after 200 SGD steps: w = [%.5f %.5f], b = %.5f (target 3, -2, 1)\n", w.at_flat(0),
              w.at_flat(1), b.at_flat(0));
  expect(std::fabs(w.at_flat(0) - 3) < 1e-3 && std::fabs(w.at_flat(1) + 2) < 1e-3 &&
             std::fabs(b.at_flat(0) - 1) < 1e-3,
         "recovered weights");

  // The same graph as a typed expression: shapes checked by the compiler, (y - label)² fused.
  auto tx = var<"data">(sg::shape<sg::dyn, 2>);
  auto ty = fully_connected<1>(tx, {.name = "fc_typed"});
  auto tl = var<"label">(sg::shape<sg::dyn, 1>);
  Symbol typed = group({block_grad(ty), make_loss(square(ty - tl))});
  Executor tex = typed.simple_bind(sg::cpu(), {{"data", {batch, 2}}});
  tex.arg_dict().at("fc_typed_weight").copy_from(sg::NDArray({{0.2, -0.1}}));
  tex.arg_dict().at("fc_typed_bias").copy_from(sg::NDArray({0.05}));
  tex.forward(true, {{"data", data}, {"label", labels}});
  tex.backward();
  std::printf("typed expression: dW = [%.6f %.6f], db = %.6f\n", tex.grad_arrays()[1].at_flat(0),
              tex.grad_arrays()[1].at_flat(1), tex.grad_arrays()[2].at_flat(0));
  expect(close(tex.grad_arrays()[1].at_flat(0), dw[0]) && close(tex.grad_arrays()[1].at_flat(1), dw[1]) &&
             close(tex.grad_arrays()[2].at_flat(0), db),
         "typed expression gradients");

  std::cout << (failures ? "FAILED\n" : "all checks passed\n");
  return failures ? 1 : 0;
}
