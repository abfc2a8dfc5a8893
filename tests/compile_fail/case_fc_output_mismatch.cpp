// fully_connected<1> gives (?,1), which cannot be added to a (?,2) value.
// expect: static_shape_error<symgrad::fn::elemwise_add
// expect: symgrad::StaticShape<-1, 1>, symgrad::StaticShape<-1, 2>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 2>);
  auto y = fully_connected<1>(x) + x;
  (void)y;
}
