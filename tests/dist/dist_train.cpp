// Data-parallel training under mpirun, checked against one process (tests/dist/run.sh runs it).
//   mpirun -np 2 dist_train --mode train --optimizer sgd --epochs 3 --check
// Modes:
//   train     Module.fit with kvstore dist_sync on Fashion-MNIST examples, each worker reading its
//             part (MNISTIter's default num_parts / part_index). With --check, rank 0 then trains
//             one process on the whole batches (batch k = every part's batch k, in rank order)
//             from the same initial weights, and the weights must agree; all ranks must agree.
//             --prefix P saves a checkpoint with optimizer states after each epoch, --resume K
//             starts from checkpoint K, --die-at E:B / --hang-at E:B make the last rank exit /
//             sleep at batch B of epoch E.
//   api       KVStore init / push / pull / pushpull / set_optimizer / states across the workers.
//   mismatch  the last rank builds a different first layer: init must fail on every rank.
//   gpus      prints the number of usable GPUs (no MPI needed).
// --kvstore NAME picks the store (dist_sync); --gpu puts every worker's module and keys on
// gpu(rank), where they are summed through NCCL (tests/dist/run_gpu.sh, --kvstore nccl).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <symgrad/kv/mpi_store.hpp>  // mpi.h, C API only
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <thread>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

struct Args {
  std::string mode = "train", optimizer = "sgd", dir = "/usr/share/datasets/fashion-mnist", prefix;
  int epochs = 3, resume = -1, hidden = 64;
  std::int64_t examples = 2048, batch = 64;  // over all workers
  bool check = false, gpu = false;
  std::string kvstore = "dist_sync";
  std::int64_t extra = 0;  // more batches in the last rank's part
  int die_epoch = -1, die_batch = -1, hang_epoch = -1, hang_batch = -1;
};

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    ++failures;
  }
}

// Where this worker computes: gpu(rank) with --gpu.
sg::Context where(const Args& a) { return a.gpu ? sg::gpu(sg::kv::launcher_world().rank) : sg::cpu(); }

Symbol mlp(int hidden) {
  Symbol h =
      activation(fully_connected(var("data"), {.num_hidden = hidden, .name = "fc1"}), {.act_type = "relu"});
  return softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc2"}), var("softmax_label"),
                        {.name = "softmax"});
}

sg::OptimizerParams optimizer_params(const std::string& name) {
  if (name == "sgd") return {{"learning_rate", 0.1}, {"momentum", 0.9}, {"wd", 1e-4}};
  return {{"learning_rate", 0.002}, {"wd", 1e-4}};
}

sg::io::MNISTIterOptions mnist(const Args& a, std::int64_t batch, int parts = -1, int part = -1) {
  const sg::kv::World w = sg::kv::launcher_world();
  const bool last = parts < 0 && w.rank == w.size - 1;
  return {.image = a.dir + "/train-images-idx3-ubyte.gz",
          .label = a.dir + "/train-labels-idx1-ubyte.gz",
          .batch_size = batch,
          .shuffle = false,
          .flat = true,
          .silent = true,
          .num_parts = parts,
          .part_index = part,
          .limit = a.examples / w.size + (last ? a.extra * batch : 0)};
}

double max_abs_diff(const sg::NDArray& x, const sg::NDArray& y) {
  double m = 0;
  for (std::int64_t i = 0; i < x.size(); ++i)
    m = std::max(m, std::abs(double(x.data<float>()[i]) - double(y.data<float>()[i])));
  return m;
}

// One process, whole batches: batch k is every part's batch k, in rank order.
sg::ParamDict train_single(const Args& a, int workers) {
  const std::int64_t part_batch = a.batch / workers;
  std::vector<std::unique_ptr<sg::io::MNISTIter>> parts;
  for (int k = 0; k < workers; ++k)
    parts.push_back(std::make_unique<sg::io::MNISTIter>(mnist(a, part_batch, workers, k)));
  sg::Module m(mlp(a.hidden), {.context = where(a), .logger = [](const std::string&) {}});
  m.bind({{"data", sg::Shape{a.batch, 784}}}, {{"softmax_label", sg::Shape{a.batch}}});
  m.init_params({.initializer = std::make_shared<sg::init::Xavier>(), .seed = 7});
  m.init_optimizer({.optimizer = a.optimizer, .optimizer_params = optimizer_params(a.optimizer)});
  sg::io::DataBatch whole;
  whole.data.emplace_back(sg::Shape{a.batch, 784});
  whole.label.emplace_back(sg::Shape{a.batch});
  for (int e = 0; e < a.epochs; ++e) {
    for (auto& p : parts) p->reset();
    for (;;) {
      bool more = true;
      for (int k = 0; k < workers; ++k) {
        if (!parts[k]->next()) {
          more = false;
          break;
        }
        const auto& b = parts[k]->value();
        std::memcpy(whole.data[0].data<float>() + k * part_batch * 784, b.data[0].data<float>(),
                    b.data[0].nbytes());
        std::memcpy(whole.label[0].data<float>() + k * part_batch, b.label[0].data<float>(),
                    b.label[0].nbytes());
      }
      if (!more) break;
      m.forward_backward(whole);
      m.update();
    }
  }
  return m.get_params().first;
}

