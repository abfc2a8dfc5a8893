// A file that includes only the symbol entry header and builds a graph (bench/compile_time.sh):
// the notebook's two-stream network's convolutional branch and classifier, its shapes inferred
// and its JSON written.
#include <cstdio>
#include <symgrad/symbol.hpp>

namespace sg = symgrad;
using namespace sg::sym;

int main() {
  Symbol face = var("face_data");
  Symbol c1 = convolution(face, {.kernel = {1, 1}, .num_filter = 64, .name = "conv1"});
  Symbol b1 = activation(batch_norm(c1, {.name = "bn1"}), {.act_type = "relu"});
  Symbol c2 =
      activation(convolution(b1, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 64, .name = "conv2"}),
                 {.act_type = "relu"});
  Symbol pooled = pooling(c2, {.kernel = {1, 1}, .pool_type = "avg", .global_pool = true});
  Symbol fc = fully_connected(flatten(pooled), {.num_hidden = 6, .name = "fc"});
  Symbol net = softmax_output(fc, {.name = "softmax"});
  auto [args, outs, aux] = net.infer_shape({{"face_data", {128, 512, 14, 14}}});
  std::printf("%zu arguments, output (%lld, %lld), %zu auxiliary states, %zu bytes of JSON\n", args.size(),
              static_cast<long long>(outs[0][0]), static_cast<long long>(outs[0][1]), aux.size(),
              net.tojson().size());
  return 0;
}
