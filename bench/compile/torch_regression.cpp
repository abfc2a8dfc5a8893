// The same program with libtorch, for bench/compile_time.sh: a one-output linear layer, the
// squared error, one backward pass, the parameters and their gradients printed.
#include <torch/torch.h>
#include <iostream>

int main() {
  torch::nn::Linear fc(2, 1);
  auto data = torch::rand({32, 2});
  auto label = torch::rand({32, 1});

  auto y = fc->forward(data);
  auto loss = (y - label).square().sum();
  loss.backward();

  for (const auto& p : fc->named_parameters()) std::cout << p.key() << " " << p.value().sizes() << "\n";
  std::cout << "fc_weight:" << fc->weight << ", fc_weights_grad:" << fc->weight.grad() << "\n";
  std::cout << "fc_bias:" << fc->bias << ", fc_bias_grad:" << fc->bias.grad() << "\n";
  std::cout << "prediction " << y.detach().sizes() << "\n";
  return 0;
}
