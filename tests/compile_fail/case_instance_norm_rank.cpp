// instance_norm of a rank-2 value: it needs (batch, channel, spatial...).
// expect: instance_norm: data must be (batch, channel, spatial...), rank 3 or more
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 3>);
  auto y = instance_norm(x);
  (void)y;
}
