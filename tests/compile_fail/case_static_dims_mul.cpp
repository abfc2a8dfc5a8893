// (4,3) * (3,4): the static dimensions differ.
// expect: static_shape_error<symgrad::fn::elemwise_mul
// expect: symgrad::StaticShape<4, 3>, symgrad::StaticShape<3, 4>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto a = var<"a">(symgrad::shape<4, 3>);
  auto b = var<"b">(symgrad::shape<3, 4>);
  auto c = exp(a) * b;
  (void)c;
}
