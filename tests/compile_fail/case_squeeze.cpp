// squeeze<0> of an axis of size 2.
// expect: static_shape_error<symgrad::ops::Squeeze
// expect: symgrad::StaticShape<2, 1, 3>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<2, 1, 3>);
  auto y = squeeze<0>(x);
  (void)y;
}
