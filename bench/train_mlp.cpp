// Training throughput of the main example: the 784-256-128-10 MLP on Fashion-MNIST through
// MNISTIter (batch 100, shuffled) and Module.fit with SGD (lr 0.02, momentum 0.9, wd 1e-4).
// Reports the training samples/s of the last epoch (fit's own "Time cost", which excludes
// validation) and the test accuracy. bench/compare.py runs it against MXNet 1.9.1's Module.fit
// and a PyTorch loop in the same run.
//
//   build/bench/train_mlp [--epochs 2] [--dir /usr/share/datasets/fashion-mnist]
#include <cstdio>
#include <cstring>
#include <string>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

namespace sg = symgrad;
using namespace sg::sym;

int main(int argc, char** argv) {
  int epochs = 2;
  std::string dir = "/usr/share/datasets/fashion-mnist";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--epochs") == 0)
      epochs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--dir") == 0)
      dir = argv[i + 1];
  }
  Symbol h =
      activation(fully_connected(var("data"), {.num_hidden = 256, .name = "fc1"}), {.act_type = "relu"});
  h = activation(fully_connected(h, {.num_hidden = 128, .name = "fc2"}), {.act_type = "relu"});
  Symbol net = softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc3"}), var("softmax_label"),
                              {.name = "softmax"});
  sg::io::MNISTIter train({.image = dir + "/train-images-idx3-ubyte.gz",
                           .label = dir + "/train-labels-idx1-ubyte.gz",
                           .batch_size = 100,
                           .shuffle = true,
                           .flat = true,
                           .seed = 1});
  sg::io::MNISTIter test({.image = dir + "/t10k-images-idx3-ubyte.gz",
                          .label = dir + "/t10k-labels-idx1-ubyte.gz",
                          .batch_size = 100,
                          .flat = true});
  double last_secs = 0;
  sg::Module mod(net, {.logger = [&](const std::string& line) {
                   std::fprintf(stderr, "%s\n", line.c_str());
                   auto k = line.find("Time cost=");
                   if (k != std::string::npos) last_secs = std::stod(line.substr(k + 10));
                 }});
  mod.fit(train, {.eval_metric = std::string("acc"),
                  .optimizer = "sgd",
                  .optimizer_params = {{"learning_rate", 0.02}, {"momentum", 0.9}, {"wd", 1e-4}},
                  .initializer = std::make_shared<sg::init::Xavier>(),
                  .num_epoch = epochs,
                  .progress = "off"});
  double acc = mod.score(test, std::string("acc")).at(0).second;
  double sps = static_cast<double>(train.num_batches() * 100) / last_secs;
  std::printf("{\"name\": \"train_mlp\", \"samples_per_s\": %.1f, \"test_accuracy\": %.4f, \"epochs\": %d}\n",
              sps, acc, epochs);
  std::printf("RESULT symgrad_mlp_train %.1f samples/s\n", sps);
  return 0;
}
