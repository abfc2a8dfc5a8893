// The depthwise convolutions of MobileNet v1 and v2 (224x224 input), one Convolution layer each
// (3x3, pad 1, num_group = channels, no bias), forward(false) through an executor:
//   <layer>_simd   the vectorised kernel (cpu/depthwise-inl.hpp)
//   <layer>_loops  the direct loops it replaced (host::conv::depthwise_kernel() = loops)
//   triad          STREAM triad a[i] = b[i] + s*c[i] on 3 arrays of --triad-size floats (DRAM)
// all interleaved. Figures per layer: ms, GB/s of compulsory traffic ((input + output) · 4 bytes,
// the weights are negligible), that bandwidth as a fraction of the triad's in the same run, and
// the speed-up of simd over loops. The largest difference between the two kernels' outputs is
// printed first. Threads: SYMGRAD_NUM_THREADS / OMP_NUM_THREADS, default every core.
//
//   OMP_NUM_THREADS=1 build/bench/depthwise [--reps 7] [--min-ms 20] [--size 1 --size 8] [--only v1_]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <symgrad/cpu/depthwise.hpp>
#include <symgrad/symgrad.hpp>
#include <thread>
#include <vector>

#include "bench_common.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

struct Layer {
  const char* name;
  std::int64_t channels, side, stride;
};
// The distinct depthwise layers (channels, input side, stride) of mobilenet1.0 and mobilenetv2_1.0.
const Layer kLayers[] = {
    {"v1_32x112_s1", 32, 112, 1}, {"v1_64x112_s2", 64, 112, 2}, {"v1_128x56_s1", 128, 56, 1},
    {"v1_128x56_s2", 128, 56, 2}, {"v1_256x28_s1", 256, 28, 1}, {"v1_256x28_s2", 256, 28, 2},
    {"v1_512x14_s1", 512, 14, 1}, {"v1_512x14_s2", 512, 14, 2}, {"v1_1024x7_s1", 1024, 7, 1},
    {"v2_96x112_s2", 96, 112, 2}, {"v2_144x56_s1", 144, 56, 1}, {"v2_144x56_s2", 144, 56, 2},
    {"v2_192x28_s1", 192, 28, 1}, {"v2_192x28_s2", 192, 28, 2}, {"v2_384x14_s1", 384, 14, 1},
    {"v2_576x14_s1", 576, 14, 1}, {"v2_576x14_s2", 576, 14, 2}, {"v2_960x7_s1", 960, 7, 1},
};

struct Bound {
  std::string name;
  std::int64_t batch;
  double bytes;
  sg::Executor ex;
};

using Kernel = sg::host::conv::DepthwiseKernel;

void run_with(sg::Executor& ex, Kernel k) {
  sg::host::conv::depthwise_kernel() = k;
  ex.forward(false);
  sg::host::conv::depthwise_kernel() = Kernel::simd;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = bench::parse(
      argc, argv, "usage: depthwise [--reps N] [--min-ms MS] [--size BATCH]... [--only S] [--callgrind N]\n");
  if (o.reps == 11) o.reps = 7;
  std::vector<long> batches = o.sizes.empty() ? std::vector<long>{1, 8} : o.sizes;
  int threads = bench::env_threads();
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  std::printf("# threads %d\n", threads);

  std::vector<std::unique_ptr<Bound>> layers;
  for (long b : batches)
    for (const Layer& l : kLayers) {
      const std::string name = std::string(l.name) + "_b" + std::to_string(b);
      if (!bench::wanted(o, name)) continue;
      Symbol net = convolution(var("data"), {.kernel = {3, 3},
                                             .stride = {l.stride, l.stride},
                                             .pad = {1, 1},
                                             .num_filter = l.channels,
                                             .num_group = l.channels,
                                             .no_bias = true,
                                             .name = "dw"});
      auto u = std::make_unique<Bound>();
      u->name = name;
      u->batch = b;
      u->ex = net.simple_bind(sg::cpu(), {{"data", {b, l.channels, l.side, l.side}}}, {.grad_req = "null"});
      sg::nd::random::Generator gen(11);
      for (auto [n, arr] : u->ex.arg_dict()) {
        float* p = arr.data<float>();
        for (std::int64_t i = 0; i < arr.size(); ++i) p[i] = static_cast<float>(gen.uniform01() - 0.5);
      }
      const std::int64_t os = (l.side - 1) / l.stride + 1;
      u->bytes = 4.0 * double(b * l.channels) * double(l.side * l.side + os * os);
      run_with(u->ex, Kernel::loops);
      sg::NDArray want = u->ex.outputs()[0].copy();
      run_with(u->ex, Kernel::simd);
      std::printf("# %s: largest |simd - loops| %.3g\n", name.c_str(),
                  sg::nd::max_abs_diff(u->ex.outputs()[0], want));
      layers.push_back(std::move(u));
    }

  const std::size_t tn = 1 << 24;  // 3 arrays of 64 MiB: DRAM
  std::vector<float> ta(tn, 0.f), tb(tn, 1.f), tc(tn, 2.f);
  std::vector<bench::Case> cases;
  for (auto& u : layers) {
    Bound* p = u.get();
    cases.emplace_back(u->name + "_simd", [p] { run_with(p->ex, Kernel::simd); });
    cases.emplace_back(u->name + "_loops", [p] { run_with(p->ex, Kernel::loops); });
  }
  cases.emplace_back("triad", [&] {
    float *a = ta.data(), *b = tb.data(), *c = tc.data();
    sg::host::parallel_for(tn, 1 << 16, 64, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) a[i] = b[i] + 3.f * c[i];
    });
    bench::clobber();
  });
  bench::run(cases, o);
  if (o.callgrind) return 0;

  const double triad_gbs = 12.0 * double(tn) / bench::stats(cases.back().ns).median;
  const std::string ts = "t" + std::to_string(threads);
  bench::json_value("depthwise/triad", ts, triad_gbs, "GB/s");
  bench::result("symgrad_depthwise_triad_" + ts, triad_gbs, "GB/s");
  std::printf("# layer | simd ms | loops ms | simd GB/s | fraction of triad (%.1f GB/s) | loops / simd\n",
              triad_gbs);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Bound& u = *layers[i];
    const auto s = bench::stats(cases[2 * i].ns), l = bench::stats(cases[2 * i + 1].ns);
    const double gbs = u.bytes / s.median;
    bench::json("depthwise/" + u.name + "_simd", ts, {s.median * 1e-6, s.min * 1e-6, s.max * 1e-6, s.n},
                "ms");
    bench::json("depthwise/" + u.name + "_loops", ts, {l.median * 1e-6, l.min * 1e-6, l.max * 1e-6, l.n},
                "ms");
    bench::json_value("depthwise/" + u.name + "_simd_fraction_of_triad", ts, gbs / triad_gbs, "x");
    std::printf("# %s | %.4f | %.4f | %.1f | %.2f | %.2f\n", u.name.c_str(), s.median * 1e-6, l.median * 1e-6,
                gbs, gbs / triad_gbs, l.median / s.median);
  }
  return 0;
}
