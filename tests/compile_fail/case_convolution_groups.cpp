// 3 input channels in 2 groups.
// expect: static_shape_error<symgrad::ops::Convolution
// expect: channels_must_divide_by_num_group
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 3, 8, 8>);
  auto c = convolution<4, dims(3, 3), dims(1, 1), dims(0, 0), dims(1, 1), 2>(x);
  (void)c;
}
