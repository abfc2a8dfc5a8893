// broadcast_to<2, 4> of (3, 1): axis 0 has size 3, neither 1 nor 2.
// expect: static_shape_error<symgrad::ops::BroadcastTo
// expect: symgrad::StaticShape<3, 1>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<3, 1>);
  auto y = broadcast_to<2, 4>(x);
  (void)y;
}
