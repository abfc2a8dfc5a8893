// Inference of MXNet's gluon model-zoo networks, loaded from MXNet's own export:
//   resnet18_v1, resnet50_v1, mobilenet1.0, mobilenetv2_1.0, densenet121, vgg11_bn (224x224) and
//   inceptionv3 (299x299)
// bench/peers/zoo_mxnet.py --export DIR writes DIR/<net>-symbol.json, DIR/<net>-0000.params and
// DIR/<net>-io.params (a batch of 8 inputs and MXNet's outputs for them). For every network and
// batch size this program loads the checkpoint, binds for inference (grad_req null), checks the
// output against MXNet's on the first `batch` samples of the saved batch (largest absolute
// difference, relative to the largest output), then times forward(false) with every case
// interleaved (bench_common.hpp). Threads: SYMGRAD_NUM_THREADS / OMP_NUM_THREADS (OpenBLAS reads
// the latter too), default every core; one process measures one thread count.
//
//   OPENBLAS_CORETYPE=Haswell OMP_NUM_THREADS=1 build/bench/zoo --export build/zoo
//       [--models resnet18_v1 mobilenet1.0 ...] [--batch 1 8] [--reps 5] [--min-ms 200]
//       [--depthwise simd|loops|both] [--fusion on|off|both] [--gemm tuned|own|blas ...]
//       [--profile N]
//
// --depthwise chooses the kernel of the depthwise convolutions (host::conv::depthwise_kernel()):
// the vectorised one (simd, the default), the direct loops, or both as separate cases, the
// loops' named <net>_dwloops (only for networks with grouped convolutions). --fusion chooses
// the inference rewrite at bind (BindOptions::inference_fusion, on by default); with both, the
// plain executor's cases are named <net>_plain. --gemm chooses the convolution GEMM
// (host::conv::conv_gemm()): tuned per layer shape (the default), the library's own kernel, or
// im2col + BLAS; with several, the cases are named <net>_tuned, <net>_own, <net>_blas.
//
// --profile N runs every case N more times under sg::profiler after the timing and prints the
// profiler's aggregate table per case (time per node, sorted by total).
//
// Output per case: a JSON line {"name": "zoo/symgrad/<net>", "size": "b<batch>_t<threads>", ...,
// "unit": "ms"}, a JSON line "zoo/check/<net>" with the difference, and `RESULT
// symgrad_zoo_<net>_b<batch>_t<threads> <ms> ms` for bench/compare.py zoo, which runs the MXNet
// peer in the same run. Exit status 1 when an output differs from MXNet's by more than 1e-3 of
// the output's largest magnitude.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <symgrad/core/profiler.hpp>
#include <symgrad/cpu/conv_gemm.hpp>
#include <symgrad/cpu/depthwise.hpp>
#include <symgrad/cpu/gemm.hpp>  // host::blas_core()
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>  // load_checkpoint
#include <thread>
#include <vector>

#include "bench_common.hpp"

namespace sg = symgrad;

