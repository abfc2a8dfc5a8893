// pad of the channel axis: MXNet pads only the axes after batch and channel.
// expect: static_shape_error<symgrad::ops::Pad
// expect: pad_width_of_batch_and_channel_must_be_0
#include <symgrad/symgrad.hpp>
using namespace symgrad::sym;
int main() {
  auto x = var<"data">(symgrad::shape<symgrad::dyn, 3, 8, 8>);
  auto p = pad<pad_width(0, 0, 1, 1, 2, 2, 2, 2)>(x);
  (void)p;
}
