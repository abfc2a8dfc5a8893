// One training step of a 784-512-512-10 MLP (relu, SoftmaxOutput) at batch 32, 128 and 512:
// forward + backward + SGD update (lr 0.1, momentum 0.9, rescale_grad 1/batch), two ways:
//   module  Module.forward(batch, is_train) + backward() + update(), as mx.mod.Module is driven;
//           the batch is copied into the executor each step, as Module does
//   exec    the bound executor with the data already in place, forward(true) + backward(), then
//           the optimizer's update on each parameter: what Module costs on top of the graph
// Xavier weights, random pixels in [0,1) and labels 0..9, the same for every step. Peers:
// bench/peers/mlp_step_mxnet.py and mlp_step_torch.py (bench/compare.py mlp_step). Threads:
// SYMGRAD_NUM_THREADS / OMP_NUM_THREADS (also OpenBLAS's), default every core.
//
//   OPENBLAS_CORETYPE=SkylakeX build/bench/mlp_step [--reps 11] [--size 128] [--only exec] [--callgrind N]
#include <cstdio>
#include <memory>
#include <string>
#include <symgrad/cpu/gemm.hpp>  // host::blas_core()
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <vector>

#include "bench_common.hpp"
#include "bench_models.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

sg::io::DataBatch make_batch(std::int64_t n) {
  sg::io::DataBatch b;
  b.data.push_back(sg::nd::random::uniform(0, 1, {n, 784}, {.seed = 3}));
  sg::NDArray y(sg::Shape{n});
  sg::nd::random::Generator gen(4);
  for (std::int64_t i = 0; i < n; ++i)
    y.data<float>()[i] = static_cast<float>(static_cast<int>(gen.uniform01() * 10) % 10);
  b.label.push_back(y);
  return b;
}

std::unique_ptr<sg::Module> make_module(std::int64_t n) {
  auto mod = std::make_unique<sg::Module>(bench::mlp_784_512_512_10(),
                                          sg::ModuleOptions{.logger = [](const std::string&) {}});
  mod->bind({{"data", {n, 784}}}, {{"softmax_label", {n}}});
  mod->init_params({.initializer = std::make_shared<sg::init::Xavier>(), .seed = 1});
  mod->init_optimizer({.optimizer = "sgd", .optimizer_params = {{"learning_rate", 0.1}, {"momentum", 0.9}}});
  return mod;
}

// The executor of its own module, driven without Module: data placed once, parameters updated by
// an optimizer made the same way as Module's.
struct ExecStep {
  std::unique_ptr<sg::Module> mod;
  std::unique_ptr<sg::opt::Optimizer> opt;
  std::vector<std::size_t> params;
  ExecStep(std::int64_t n, const sg::io::DataBatch& b) : mod(make_module(n)) {
    auto& ex = mod->executor();
    ex.arg_dict().at("data").copy_from(b.data[0]);
    ex.arg_dict().at("softmax_label").copy_from(b.label[0]);
    opt = sg::opt::create("sgd",
                          {{"learning_rate", 0.1}, {"momentum", 0.9}, {"rescale_grad", 1.0 / double(n)}});
    const auto& names = ex.list_arguments();
    opt->set_param_names(names);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] != "data" && names[i] != "softmax_label" && !ex.grad_arrays()[i].is_none())
        params.push_back(i);
  }
  void step() {
    auto& ex = mod->executor();
    ex.forward(true);
    ex.backward();
    for (std::size_t i : params) opt->update(i, ex.arg_arrays()[i], ex.grad_arrays()[i]);
    bench::clobber();
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto o = bench::parse(
      argc, argv, "usage: mlp_step [--reps N] [--size BATCH]... [--only module|exec] [--callgrind N]\n");
  std::vector<long> sizes = o.sizes.empty() ? std::vector<long>{32, 128, 512} : o.sizes;
  std::printf("# threads %d (0 = every core), OpenBLAS core %s\n", bench::env_threads(),
              sg::host::blas_core());
  for (long n : sizes) {
    auto batch = make_batch(n);
    auto mod = make_module(n);
    ExecStep ex(n, batch);
    std::vector<bench::Case> cases;
    if (bench::wanted(o, "module"))
      cases.emplace_back("module", [&] {
        mod->forward(batch, true);
        mod->backward();
        mod->update();
        bench::clobber();
      });
    if (bench::wanted(o, "exec")) cases.emplace_back("exec", [&] { ex.step(); });
    bench::run(cases, o);
    if (o.callgrind) continue;
    for (auto& c : cases) {
      auto t = bench::stats(c.ns);
      bench::json("mlp_step/" + c.name, std::to_string(n), {t.median * 1e-6, t.min * 1e-6, t.max * 1e-6, t.n},
                  "ms");
      bench::result("symgrad_mlp_step_" + c.name + "_b" + std::to_string(n), t.median * 1e-6, "ms");
    }
  }
  return 0;
}
