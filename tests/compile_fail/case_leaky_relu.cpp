// leaky_relu<"prelu"> on 1-d data: there is no channel axis for gamma.
// expect: static_shape_error<symgrad::ops::LeakyReLU
// expect: prelu_needs_a_channel_axis
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<8>);
  auto y = leaky_relu<"prelu">(x);
  (void)y;
}
