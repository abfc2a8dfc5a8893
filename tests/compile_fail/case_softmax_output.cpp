// softmax_output of (?,7) logits with a (?,5) label: neither class indices nor probabilities.
// expect: static_shape_error<symgrad::ops::SoftmaxOutput
// expect: symgrad::StaticShape<-1, 7>, symgrad::StaticShape<-1, 5>
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto logits = var<"logits">(symgrad::shape<symgrad::dyn, 7>);
  auto label = var<"label">(symgrad::shape<symgrad::dyn, 5>);
  auto out = softmax_output(logits, label);
  (void)out;
}
