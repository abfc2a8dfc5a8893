// minimum of (3,) and (4,): elementwise operands must have one shape.
// expect: static_shape_error<symgrad::fn::minimum
// expect: symgrad::StaticShape<3>, symgrad::StaticShape<4>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto a = var<"a">(symgrad::shape<3>);
  auto b = var<"b">(symgrad::shape<4>);
  auto c = minimum(clip(a, 0, 1), b);
  (void)c;
}
