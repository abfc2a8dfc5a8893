// lrn of a 3-d value: it needs 4-d data (batch, channel, height, width).
// expect: lrn: data must be 4-d
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 3, 16>);
  auto y = lrn(x, {.nsize = 3});
  (void)y;
}
