// a 2-d pooling kernel on 1-d data.
// expect: static_shape_error<symgrad::ops::Pooling
// expect: pooling_data_or_kernel_does_not_fit
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 3, 16>);
  auto p = pooling<dims(2, 2)>(x);
  (void)p;
}
