// concat<1> of (2,3) and (4,3): the inputs differ outside dim 1.
// expect: static_shape_error<symgrad::ops::Concat
// expect: symgrad::StaticShape<2, 3>, symgrad::StaticShape<4, 3>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto a = var<"a">(symgrad::shape<2, 3>);
  auto b = var<"b">(symgrad::shape<4, 3>);
  auto c = concat<1>(a, b);
  (void)c;
}
