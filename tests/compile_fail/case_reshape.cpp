// reshape<5, -1>: 5 does not divide the 12 elements of a (3,4) value.
// expect: static_shape_error<symgrad::ops::Reshape
// expect: symgrad::StaticShape<3, 4>, symgrad::StaticShape<5, -1>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<3, 4>);
  auto y = reshape<5, -1>(x);
  (void)y;
}
