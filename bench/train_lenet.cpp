// Training throughput of the LeNet example's network (Convolution 5x5x20 → ReLU → max pool →
// Convolution 5x5x50 → BatchNorm → ReLU → max pool → FC 500 → ReLU → Dropout → FC 10 →
// SoftmaxOutput) on Fashion-MNIST through MNISTIter (batch 64) and Module.fit with SGD. Reports
// the samples/s of the last epoch (fit's "Time cost") over the first `--limit` training images.
// bench/compare.py lenet runs it against MXNet 1.9.1 and PyTorch in the same run.
//
//   build/bench/train_lenet [--epochs 2] [--limit 12000] [--dir /usr/share/datasets/fashion-mnist]
#include <cstdio>
#include <cstring>
#include <regex>
#include <string>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

namespace sg = symgrad;
using namespace sg::sym;

int main(int argc, char** argv) {
  int epochs = 2;
  std::int64_t limit = 12000;
  std::string dir = "/usr/share/datasets/fashion-mnist";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--epochs") == 0)
      epochs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--limit") == 0)
      limit = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--dir") == 0)
      dir = argv[i + 1];
  }
  Symbol h = convolution(var("data"), {.kernel = {5, 5}, .num_filter = 20, .name = "conv1"});
  h = pooling(activation(h, {.act_type = "relu"}), {.kernel = {2, 2}, .stride = {2, 2}});
  h = batch_norm(convolution(h, {.kernel = {5, 5}, .num_filter = 50, .name = "conv2"}),
                 {.fix_gamma = false, .name = "bn2"});
  h = pooling(activation(h, {.act_type = "relu"}), {.kernel = {2, 2}, .stride = {2, 2}});
  h = dropout(
      activation(fully_connected(flatten(h), {.num_hidden = 500, .name = "fc1"}), {.act_type = "relu"}),
      {.p = 0.3});
  Symbol net = softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc2"}), {.name = "softmax"});
  sg::io::MNISTIter train({.image = dir + "/train-images-idx3-ubyte.gz",
                           .label = dir + "/train-labels-idx1-ubyte.gz",
                           .batch_size = 64,
                           .shuffle = true,
                           .seed = 1,
                           .silent = true,
                           .limit = limit});
  double last = 0;
  sg::Module mod(net, {.logger = [&](const std::string& line) {
                   std::smatch m;
                   if (std::regex_search(line, m, std::regex("Time cost=([0-9.]+)"))) last = std::stod(m[1]);
                 }});
  mod.fit(train, {.eval_metric = std::string("acc"),
                  .optimizer = "sgd",
                  .optimizer_params = {{"learning_rate", 0.05}, {"momentum", 0.9}, {"wd", 1e-4}},
                  .initializer = std::make_shared<sg::init::Xavier>(),
                  .num_epoch = epochs,
                  .progress = "off"});
  const double sps = double(train.num_batches() * 64) / last;
  std::printf("symgrad lenet: last epoch %.3f s, %.1f samples/s\n", last, sps);
  std::printf("RESULT symgrad_lenet_train %.1f samples/s\n", sps);
}
