// argmax<-3> of a rank-2 value.
// expect: static_shape_error<symgrad::ops::ArgExtreme
// expect: axis_out_of_range
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"x">(symgrad::shape<2, 3>);
  auto a = argmax<-3>(x);
  (void)a;
}
