// Data-parallel training steps over MPI (kvstore dist_sync), for the scaling model in
// bench/RESULTS.md. Run under mpirun with 1 and 2 processes (state the threads per process):
//   SYMGRAD_NUM_THREADS=1 mpirun --allow-run-as-root -np 2 build/bench/dist_step [--batch 256]
// Cases, each timed in the same rounds on every worker (a fixed number of steps per round, so
// that the workers' collectives pair up; the figures are rank 0's):
//   step      784-512-512-10 MLP, forward + backward + update through the store, batch/N per
//             worker; samples/s = batch / step time
//   compute   the same step without a store (the worker's compute alone)
//   sum_mlp   summing the MLP's gradients across the workers (push + pull, no optimizer)
//   sum_lstm  the same for the notebook's two-layer LSTM (input 75, hidden 256) and its
//             FullyConnected head
// Also printed: bytes each worker hands to the allreduce per step.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <symgrad/kv/mpi_store.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

#include "bench_common.hpp"
#include "bench_models.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {}  // namespace

int main(int argc, char** argv) {
  std::int64_t batch = 256;
  int reps = 7, steps = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--batch")
      batch = std::atoll(argv[i + 1]);
    else if (a == "--reps")
      reps = std::atoi(argv[i + 1]);
    else if (a == "--steps")
      steps = std::atoi(argv[i + 1]);
    else
      return std::fprintf(stderr, "usage: dist_step [--batch 256] [--reps 7] [--steps 10]\n"), 2;
  }
  auto store = sg::kv::create("dist_sync");
  const int n = store->num_workers(), rank = store->rank();
  const std::int64_t local = batch / n;
  if (local * n != batch)
    return std::fprintf(stderr, "--batch must be a multiple of the workers (%d)\n", n), 2;
  auto quiet = [](const std::string&) {};

  // The batch every step trains on.
  sg::nd::random::Generator gen(1 + static_cast<std::uint64_t>(rank));
  sg::io::DataBatch b;
  b.data.push_back(sg::nd::random::uniform(0, 1, sg::Shape{local, 784}, gen));
  b.label.emplace_back(sg::Shape{local});
  for (std::int64_t i = 0; i < local; ++i)
    b.label[0].data<float>()[i] = static_cast<float>((i * 7 + rank) % 10);
  auto module = [&](const char* kvstore) {
    auto m = std::make_unique<sg::Module>(bench::mlp_784_512_512_10(), sg::ModuleOptions{.logger = quiet});
    m->bind({{"data", sg::Shape{local, 784}}}, {{"softmax_label", sg::Shape{local}}});
    m->init_params({.initializer = std::make_shared<sg::init::Xavier>(), .seed = 3});
    m->init_optimizer({.kvstore = kvstore,
                       .optimizer = "sgd",
                       .optimizer_params = {{"learning_rate", 0.01}, {"momentum", 0.9}}});
    return m;
  };
  auto dist = module("dist_sync");
  auto alone = module("local");

  // Gradient-shaped arrays of the two models, summed through their own store keys.
  auto keys_of = [&](const char* prefix, const std::vector<sg::Shape>& shapes, std::vector<std::string>& keys,
                     std::vector<sg::NDArray>& arrays) {
    for (std::size_t i = 0; i < shapes.size(); ++i) {
      keys.push_back(std::string(prefix) + std::to_string(i));
      arrays.push_back(sg::nd::random::uniform(-1, 1, shapes[i], gen));
    }
    store->init(keys, arrays);
  };
  std::vector<std::string> mlp_keys, lstm_keys;
  std::vector<sg::NDArray> mlp_grads, lstm_grads;
  keys_of("mlp", {{512, 784}, {512}, {512, 512}, {512}, {10, 512}, {10}}, mlp_keys, mlp_grads);
  // Two LSTM layers (i2h, h2h weights and biases; 4 gates of 256) and the head FC(6) of the
  // notebook's audio stream.
  keys_of("lstm",
          {{1024, 75}, {1024, 256}, {1024}, {1024}, {1024, 256}, {1024, 256}, {1024}, {1024}, {6, 256}, {6}},
          lstm_keys, lstm_grads);

  struct Case {
    std::string name;
    std::function<void()> fn;
    std::vector<double> ms = {};
    std::uint64_t bytes = 0;
  };
  std::vector<Case> cases;
  cases.push_back({"step", [&] { dist->forward_backward(b), dist->update(); }});
  cases.push_back({"compute", [&] { alone->forward_backward(b), alone->update(); }});
  cases.push_back({"sum_mlp", [&] { store->pushpull(mlp_keys, mlp_grads, mlp_grads); }});
  cases.push_back({"sum_lstm", [&] { store->pushpull(lstm_keys, lstm_grads, lstm_grads); }});
  auto bytes_now = [&](const Case& c) {
    return c.name == "step"      ? dist->kvstore()->bytes_reduced()
           : c.name == "compute" ? 0
                                 : store->bytes_reduced();
  };
  for (auto& c : cases) {
    for (int i = 0; i < 3; ++i) c.fn();  // warm up
    store->barrier();
    dist->kvstore()->barrier();
  }
  for (int r = 0; r < reps; ++r)
    for (auto& c : cases) {
      store->barrier();
      auto before = bytes_now(c);
      auto t0 = std::chrono::steady_clock::now();
      for (int s = 0; s < steps; ++s) c.fn();
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / steps;
      c.ms.push_back(ms);
      c.bytes = (bytes_now(c) - before) / static_cast<std::uint64_t>(steps);
    }
  if (rank != 0) return 0;
  const int threads = bench::env_threads();
  std::string size = "workers=" + std::to_string(n) +
                     " threads=" + (threads ? std::to_string(threads) : "all") +
                     " batch=" + std::to_string(batch) + "/" + std::to_string(n);
  for (auto& c : cases) {
    bench::json("dist_" + c.name, size, bench::stats(c.ms), "ms");
    bench::json_value("dist_" + c.name + "_bytes", size, static_cast<double>(c.bytes), "bytes/step");
  }
  double step = bench::stats(cases[0].ms).median;
  bench::json_value("dist_samples_per_s", size, static_cast<double>(batch) / step * 1e3, "samples/s");
  bench::result("dist_samples_per_s_np" + std::to_string(n), static_cast<double>(batch) / step * 1e3,
                "samples/s");
  return 0;
}
