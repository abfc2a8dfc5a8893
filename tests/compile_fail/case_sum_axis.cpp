// sum<2> of a rank-2 value.
// expect: static_shape_error<symgrad::ops::Reduce
// expect: symgrad::StaticShape<2, 3>, symgrad::StaticShape<2>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<2, 3>);
  auto s = sum<2>(x);
  (void)s;
}
