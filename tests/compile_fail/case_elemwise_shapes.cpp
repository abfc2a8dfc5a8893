// (?,1) - (?,3): elementwise operands must have one shape.
// expect: static_shape_error<symgrad::fn::elemwise_sub
// expect: symgrad::StaticShape<-1, 1>, symgrad::StaticShape<-1, 3>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto y = var<"y">(symgrad::shape<symgrad::dyn, 1>);
  auto l = var<"label">(symgrad::shape<symgrad::dyn, 3>);
  auto loss = make_loss(square(y - l));
  (void)loss;
}
