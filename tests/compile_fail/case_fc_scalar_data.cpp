// fully_connected on a rank-0 value.
// expect: static_shape_error<symgrad::ops::FullyConnected
// expect: data_must_have_at_least_1_dimension
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<>);
  auto y = fully_connected<4>(x);
  (void)y;
}
