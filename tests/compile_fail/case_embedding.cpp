// embedding with output_dim 0.
// expect: static_shape_error<symgrad::ops::Embedding
// expect: embedding_dims_must_be_positive
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto w = var<"words">(symgrad::shape<symgrad::dyn, 7>);
  auto e = embedding<100, 0>(w);
  (void)e;
}
