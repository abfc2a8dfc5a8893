// The notebook's first program, as a user writes it: a one-output regression whose loss is
// built with make_loss, grouped with the block_grad-ed prediction; bind, one forward/backward
// step, print the parameters and their gradients. bench/compile_time.sh times compiling it.
#include <iostream>
#include <symgrad/symgrad.hpp>

namespace sg = symgrad;
using namespace sg::sym;

int main() {
  Symbol x = var("data");
  Symbol y = fully_connected(x, {.num_hidden = 1});
  Symbol label = var("label");
  Symbol loss = make_loss(square(y - label));
  Symbol pred_loss = group({block_grad(y), loss});
  Executor ex = pred_loss.simple_bind(sg::cpu(), {{"data", {32, 2}}});

  // test
  auto test_data = sg::nd::random::uniform(0, 1, {32, 2});
  auto test_label = sg::nd::random::uniform(0, 1, {32, 1}, {.seed = 1});

  ex.forward(/*is_train=*/true, {{"data", test_data}, {"label", test_label}});
  ex.backward();

  for (auto [name, arr] : ex.arg_dict()) std::cout << name << " " << arr.shape() << "\n";
  const sg::NDArray& fc_weights = ex.arg_dict().at("fullyconnected0_weight");
  const sg::NDArray& fc_weights_grad = ex.grad_arrays()[1];
  const sg::NDArray& fc_bias = ex.arg_dict().at("fullyconnected0_bias");
  const sg::NDArray& fc_bias_grad = ex.grad_arrays()[2];

  std::cout << "fc_weight:" << fc_weights << ", fc_weights_grad:" << fc_weights_grad << "\n";
  std::cout << "fc_bias:" << fc_bias << ", fc_bias_grad:" << fc_bias_grad << "\n";
  return 0;
}
