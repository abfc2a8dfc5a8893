// Heap allocations per training step after bind, counted by replacing the global operator new
// (every form, aligned included) in this executable: NDArray storage, std containers and
// std::function all allocate through it. (Memory that a C library takes with malloc itself,
// OpenBLAS's buffers for instance, is not seen.) Cases, after two warm-up steps:
//   mlp_exec     784-512-512-10 MLP, batch 128: executor forward(true) + backward() + SGD
//                (momentum 0.9) update of each parameter through the optimizer
//   mlp_module   the same through Module: forward(batch, true) + backward() + update()
//   lstm_exec    the notebook's audio LSTM: two LSTMCells of 256 (lstm1_, lstm2_) unrolled 49
//                steps over (128,49,75), the concatenated last outputs (128,512) as the output,
//                forward(true) + backward(ones) + SGD update of every parameter
//   mlp_infer    the MLP at batch 1, forward(false) (no update)
// Prints one JSON line per case (allocations per step: median, min, max over the counted steps)
// and the bytes per step. Exits with 1 when any case allocates. --where K prints the call
// stacks of the first K allocations of each case that allocates (symbols need c++filt):
//
//   OPENBLAS_CORETYPE=SkylakeX build/bench/alloc [--reps 3] [--only mlp] [--where 5] 2>&1 | c++filt
#include <execinfo.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <symgrad/rnn.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <vector>

