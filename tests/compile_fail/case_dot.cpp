// dot of (2,3) and (4,5): the contracted dimensions differ.
// expect: static_shape_error<symgrad::ops::Dot
// expect: symgrad::StaticShape<2, 3>, symgrad::StaticShape<4, 5>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto a = var<"a">(symgrad::shape<2, 3>);
  auto b = var<"b">(symgrad::shape<4, 5>);
  auto c = dot(a, b);
  (void)c;
}
