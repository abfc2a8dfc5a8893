// tile<0, 2>: reps must be positive.
// expect: static_shape_error<symgrad::ops::Tile
// expect: symgrad::StaticShape<0, 2>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<2, 3>);
  auto t = tile<0, 2>(x);
  (void)t;
}