namespace {

std::atomic<std::size_t> g_count{0}, g_bytes{0};
std::atomic<bool> g_on{false};
std::atomic<int> g_where{0};  // stacks still to print
thread_local bool t_inside = false;

void note(std::size_t n) {
  if (!g_on.load(std::memory_order_relaxed) || t_inside) return;
  g_count.fetch_add(1);
  g_bytes.fetch_add(n);
  if (g_where.load() > 0 && g_where.fetch_sub(1) > 0) {
    t_inside = true;
    void* frames[24];
    int k = backtrace(frames, 24);
    char head[64];
    int len = std::snprintf(head, sizeof head, "--- allocation of %zu bytes:\n", n);
    if (write(2, head, static_cast<std::size_t>(len)) < 0) {
    }
    backtrace_symbols_fd(frames + 2, k - 2, 2);
    t_inside = false;
  }
}
void* plain(std::size_t n) {
  note(n);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* aligned(std::size_t n, std::align_val_t a) {
  note(n);
  const auto al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t n) { return plain(n); }
void* operator new[](std::size_t n) { return plain(n); }
void* operator new(std::size_t n, std::align_val_t a) { return aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return aligned(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  note(n);
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  note(n);
  return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace sg = symgrad;
using namespace sg::sym;

namespace {

Symbol mlp_net(bool train) {
  Symbol h =
      activation(fully_connected(var("data"), {.num_hidden = 512, .name = "fc1"}), {.act_type = "relu"});
  h = activation(fully_connected(h, {.num_hidden = 512, .name = "fc2"}), {.act_type = "relu"});
  Symbol y = fully_connected(h, {.num_hidden = 10, .name = "fc3"});
  return train ? softmax_output(y, var("softmax_label"), {.name = "softmax"}) : softmax(y);
}

void fill_args(sg::Executor& ex) {
  sg::nd::random::Generator gen(5);
  for (auto [name, arr] : ex.arg_dict()) {
    float* p = arr.data<float>();
    for (std::int64_t i = 0; i < arr.size(); ++i) p[i] = static_cast<float>(0.1 * gen.uniform01() - 0.05);
    if (name == "softmax_label")
      for (std::int64_t i = 0; i < arr.size(); ++i) p[i] = static_cast<float>(i % 10);
  }
}

// An executor step with an optimizer over every argument that has a gradient, except `skip`.
struct ExecTrain {
  sg::Executor ex;
  std::vector<sg::NDArray> heads;
  std::unique_ptr<sg::opt::Optimizer> opt;
  std::vector<std::size_t> params;
  ExecTrain(sg::Executor e, std::vector<sg::NDArray> h, const std::vector<std::string>& skip, double batch)
      : ex(std::move(e)), heads(std::move(h)) {
    fill_args(ex);
    opt = sg::opt::create("sgd", {{"learning_rate", 0.01}, {"momentum", 0.9}, {"rescale_grad", 1.0 / batch}});
    const auto& names = ex.list_arguments();
    opt->set_param_names(names);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (!ex.grad_arrays()[i].is_none() && std::find(skip.begin(), skip.end(), names[i]) == skip.end())
        params.push_back(i);
  }
  void step() {
    ex.forward(true);
    ex.backward(heads);
    for (std::size_t i : params) opt->update(i, ex.arg_arrays()[i], ex.grad_arrays()[i]);
  }
};

struct Counted {
  std::vector<double> per_step;
  std::size_t bytes = 0;
};

template <class F>
Counted count(F&& step, int reps, int where) {
  step();
  step();
  Counted c;
  for (int r = 0; r < reps; ++r) {
    g_where = r == 0 ? where : 0;
    std::size_t n0 = g_count.load(), b0 = g_bytes.load();
    g_on = true;
    step();
    g_on = false;
    c.per_step.push_back(static_cast<double>(g_count.load() - n0));
    c.bytes = std::max(c.bytes, g_bytes.load() - b0);
  }
  g_where = 0;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 3, where = 0;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--reps")
      reps = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--where")
      where = std::max(0, std::atoi(argv[i + 1]));
    else if (a == "--only")
      only = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: alloc [--reps N] [--only SUBSTRING] [--where K]\n");
      return 2;
    }
  }
  {  // backtrace() loads libgcc on its first call, which allocates: do that now.
    void* f[2];
    backtrace(f, 2);
  }
  bool any = false;
  auto report = [&](const std::string& name, const std::string& size, const Counted& c) {
    std::vector<double> v = c.per_step;
    std::sort(v.begin(), v.end());
    std::printf(
        "{\"name\": \"alloc/%s\", \"size\": \"%s\", \"median\": %g, \"min\": %g, \"max\": %g, "
        "\"repetitions\": %zu, \"unit\": \"allocations per step\"}\n",
        name.c_str(), size.c_str(), v[v.size() / 2], v.front(), v.back(), v.size());
    std::printf("RESULT symgrad_alloc_%s %g allocations\n", name.c_str(), v[v.size() / 2]);
    std::printf("# %s: up to %zu bytes allocated per step\n", name.c_str(), c.bytes);
    std::fflush(stdout);
    any = any || v.back() > 0;
  };
  auto want = [&](const char* n) { return only.empty() || std::string(n).find(only) != std::string::npos; };

  if (want("mlp_exec")) {
    ExecTrain t(mlp_net(true).simple_bind(sg::cpu(), {{"data", {128, 784}}}), {}, {"data", "softmax_label"},
                128);
    report("mlp_exec", "128", count([&] { t.step(); }, reps, where));
  }
  if (want("mlp_module")) {
    sg::Module mod(mlp_net(true), {.logger = [](const std::string&) {}});
    mod.bind({{"data", {128, 784}}}, {{"softmax_label", {128}}});
    mod.init_params({.initializer = std::make_shared<sg::init::Xavier>()});
    mod.init_optimizer(
        {.optimizer = "sgd", .optimizer_params = {{"learning_rate", 0.01}, {"momentum", 0.9}}});
    sg::io::DataBatch batch;
    batch.data.push_back(sg::nd::random::uniform(0, 1, {128, 784}, {.seed = 1}));
    batch.label.push_back(sg::nd::zeros({128}));
    report("mlp_module", "128",
           count(
               [&] {
                 mod.forward(batch, true);
                 mod.backward();
                 mod.update();
               },
               reps, where));
  }
  if (want("lstm_exec")) {
    sg::rnn::LSTMCell l1(256, "lstm1_"), l2(256, "lstm2_");
    auto [o1, s1] = l1.unroll(49, var("audio_data"), {.merge_outputs = false});
    auto [o2, s2] = l2.unroll(49, o1, {.merge_outputs = false});
    Symbol out = concat({reshape(o1.back(), {.shape = {-1, 256}}), reshape(o2.back(), {.shape = {-1, 256}})},
                        {.dim = 1});
    ExecTrain t(out.simple_bind(sg::cpu(), {{"audio_data", {128, 49, 75}}}), {sg::nd::ones({128, 512})},
                {"audio_data"}, 128);
    report("lstm_exec", "128x49x75", count([&] { t.step(); }, reps, where));
  }
  if (want("mlp_infer")) {
    auto ex = mlp_net(false).simple_bind(sg::cpu(), {{"data", {1, 784}}}, {.grad_req = "null"});
    fill_args(ex);
    report("mlp_infer", "1", count([&] { ex.forward(false); }, reps, where));
  }
  return any ? 1 : 0;
}
