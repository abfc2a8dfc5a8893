// A user's program: build the notebook's graph, train one step, print the gradient of the bias.
#include <iostream>
#include <symgrad/symgrad.hpp>
#include <xsimd/xsimd.hpp>

namespace sg = symgrad;
using namespace sg::sym;

#ifdef SYMGRAD_CONSUMER_EXTRA
double second_file_sum(const sg::NDArray& a);
#endif

int main() {
  Symbol y = fully_connected(var("data"), {.num_hidden = 1});
  Symbol loss = make_loss(square(y - var("label")));
  Executor ex = group({block_grad(y), loss}).simple_bind(sg::cpu(), {{"data", {4, 2}}});
  ex.forward(true, {{"data", sg::nd::ones({4, 2})}, {"label", sg::nd::ones({4, 1})}});
  ex.backward();
  // zero weights: d/db Σ (0 - 1)² = -2 · 4
  double db = ex.grad_dict().at("fullyconnected0_bias").item();
  std::cout << "bias gradient " << db << ", simd " << xsimd::default_arch::name() << "\n";
#ifdef SYMGRAD_CONSUMER_EXTRA
  if (second_file_sum(sg::nd::ones({4, 2})) != 8.0) return 1;
#endif
  return db == -8.0 ? 0 : 1;
}
