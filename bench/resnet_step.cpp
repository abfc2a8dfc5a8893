// Forward+backward of a ResNet-18 (MXNet's resnet v1 layout: 7×7/2 convolution with 64 filters,
// BatchNorm, ReLU, 3×3/2 max pooling; four stages of two basic blocks with 64, 128, 256, 512
// filters, stride 2 and a 1×1 projection at the start of stages 2-4; global average pooling,
// FullyConnected(1000), SoftmaxOutput). Convolutions have no bias; BatchNorm has a learnt gamma.
// Default size: batch 16 of 3×112×112 (a quarter of the 224×224 pixels, so that a step fits
// this 2-core machine in about a second). Random data and labels; times the executor's
// forward(is_train=true) + backward(); one JSON line, median over --reps after one warm-up step.
// bench/compare.py resnet runs it against MXNet 1.9.1 and PyTorch in the same run.
//
//   build/bench/resnet_step [--batch 16] [--size 112] [--reps 5]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <symgrad/symgrad.hpp>
#include <vector>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

Symbol conv_bn(const Symbol& x, std::int64_t filters, std::int64_t k, std::int64_t stride,
               const std::string& name) {
  Symbol c = convolution(x, {.kernel = {k, k},
                             .stride = {stride, stride},
                             .pad = {k / 2, k / 2},
                             .num_filter = filters,
                             .no_bias = true,
                             .name = name + "_conv"});
  return batch_norm(c, {.eps = 2e-5, .fix_gamma = false, .name = name + "_bn"});
}

Symbol basic_block(const Symbol& x, std::int64_t filters, std::int64_t stride, bool project,
                   const std::string& name) {
  Symbol h = activation(conv_bn(x, filters, 3, stride, name + "_1"), {.act_type = "relu"});
  h = conv_bn(h, filters, 3, 1, name + "_2");
  Symbol shortcut = project ? conv_bn(x, filters, 1, stride, name + "_sc") : x;
  return activation(h + shortcut, {.act_type = "relu"});
}

Symbol resnet18() {
  Symbol h = activation(conv_bn(var("data"), 64, 7, 2, "stem"), {.act_type = "relu"});
  h = pooling(h, {.kernel = {3, 3}, .stride = {2, 2}, .pad = {1, 1}});
  const std::int64_t filters[] = {64, 128, 256, 512};
  for (int s = 0; s < 4; ++s)
    for (int b = 0; b < 2; ++b) {
      const bool first = b == 0 && s > 0;
      h = basic_block(h, filters[s], first ? 2 : 1, first,
                      "stage" + std::to_string(s + 1) + "_unit" + std::to_string(b + 1));
    }
  h = flatten(pooling(h, {.kernel = {1, 1}, .pool_type = "avg", .global_pool = true}));
  return softmax_output(fully_connected(h, {.num_hidden = 1000, .name = "fc"}), {.name = "softmax"});
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t batch = 16, size = 112;
  int reps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--batch") == 0)
      batch = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--size") == 0)
      size = std::max(32, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--reps") == 0)
      reps = std::max(1, std::atoi(argv[i + 1]));
  }
  Symbol net = resnet18();
  auto ex = net.simple_bind(sg::cpu(), {{"data", {batch, 3, size, size}}, {"softmax_label", {batch}}});
  sg::nd::random::Generator gen(5);
  for (auto [name, arr] : ex.arg_dict()) {
    float* p = arr.data<float>();
    for (std::int64_t i = 0; i < arr.size(); ++i)
      p[i] = name == "softmax_label" ? std::floor(float(gen.uniform01() * 1000))
                                     : static_cast<float>(0.1 * gen.uniform01() - 0.05);
  }
  for (auto [name, arr] : ex.arg_dict())
    if (name.ends_with("_gamma")) std::fill_n(arr.data<float>(), arr.size(), 1.0f);
  std::vector<double> ms;
  for (int r = 0; r < reps + 1; ++r) {
    auto a = std::chrono::steady_clock::now();
    ex.forward(true);
    ex.backward();
    auto b = std::chrono::steady_clock::now();
    if (r >= 1) ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
  }
  std::sort(ms.begin(), ms.end());
  const double med = ms[ms.size() / 2];
  std::printf(
      "{\"name\": \"resnet18_fwdbwd\", \"size\": \"%lldx3x%lldx%lld\", \"median\": %.3f, \"min\": %.3f, "
      "\"max\": %.3f, "
      "\"repetitions\": %zu, \"unit\": \"ms\"}\n",
      static_cast<long long>(batch), static_cast<long long>(size), static_cast<long long>(size), med,
      ms.front(), ms.back(), ms.size());
  std::printf("RESULT symgrad_resnet_fwdbwd %.3f ms\n", med);
  std::printf("RESULT symgrad_resnet_images %.2f images/s\n", double(batch) * 1000.0 / med);
}
