// adj must be smaller than stride: adj 2 with stride 2.
// expect: static_shape_error<symgrad::ops::Deconvolution
// expect: adj_must_be_smaller_than_stride
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 8, 7, 7>);
  auto d = deconvolution<4, dims(4, 4), dims(2, 2), dims(1, 1), dims(2, 2)>(x);
  (void)d;
}
