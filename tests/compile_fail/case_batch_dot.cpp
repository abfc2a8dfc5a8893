// batch_dot of (7,2,3) and (6,3,4): the batch dimensions differ.
// expect: static_shape_error<symgrad::ops::Dot
// expect: symgrad::StaticShape<7, 2, 3>, symgrad::StaticShape<6, 3, 4>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto a = var<"a">(symgrad::shape<7, 2, 3>);
  auto b = var<"b">(symgrad::shape<6, 3, 4>);
  auto c = batch_dot(a, b);
  (void)c;
}