int run_train(const Args& a) {
  const sg::kv::World w = sg::kv::launcher_world();
  sg::io::MNISTIter train(mnist(a, a.batch / w.size));
  std::unique_ptr<sg::Module> mod;
  auto quiet = [](const std::string& line) {
    if (line.find("ends after") != std::string::npos) std::fprintf(stderr, "%s\n", line.c_str());
  };
  if (a.resume >= 0)
    mod = std::make_unique<sg::Module>(
        sg::Module::load(a.prefix, a.resume, {.context = where(a), .logger = quiet}, true));
  else
    mod =
        std::make_unique<sg::Module>(mlp(a.hidden), sg::ModuleOptions{.context = where(a), .logger = quiet});
  sg::FitOptions f{
      .kvstore = a.kvstore, .optimizer = a.optimizer, .optimizer_params = optimizer_params(a.optimizer)};
  f.initializer = std::make_shared<sg::init::Xavier>();
  f.seed = static_cast<std::uint64_t>(
      7 + 1000 * w.rank);  // different draws per rank: init must broadcast rank 0's
  f.num_epoch = a.epochs;
  f.begin_epoch = a.resume >= 0 ? a.resume : 0;
  f.progress = "off";
  if (!a.prefix.empty())
    f.epoch_end_callback = [&](int epoch, const Symbol&, const sg::ParamDict&, const sg::ParamDict&) {
      mod->save_checkpoint(a.prefix, epoch + 1, true);
    };
  f.batch_end_callback = [&](const sg::BatchEndParam& p) {
    if (w.rank != w.size - 1) return;
    if (p.epoch == a.die_epoch && p.nbatch == a.die_batch) {
      std::fprintf(stderr, "rank %d: exiting at epoch %d batch %lld, as asked\n", w.rank, p.epoch,
                   (long long)p.nbatch);
      std::fflush(stderr);
      _exit(3);
    }
    if (p.epoch == a.hang_epoch && p.nbatch == a.hang_batch) {
      std::fprintf(stderr, "rank %d: hanging at epoch %d batch %lld, as asked\n", w.rank, p.epoch,
                   (long long)p.nbatch);
      std::fflush(stderr);
      std::this_thread::sleep_for(std::chrono::hours(1));
    }
  };
  mod->fit(train, f);
  sg::kv::KVStore* kv = mod->kvstore();
  expect(kv && kv->type() == a.kvstore && kv->num_workers() == w.size && kv->rank() == w.rank,
         "the module's store spans the mpirun workers");
  expect(mod->optimizer() && std::abs(mod->optimizer()->rescale_grad() - 1.0 / double(a.batch)) < 1e-12,
         "rescale_grad is 1 / (batch x workers)");
  auto params = mod->get_params().first;

  // Every rank holds the same weights: compare sums and maxima through MPI.
  double local[2] = {0, 0};
  for (auto& [n, p] : params)
    for (std::int64_t i = 0; i < p.size(); ++i)
      local[0] += p.data<float>()[i], local[1] += std::abs(p.data<float>()[i]);
  double lo[2], hi[2];
  MPI_Allreduce(local, lo, 2, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(local, hi, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  expect(lo[0] == hi[0] && lo[1] == hi[1], "every worker ends with the same weights");

  if (a.check && w.rank == 0) {
    auto single = train_single(a, w.size);
    double worst = 0, scale = 0;
    for (auto& [n, p] : params) {
      double d = max_abs_diff(p, single.at(n));
      worst = std::max(worst, d);
      for (std::int64_t i = 0; i < p.size(); ++i)
        scale = std::max(scale, double(std::abs(p.data<float>()[i])));
      std::printf("%s: max |dist - single| = %.3g\n", n.c_str(), d);
    }
    std::printf(
        "%d workers, %s, %d epochs: max difference %.3g (largest weight %.3g), %llu bytes summed per "
        "worker\n",
        w.size, a.optimizer.c_str(), a.epochs, worst, scale, (unsigned long long)kv->bytes_reduced());
    expect(worst <= 2e-4 * scale, "the distributed weights equal one process's with the whole batches");
  }
  return failures ? 1 : 0;
}

int run_api(const Args& args) {
  auto kv = sg::kv::create(args.kvstore, {.bucket_bytes = 1024});
  const int r = kv->rank(), n = kv->num_workers();
  const double sum_ranks = n * (n + 1) / 2.0;  // sum of (rank + 1)
  bool threw = false;
  const sg::Context ctx = where(args);
  auto filled = [&](sg::Shape s, double v, sg::DType t = sg::DType::float32) {
    sg::NDArray a(s, sg::cpu(), t);
    a.fill(v);
    return a.copy_to(ctx);
  };
  auto all_equal = [](const sg::NDArray& a, double v) {
    sg::NDArray d = a.copy_to(sg::cpu()).astype(sg::DType::float64);
    for (std::int64_t i = 0; i < d.size(); ++i)
      if (std::abs(d.data<double>()[i] - v) > 1e-9 * std::max(1.0, std::abs(v))) return false;
    return true;
  };
  expect(
      kv->type() == args.kvstore && n == sg::kv::launcher_world().size && r == sg::kv::launcher_world().rank,
      "rank and num_workers come from MPI");
  expect(sg::kv::world().size == n, "the store registers the world for the iterators");

  // init: rank 0's value everywhere.
  kv->init("a", filled({3, 4}, r + 1));
  sg::NDArray out = filled({3, 4}, -1);
  kv->pull("a", out);
  expect(all_equal(out, 1), "init stores rank 0's value");

  // push without an optimizer: the sum over the workers (and over the arrays given for one key).
  kv->push("a", filled({3, 4}, r + 1));
  kv->pull("a", out);
  expect(all_equal(out, sum_ranks), "push sums over the workers");
  std::vector<sg::NDArray> devices = {filled({3, 4}, r + 1), filled({3, 4}, 10 * (r + 1))};
  kv->push("a", devices);
  kv->pull("a", out);
  expect(all_equal(out, 11 * sum_ranks), "push of several arrays sums them and the workers");

  // Many keys, float32 and float64, in buckets of 1 KiB (several messages).
  std::vector<std::string> keys;
  std::vector<sg::NDArray> vals, outs;
  for (int k = 0; k < 12; ++k) {
    keys.push_back("k" + std::to_string(k));
    auto t = k % 3 == 2 ? sg::DType::float64 : sg::DType::float32;
    vals.push_back(filled({k % 4 == 0 ? 700 : 17, 1}, 0, t));
    outs.push_back(filled({k % 4 == 0 ? 700 : 17, 1}, 0, t));
  }
  kv->init(keys, vals);
  for (int k = 0; k < 12; ++k) vals[static_cast<std::size_t>(k)].fill((r + 1) * (k + 1));
  auto before = kv->bytes_reduced();
  kv->pushpull(keys, vals, outs);
  bool ok = true;
  for (int k = 0; k < 12; ++k) ok = ok && all_equal(outs[static_cast<std::size_t>(k)], sum_ranks * (k + 1));
  expect(ok, "a list push sums every key across buckets and dtypes");
  std::uint64_t payload = 0;
  for (const auto& v : vals) payload += v.nbytes();
  expect(kv->bytes_reduced() - before == payload, "bytes_reduced counts the payload");

  // The optimizer in the store: w <- w - lr * rescale * sum(grad).
  kv->set_optimizer(sg::opt::create("sgd", {{"learning_rate", 0.5}, {"rescale_grad", 0.25}}));
  kv->init("w", filled({5}, 2.0));
  sg::NDArray w = filled({5}, 0);
  kv->pushpull("w", filled({5}, r + 1), w);
  expect(all_equal(w, 2.0 - 0.5 * 0.25 * sum_ranks),
         "push with an optimizer applies one step with the summed gradient");

  // Optimizer states: rank 0 writes, every rank can read.
  std::string path = "/tmp/symgrad_dist_api_" + std::to_string(getppid()) + ".states";
  kv->save_optimizer_states(path);
  if (r == 0)
    expect(std::filesystem::exists(path), "save_optimizer_states on rank 0 wrote the file before returning");
  kv->barrier();  // the others read it once rank 0 is done
  kv->load_optimizer_states(path);
  kv->barrier();
  if (r == 0) std::filesystem::remove(path);

  // A problem on one worker at init fails init on every worker, and the store goes on.
  std::string failed;
  try {
    kv->init("bad", r == n - 1 ? sg::NDArray(sg::Shape{2}, sg::cpu(), sg::DType::int32) : filled({2}, 0));
  } catch (const sg::Error& e) {
    failed = e.what();
  }
  expect(failed.find("init failed on rank " + std::to_string(n - 1) + ": ") != std::string::npos &&
             failed.find("key 'bad' has dtype int32") != std::string::npos,
         "a bad init on one rank fails on every rank, naming the rank: got '" + failed + "'");
  expect(!kv->has_key("bad"), "a failed init leaves no key");
  kv->pushpull("w", filled({5}, 0), w);  // still usable

  if (args.gpu) {
    // A CPU key in a store of GPU keys: "nccl" refuses it on every rank.
    failed.clear();
    try {
      kv->init("host", sg::NDArray(sg::Shape{2}, sg::cpu()));
    } catch (const sg::Error& e) {
      failed = e.what();
    }
    if (args.kvstore == "nccl")
      expect(failed.find("key 'host' is on cpu(0)") != std::string::npos && !kv->has_key("host"),
             "kvstore nccl refuses a CPU key: got '" + failed + "'");
  }

  // A key twice in one push is refused before anything is summed.
  threw = false;
  try {
    kv->push(std::vector<std::string>{"w", "w"}, {filled({5}, 1), filled({5}, 1)});
  } catch (const sg::ValueError& e) {
    threw = std::string(e.what()).find("appears twice") != std::string::npos;
  }
  expect(threw, "a key twice in one push is an error");

  // Errors that stay on one rank never reach a collective.
  threw = false;
  try {
    kv->pull("missing", out);
  } catch (const sg::NameError& e) {
    threw = std::string(e.what()).find("'missing'") != std::string::npos;
  }
  expect(threw, "pull of a key never initialized names it");
  kv->barrier();
  if (r == 0) std::printf("api: %d workers, %s\n", n, failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}

int run_mismatch(const Args& a) {
  const sg::kv::World w = sg::kv::launcher_world();
  Args b = a;
  if (w.rank == w.size - 1) b.hidden = a.hidden / 2;
  sg::io::MNISTIter train(mnist(b, b.batch / w.size));
  sg::Module mod(mlp(b.hidden), {.context = where(a), .logger = [](const std::string&) {}});
  mod.fit(train, {.kvstore = a.kvstore, .num_epoch = 1, .progress = "off"});
  std::fprintf(stderr, "rank %d: fit did not fail\n", w.rank);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  auto pair = [](const char* s, int& x, int& y) { std::sscanf(s, "%d:%d", &x, &y); };
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) std::exit((std::fprintf(stderr, "%s needs a value\n", k.c_str()), 2));
      return argv[++i];
    };
    if (k == "--mode")
      a.mode = next();
    else if (k == "--optimizer")
      a.optimizer = next();
    else if (k == "--dir")
      a.dir = next();
    else if (k == "--prefix")
      a.prefix = next();
    else if (k == "--epochs")
      a.epochs = std::atoi(next());
    else if (k == "--resume")
      a.resume = std::atoi(next());
    else if (k == "--examples")
      a.examples = std::atoll(next());
    else if (k == "--batch")
      a.batch = std::atoll(next());
    else if (k == "--check")
      a.check = true;
    else if (k == "--gpu")
      a.gpu = true;
    else if (k == "--kvstore")
      a.kvstore = next();
    else if (k == "--extra-batches")
      a.extra = std::atoll(next());
    else if (k == "--die-at")
      pair(next(), a.die_epoch, a.die_batch);
    else if (k == "--hang-at")
      pair(next(), a.hang_epoch, a.hang_batch);
    else
      return std::fprintf(stderr, "unknown option %s\n", k.c_str()), 2;
  }
  if (a.mode == "gpus") {  // for run_gpu.sh: the GPU count, or 0 and why
    int n = sg::num_gpus();
    std::printf("%d\n", n);
    if (n == 0) std::fprintf(stderr, "%s\n", sg::gpu_unavailable_reason(0).c_str());
    return 0;
  }
  try {
    if (a.gpu && sg::num_gpus() <= sg::kv::launcher_world().rank)
      return std::fprintf(stderr, "--gpu: rank %d has no gpu(%d): %s\n", sg::kv::launcher_world().rank,
                          sg::kv::launcher_world().rank,
                          sg::gpu_unavailable_reason(sg::kv::launcher_world().rank).c_str()),
             2;
    if (a.mode == "api") return run_api(a);
    if (a.mode == "mismatch") return run_mismatch(a);
    return run_train(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: error: %s\n", sg::kv::world().rank, e.what());
    return 1;
  }
}
