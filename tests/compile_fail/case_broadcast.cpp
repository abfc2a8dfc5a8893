// broadcast_add of (2,3) and (4,): axis 1 is 3 against 4.
// expect: static_shape_error<symgrad::ops::Broadcast<symgrad::fn::elemwise_add>
// expect: symgrad::StaticShape<2, 3>, symgrad::StaticShape<4>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto a = var<"a">(symgrad::shape<2, 3>);
  auto b = var<"b">(symgrad::shape<4>);
  auto c = broadcast_add(a, b);
  (void)c;
}
