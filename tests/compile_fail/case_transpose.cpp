// transpose<0, 0, 1>: not a permutation.
// expect: static_shape_error<symgrad::ops::Transpose
// expect: axes_are_not_a_permutation
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<2, 3, 4>);
  auto y = transpose<0, 0, 1>(x);
  (void)y;
}
