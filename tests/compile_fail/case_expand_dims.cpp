// expand_dims<3> of a rank-2 value.
// expect: static_shape_error<symgrad::ops::ExpandDims
// expect: symgrad::StaticShape<2, 3>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<2, 3>);
  auto y = expand_dims<3>(x);
  (void)y;
}