namespace {

const char* const kUsage =
    "usage: zoo --export DIR [--models NAME...] [--batch N...] [--reps N] [--min-ms MS] [--only S]\n"
    "           [--depthwise simd|loops|both] [--fusion on|off|both]\n"
    "           [--gemm tuned|own|blas ...] [--profile N]\n";

using Kernel = sg::host::conv::DepthwiseKernel;

struct Net {
  std::string name;
  Kernel kernel = Kernel::simd;
  sg::host::conv::ConvGemm gemm = sg::host::conv::ConvGemm::tuned;
  std::int64_t batch = 1;
  sg::Executor ex;
  double diff = 0, scale = 0;
};

void forward(Net& n) {
  sg::host::conv::depthwise_kernel() = n.kernel;
  sg::host::conv::conv_gemm() = n.gemm;
  n.ex.forward(false);
  sg::host::conv::depthwise_kernel() = Kernel::simd;
  sg::host::conv::conv_gemm() = sg::host::conv::ConvGemm::tuned;
}

// Whether the network's symbol JSON has a grouped convolution (num_group other than 1).
bool grouped(const std::string& json_path) {
  std::ifstream f(json_path);
  const std::string json((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::string key = "\"num_group\": \"";
  for (auto p = json.find(key); p != std::string::npos; p = json.find(key, p + 1))
    if (json.compare(p + key.size(), 2, "1\"") != 0) return true;
  return false;
}

std::int64_t side(const std::string& name) { return name.rfind("inception", 0) == 0 ? 299 : 224; }

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::vector<std::string> models = {"resnet18_v1", "resnet50_v1", "mobilenet1.0", "mobilenetv2_1.0",
                                     "densenet121", "vgg11_bn",    "inceptionv3"};
  std::vector<std::int64_t> batches = {1, 8};
  std::string depthwise = "simd", fusion = "on", gemm = "";
  int profile = 0;
  bench::Options o;
  o.reps = 5;
  o.min_ms = 200;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto list = [&](auto add) {  // the values up to the next option
      bool any = false;
      while (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0) add(argv[++i]), any = true;
      if (!any) std::fprintf(stderr, "%s needs a value\n%s", a.c_str(), kUsage), std::exit(2);
    };
    if (a == "--export")
      list([&](const char* v) { dir = v; });
    else if (a == "--models")
      models.clear(), list([&](const char* v) { models.emplace_back(v); });
    else if (a == "--batch")
      batches.clear(), list([&](const char* v) { batches.push_back(std::atol(v)); });
    else if (a == "--reps")
      list([&](const char* v) { o.reps = std::max(1, std::atoi(v)); });
    else if (a == "--min-ms")
      list([&](const char* v) { o.min_ms = std::max(0.0, std::atof(v)); });
    else if (a == "--depthwise")
      list([&](const char* v) { depthwise = v; });
    else if (a == "--gemm")
      list([&](const char* v) { gemm += std::string(v) + " "; });
    else if (a == "--fusion")
      list([&](const char* v) { fusion = v; });
    else if (a == "--profile")
      list([&](const char* v) { profile = std::max(0, std::atoi(v)); });
    else if (a == "--only")
      list([&](const char* v) { o.only = v; });
    else
      std::fprintf(stderr, "unknown option %s\n%s", a.c_str(), kUsage), std::exit(2);
  }
  if (dir.empty()) std::fprintf(stderr, "--export DIR is required\n%s", kUsage), std::exit(2);
  std::vector<Kernel> kernels;
  if (depthwise == "simd" || depthwise == "both") kernels.push_back(Kernel::simd);
  if (depthwise == "loops" || depthwise == "both") kernels.push_back(Kernel::loops);
  if (kernels.empty()) std::fprintf(stderr, "--depthwise: simd, loops or both\n%s", kUsage), std::exit(2);
  std::vector<bool> fusions;
  if (fusion == "on" || fusion == "both") fusions.push_back(true);
  if (fusion == "off" || fusion == "both") fusions.push_back(false);
  if (fusions.empty()) std::fprintf(stderr, "--fusion: on, off or both\n%s", kUsage), std::exit(2);
  using Gemm = sg::host::conv::ConvGemm;
  std::vector<Gemm> gemms;
  if (gemm.empty()) gemm = "tuned ";
  for (auto [word, kind] : {std::pair{"tuned ", Gemm::tuned}, {"own ", Gemm::own}, {"blas ", Gemm::blas}})
    if (gemm.find(word) != std::string::npos) gemms.push_back(kind);
  if (gemms.empty()) std::fprintf(stderr, "--gemm: tuned, own or blas\n%s", kUsage), std::exit(2);
  int threads = bench::env_threads();
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  std::printf("# threads %d, OpenBLAS core %s\n", threads, sg::host::blas_core());

  std::vector<std::unique_ptr<Net>> nets;
  for (const auto& name : models) {
    const std::string prefix = dir + "/" + name;
    auto ck = sg::load_checkpoint(prefix, 0);
    auto io = sg::nd::load(prefix + "-io.params");
    const bool has_groups = grouped(prefix + "-symbol.json");
    const sg::NDArray& x = io.at("data");
    const sg::NDArray& y = io.at("out");
    for (std::int64_t b : batches)
      for (Kernel k : kernels)
        for (bool fused : fusions)
          for (Gemm gm : gemms) {
            if (!bench::wanted(o, name + "_b" + std::to_string(b))) continue;
            if (k == Kernel::loops && kernels.size() > 1 && !has_groups) continue;
            if (b > x.shape()[0]) {
              std::fprintf(stderr, "batch %lld: the saved batch has only %lld samples\n",
                           static_cast<long long>(b), static_cast<long long>(x.shape()[0]));
              return 2;
            }
            auto n = std::make_unique<Net>();
            n->name = name + (k == Kernel::loops && kernels.size() > 1 ? "_dwloops" : "") +
                      (!fused && fusions.size() > 1 ? "_plain" : "") +
                      (gemms.size() < 2   ? ""
                       : gm == Gemm::own  ? "_own"
                       : gm == Gemm::blas ? "_blas"
                                          : "_tuned");
            n->gemm = gm;
            n->kernel = k;
            n->batch = b;
            const std::int64_t s = side(name);
            n->ex = ck.symbol.simple_bind(sg::cpu(), {{"data", {b, 3, s, s}}},
                                          {.grad_req = "null", .inference_fusion = fused});
            n->ex.copy_params_from(ck.arg_params, ck.aux_params);
            sg::NDArray in = n->ex.arg_dict().at("data");
            std::copy_n(x.data<float>(), in.size(), in.data<float>());
            forward(*n);
            const sg::NDArray& out = n->ex.outputs()[0];
            const float* got = out.data<float>();
            const float* want = y.data<float>();
            for (std::int64_t i = 0; i < out.size(); ++i) {
              n->diff = std::max(n->diff, double(std::abs(got[i] - want[i])));
              n->scale = std::max(n->scale, double(std::abs(want[i])));
            }
            std::printf("# %s b%lld: output %s, largest |MXNet - symgrad| %.3g (largest |output| %.3g)\n",
                        n->name.c_str(), static_cast<long long>(b), out.shape().str().c_str(), n->diff,
                        n->scale);
            const std::string d = n->ex.debug_str();
            if (auto p = d.find("memory plan: "); p != std::string::npos)
              std::printf("# %s b%lld: %s", n->name.c_str(), static_cast<long long>(b), d.substr(p).c_str());
            std::fflush(stdout);
            nets.push_back(std::move(n));
          }
  }

  std::vector<bench::Case> cases;
  for (auto& n : nets) {
    Net* p = n.get();
    cases.emplace_back(n->name + "_b" + std::to_string(n->batch), [p] { forward(*p); });
  }
  bench::run(cases, o);
  if (o.callgrind) return 0;
  for (std::size_t i = 0; profile > 0 && i < cases.size(); ++i) {
    sg::profiler::dumps(true);
    sg::profiler::set_state("run");
    for (int r = 0; r < profile; ++r) forward(*nets[i]);
    sg::profiler::set_state("stop");
    std::printf("# profile of %s, %d forward calls\n%s", cases[i].name.c_str(), profile,
                sg::profiler::dumps(true).c_str());
  }
  bool ok = true;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Net& n = *nets[i];
    const std::string size = "b" + std::to_string(n.batch) + "_t" + std::to_string(threads);
    auto t = bench::stats(cases[i].ns);
    bench::json("zoo/symgrad/" + n.name, size, {t.median * 1e-6, t.min * 1e-6, t.max * 1e-6, t.n}, "ms");
    bench::json_value("zoo/check/" + n.name, size, n.diff, "max abs diff vs MXNet");
    bench::result("symgrad_zoo_" + n.name + "_" + size, t.median * 1e-6, "ms");
    if (!(n.diff <= 1e-3 * std::max(n.scale, 1.0))) {
      std::printf("# %s %s: output differs from MXNet's by %.3g\n", n.name.c_str(), size.c_str(), n.diff);
      ok = false;
    }
  }
  return ok ? 0 : 1;
}
