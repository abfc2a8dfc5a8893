// upsampling<2> of (4, 4) and (3, 3): 3 does not divide the output's 8.
// expect: static_shape_error<symgrad::ops::UpSampling
// expect: upsampling_input_does_not_divide_the_output
// expect: symgrad::StaticShape<1, 2, 4, 4>, symgrad::StaticShape<1, 3, 3, 3>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto a = var<"a">(symgrad::shape<1, 2, 4, 4>);
  auto b = var<"b">(symgrad::shape<1, 3, 3, 3>);
  auto u = upsampling<2>(a, b);
  (void)u;
}
