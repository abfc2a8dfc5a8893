// LeNet on Fashion-MNIST (Debian's dataset-fashion-mnist): the classic convolutional network as
// MXNet's tutorials write it — Convolution(5x5, 20) → ReLU → max Pooling(2x2, stride 2) →
// Convolution(5x5, 50) → BatchNorm → ReLU → max Pooling → FullyConnected(500) → ReLU →
// Dropout(0.3) → FullyConnected(10) → SoftmaxOutput — trained with Module.fit from MNISTIter, SGD
// with momentum and a MultiFactorScheduler (lr ÷ 10 after 1/2 and 7/8 of the epochs).
//
//   build/examples/lenet_fashion_mnist [--epochs 8] [--train-limit N] [--lr 0.05] [--batch 64]
//       [--min-accuracy 0.90] [--dir /usr/share/datasets/fashion-mnist] [--prefix lenet]
//       [--summary 1] [--plot lenet.svg]
//
// --summary 1 prints the network's layers and parameter counts first (as mx.viz.print_summary);
// --plot FILE draws it (as mx.viz.plot_network: .svg, .png or .pdf through Graphviz's dot, or the
// DOT source for .dot) and exits without training.
//
// Exits non-zero if the test accuracy stays below --min-accuracy (default 0.90).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <symgrad/viz.hpp>

namespace sg = symgrad;
using namespace sg::sym;

int main(int argc, char** argv) {
  int epochs = 8, batch = 64;
  std::int64_t train_limit = 0;
  double lr = 0.05, min_accuracy = 0.90;
  std::string dir = "/usr/share/datasets/fashion-mnist", prefix = "lenet", plot;
  bool summary = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--epochs")
      epochs = std::atoi(v.c_str());
    else if (a == "--train-limit")
      train_limit = std::atoll(v.c_str());
    else if (a == "--lr")
      lr = std::atof(v.c_str());
    else if (a == "--batch")
      batch = std::atoi(v.c_str());
    else if (a == "--min-accuracy")
      min_accuracy = std::atof(v.c_str());
    else if (a == "--dir")
      dir = v;
    else if (a == "--prefix")
      prefix = v;
    else if (a == "--summary")
      summary = v != "0";
    else if (a == "--plot")
      plot = v;
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  Symbol data = var("data");
  Symbol h = convolution(data, {.kernel = {5, 5}, .num_filter = 20, .name = "conv1"});
  h = pooling(activation(h, {.act_type = "relu", .name = "relu1"}),
              {.kernel = {2, 2}, .stride = {2, 2}, .name = "pool1"});
  h = convolution(h, {.kernel = {5, 5}, .num_filter = 50, .name = "conv2"});
  h = batch_norm(h, {.fix_gamma = false, .name = "bn2"});
  h = pooling(activation(h, {.act_type = "relu", .name = "relu2"}),
              {.kernel = {2, 2}, .stride = {2, 2}, .name = "pool2"});
  h = activation(fully_connected(flatten(h), {.num_hidden = 500, .name = "fc1"}),
                 {.act_type = "relu", .name = "relu3"});
  h = dropout(h, {.p = 0.3, .name = "drop3"});
  Symbol net = softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc2"}), {.name = "softmax"});

  const sg::ShapeDict shapes{{"data", {batch, 1, 28, 28}}};
  if (summary) sg::viz::print_summary(net, shapes);
  if (!plot.empty()) {
    sg::viz::plot_network(net, shapes, plot);
    std::cout << "wrote " << plot << "\n";
    return 0;
  }
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) {
    std::cerr << "Fashion-MNIST not found in " << dir << ": sudo apt-get install dataset-fashion-mnist\n";
    return 2;
  }

  sg::io::MNISTIter train({.image = dir + "/train-images-idx3-ubyte.gz",
                           .label = dir + "/train-labels-idx1-ubyte.gz",
                           .batch_size = batch,
                           .shuffle = true,
                           .seed = 7,
                           .limit = train_limit});
  sg::io::MNISTIter test({.image = dir + "/t10k-images-idx3-ubyte.gz",
                          .label = dir + "/t10k-labels-idx1-ubyte.gz",
                          .batch_size = 100});
  // The learning rate drops tenfold after half and after seven eighths of the epochs.
  const std::int64_t per_epoch = train.num_batches();
  std::vector<std::int64_t> steps{std::max<std::int64_t>(1, per_epoch * epochs / 2),
                                  std::max<std::int64_t>(2, per_epoch * epochs * 7 / 8)};
  if (steps[1] <= steps[0]) steps[1] = steps[0] + 1;
  auto schedule = std::make_shared<sg::opt::MultiFactorScheduler>(
      steps, sg::opt::MultiFactorSchedulerOptions{.factor = 0.1, .base_lr = lr});
  sg::Module mod(net);
  mod.fit(train, {.eval_data = &test,
                  .eval_metric = std::string("acc"),
                  .epoch_end_callback = sg::callback::do_checkpoint(prefix),
                  .batch_end_callback = sg::callback::Speedometer(batch, 200),
                  .optimizer = "sgd",
                  .optimizer_params = {{"learning_rate", lr}, {"momentum", 0.9}, {"wd", 1e-4}},
                  .lr_scheduler = schedule,
                  .initializer = std::make_shared<sg::init::Xavier>(),
                  .num_epoch = epochs});
  const double acc = mod.score(test, std::string("acc")).at(0).second;
  std::cout << "test accuracy " << acc << " after " << epochs << " epochs (checkpoints " << prefix
            << "-symbol.json, " << prefix << "-NNNN.params, with the BatchNorm statistics under aux:)\n";
  if (acc < min_accuracy) {
    std::cerr << "accuracy below " << min_accuracy << "\n";
    return 1;
  }
  return 0;
}
