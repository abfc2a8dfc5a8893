// a 7x7 kernel on a 5x5 image.
// expect: static_shape_error<symgrad::ops::Convolution
// expect: kernel_larger_than_padded_input
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 3, 5, 5>);
  auto c = convolution<8, dims(7, 7)>(x);
  (void)c;
}
