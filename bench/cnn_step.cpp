// One training step of two convolutional networks, as JSON lines:
//   lenet     the LeNet of examples/lenet_fashion_mnist (conv 5x5x20, pool, conv 5x5x50,
//             BatchNorm, pool, FC 500, Dropout, FC 10) at batch 64 of 1x28x28: Module
//             forward(batch) + backward + SGD momentum update
//   resblock  one ResNet basic block (3x3 conv, BatchNorm, ReLU, 3x3 conv, BatchNorm, identity
//             shortcut, ReLU) with 64 channels at 28x28, batch 16, then global average pooling,
//             FC 10 and SoftmaxOutput: the same step
// Random inputs and labels, the same every step. The peers' versions of these models run in
// bench/compare.py lenet (whole epochs of Fashion-MNIST) and resnet (ResNet-18).
//
//   OPENBLAS_CORETYPE=SkylakeX build/bench/cnn_step [--reps 11] [--only lenet|resblock] [--callgrind N]
#include <cstdio>
#include <memory>
#include <string>
#include <symgrad/cpu/gemm.hpp>  // host::blas_core()
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <vector>

#include "bench_common.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

Symbol lenet() {
  Symbol h = convolution(var("data"), {.kernel = {5, 5}, .num_filter = 20, .name = "conv1"});
  h = pooling(activation(h, {.act_type = "relu"}), {.kernel = {2, 2}, .stride = {2, 2}});
  h = batch_norm(convolution(h, {.kernel = {5, 5}, .num_filter = 50, .name = "conv2"}),
                 {.fix_gamma = false, .name = "bn2"});
  h = pooling(activation(h, {.act_type = "relu"}), {.kernel = {2, 2}, .stride = {2, 2}});
  h = dropout(
      activation(fully_connected(flatten(h), {.num_hidden = 500, .name = "fc1"}), {.act_type = "relu"}),
      {.p = 0.3});
  return softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc2"}), {.name = "softmax"});
}

Symbol conv_bn(const Symbol& x, const std::string& name) {
  Symbol c = convolution(
      x, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 64, .no_bias = true, .name = name + "_conv"});
  return batch_norm(c, {.eps = 2e-5, .fix_gamma = false, .name = name + "_bn"});
}

Symbol resblock() {
  Symbol x = var("data");
  Symbol h = activation(conv_bn(x, "unit_1"), {.act_type = "relu"});
  h = activation(conv_bn(h, "unit_2") + x, {.act_type = "relu"});
  h = flatten(pooling(h, {.kernel = {1, 1}, .pool_type = "avg", .global_pool = true}));
  return softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc"}), {.name = "softmax"});
}

struct Step {
  std::unique_ptr<sg::Module> mod;
  sg::io::DataBatch batch;
  Step(const Symbol& net, sg::Shape data) {
    const std::int64_t n = data[0];
    mod = std::make_unique<sg::Module>(net, sg::ModuleOptions{.logger = [](const std::string&) {}});
    mod->bind({{"data", data}}, {{"softmax_label", {n}}});
    mod->init_params({.initializer = std::make_shared<sg::init::Xavier>(), .seed = 1});
    mod->init_optimizer(
        {.optimizer = "sgd", .optimizer_params = {{"learning_rate", 0.05}, {"momentum", 0.9}}});
    batch.data.push_back(sg::nd::random::uniform(0, 1, data, {.seed = 3}));
    sg::NDArray y(sg::Shape{n});
    for (std::int64_t i = 0; i < n; ++i) y.data<float>()[i] = static_cast<float>((i * 7) % 10);
    batch.label.push_back(y);
  }
  void operator()() {
    mod->forward(batch, true);
    mod->backward();
    mod->update();
    bench::clobber();
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto o = bench::parse(argc, argv, "usage: cnn_step [--reps N] [--only lenet|resblock] [--callgrind N]\n");
  std::printf("# threads %d (0 = every core), OpenBLAS core %s\n", bench::env_threads(),
              sg::host::blas_core());
  Step le(lenet(), {64, 1, 28, 28}), rb(resblock(), {16, 64, 28, 28});
  std::vector<bench::Case> cases;
  if (bench::wanted(o, "lenet")) cases.emplace_back("lenet", [&] { le(); });
  if (bench::wanted(o, "resblock")) cases.emplace_back("resblock", [&] { rb(); });
  bench::run(cases, o);
  if (o.callgrind) return 0;
  const char* sizes[] = {"64x1x28x28", "16x64x28x28"};
  for (auto& c : cases) {
    auto t = bench::stats(c.ns);
    bench::json("cnn_step/" + c.name, sizes[c.name == "lenet" ? 0 : 1],
                {t.median * 1e-6, t.min * 1e-6, t.max * 1e-6, t.n}, "ms");
    bench::result("symgrad_cnn_step_" + c.name, t.median * 1e-6, "ms");
  }
  return 0;
}
