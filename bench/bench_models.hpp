// Models shared by several benchmarks.
#pragma once
#include <symgrad/symgrad.hpp>

namespace bench {

// The 784-512-512-10 MLP with relu and SoftmaxOutput (inputs "data", "softmax_label").
inline symgrad::Symbol mlp_784_512_512_10() {
  using namespace symgrad::sym;
  Symbol h =
      activation(fully_connected(var("data"), {.num_hidden = 512, .name = "fc1"}), {.act_type = "relu"});
  h = activation(fully_connected(h, {.num_hidden = 512, .name = "fc2"}), {.act_type = "relu"});
  return softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc3"}), var("softmax_label"),
                        {.name = "softmax"});
}

}  // namespace bench
