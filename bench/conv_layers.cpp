// The distinct convolution layers of ResNet-50 v1 (gluon's model zoo, 224x224 input) and the
// dense layers of MobileNet v2 with few channels or pixels (named m2_), one
// Convolution each (no bias) through an executor, forward(false), with each GEMM of
// cpu/conv_gemm.hpp forced in turn:
//   <layer>_own    the library's own kernel (panels from the image, 6x16 micro-kernel)
//   <layer>_blas   im2col (none for 1x1 stride 1) and OpenBLAS's sgemm
//   peak           12 independent chains of vector FMAs on each thread: the FP32 peak
// all interleaved. Figures per layer: ms, GFLOP/s (2 · F · C/G · k² · output pixels · batch) and
// that as a fraction of the peak measured in the same run, and the faster of the two (what the
// per-shape tuning, SYMGRAD_CONV_GEMM=tuned, the default, should pick). Threads: SYMGRAD_NUM_THREADS /
// OMP_NUM_THREADS, default every core.
//
//   OPENBLAS_CORETYPE=Haswell OMP_NUM_THREADS=1 build/bench/conv_layers [--reps 7] [--min-ms 20]
//       [--size 1 --size 8] [--only s3_]
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <symgrad/cpu/conv_gemm.hpp>
#include <symgrad/cpu/parallel.hpp>
#include <symgrad/symgrad.hpp>
#include <thread>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "bench_common.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using Gemm = sg::host::conv::ConvGemm;

namespace {

struct Layer {
  const char* name;
  std::int64_t side, in, out, k, stride;
};
// (input side, channels in, filters, kernel, stride); pad is k / 2.
const Layer kLayers[] = {
    {"s0_7x7_3_64_s2", 224, 3, 64, 7, 2},
    {"s1_1x1_64_64", 56, 64, 64, 1, 1},
    {"s1_3x3_64_64", 56, 64, 64, 3, 1},
    {"s1_1x1_64_256", 56, 64, 256, 1, 1},
    {"s1_1x1_256_64", 56, 256, 64, 1, 1},
    {"s2_1x1_256_128_s2", 56, 256, 128, 1, 2},
    {"s2_3x3_128_128", 28, 128, 128, 3, 1},
    {"s2_1x1_128_512", 28, 128, 512, 1, 1},
    {"s2_1x1_512_128", 28, 512, 128, 1, 1},
    {"s2_1x1_256_512_s2", 56, 256, 512, 1, 2},
    {"s3_1x1_512_256_s2", 28, 512, 256, 1, 2},
    {"s3_3x3_256_256", 14, 256, 256, 3, 1},
    {"s3_1x1_256_1024", 14, 256, 1024, 1, 1},
    {"s3_1x1_1024_256", 14, 1024, 256, 1, 1},
    {"s3_1x1_512_1024_s2", 28, 512, 1024, 1, 2},
    {"s4_1x1_1024_512_s2", 14, 1024, 512, 1, 2},
    {"s4_3x3_512_512", 7, 512, 512, 3, 1},
    {"s4_1x1_512_2048", 7, 512, 2048, 1, 1},
    {"s4_1x1_2048_512", 7, 2048, 512, 1, 1},
    {"s4_1x1_1024_2048_s2", 14, 1024, 2048, 1, 2},
    // MobileNet v2's dense layers with few channels or pixels (m2_)
    {"m2_3x3_3_32_s2", 224, 3, 32, 3, 2},
    {"m2_1x1_32_32", 112, 32, 32, 1, 1},
    {"m2_1x1_32_16", 112, 32, 16, 1, 1},
    {"m2_1x1_16_96", 112, 16, 96, 1, 1},
    {"m2_1x1_24_144", 56, 24, 144, 1, 1},
    {"m2_1x1_144_24", 56, 144, 24, 1, 1},
    {"m2_1x1_160_960", 7, 160, 960, 1, 1},
    {"m2_1x1_320_1280", 7, 320, 1280, 1, 1},
    {"m2_1x1_1280_1000", 1, 1280, 1000, 1, 1},
};

struct Bound {
  std::string name;
  double flops;
  sg::Executor ex;
};

void run_with(sg::Executor& ex, Gemm g) {
  const Gemm before = sg::host::conv::conv_gemm();
  sg::host::conv::conv_gemm() = g;
  ex.forward(false);
  sg::host::conv::conv_gemm() = before;
}

// 12 independent FMA chains per thread, `iters` steps: 2 · lanes · 12 · iters flops per thread.
float fma_chains(std::size_t iters) {
  using B = xsimd::batch<float>;
  B acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = B(1.0f + 0.001f * float(i));
  const B m(0.999999f), a(1e-7f);
  for (std::size_t t = 0; t < iters; ++t)
    for (int i = 0; i < 12; ++i) acc[i] = xsimd::fma(acc[i], m, a);
  B s = acc[0];
  for (int i = 1; i < 12; ++i) s += acc[i];
  alignas(64) float lanes[B::size];
  s.store_aligned(lanes);
  float total = 0;
  for (float v : lanes) total += v;
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = bench::parse(
      argc, argv,
      "usage: conv_layers [--reps N] [--min-ms MS] [--size BATCH]... [--only S] [--callgrind N]\n");
  if (o.reps == 11) o.reps = 7;
  std::vector<long> batches = o.sizes.empty() ? std::vector<long>{1} : o.sizes;
  int threads = bench::env_threads();
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  std::printf("# threads %d, OpenBLAS core %s\n", threads, sg::host::blas_core());

  std::vector<std::unique_ptr<Bound>> layers;
  for (long b : batches)
    for (const Layer& l : kLayers) {
      const std::string name = std::string(l.name) + "_b" + std::to_string(b);
      if (!bench::wanted(o, name)) continue;
      Symbol net = convolution(var("data"), {.kernel = {l.k, l.k},
                                             .stride = {l.stride, l.stride},
                                             .pad = {l.k / 2, l.k / 2},
                                             .num_filter = l.out,
                                             .no_bias = true,
                                             .name = "c"});
      auto u = std::make_unique<Bound>();
      u->name = name;
      u->ex = net.simple_bind(sg::cpu(), {{"data", {b, l.in, l.side, l.side}}}, {.grad_req = "null"});
      sg::nd::random::Generator gen(11);
      for (auto [n, arr] : u->ex.arg_dict()) {
        float* p = arr.data<float>();
        for (std::int64_t i = 0; i < arr.size(); ++i) p[i] = static_cast<float>(gen.uniform01() - 0.5);
      }
      const std::int64_t os = (l.side + 2 * (l.k / 2) - l.k) / l.stride + 1;
      u->flops = 2.0 * double(b) * double(l.out) * double(l.in * l.k * l.k) * double(os * os);
      run_with(u->ex, Gemm::blas);
      sg::NDArray want = u->ex.outputs()[0].copy();
      run_with(u->ex, Gemm::own);
      std::printf("# %s: largest |own - blas| %.3g\n", name.c_str(),
                  sg::nd::max_abs_diff(u->ex.outputs()[0], want));
      layers.push_back(std::move(u));
    }

  const std::size_t peak_iters = 1 << 22;
  std::vector<float> sink(static_cast<std::size_t>(threads));
  std::vector<bench::Case> cases;
  for (auto& u : layers) {
    Bound* p = u.get();
    cases.emplace_back(u->name + "_own", [p] { run_with(p->ex, Gemm::own); });
    cases.emplace_back(u->name + "_blas", [p] { run_with(p->ex, Gemm::blas); });
  }
  cases.emplace_back("peak", [&] {
    sg::host::ThreadPool::instance().run(static_cast<std::size_t>(threads),
                                         [&](std::size_t t) { sink[t] = fma_chains(peak_iters); });
    bench::clobber();
  });
  bench::run(cases, o);
  if (o.callgrind) return 0;

  const double peak = double(threads) * 2.0 * double(xsimd::batch<float>::size) * 12.0 * double(peak_iters) /
                      bench::stats(cases.back().ns).median;  // GFLOP/s (flops per ns)
  const std::string ts = "t" + std::to_string(threads);
  bench::json_value("conv_layers/peak", ts, peak, "GFLOP/s");
  bench::result("symgrad_conv_layers_peak_" + ts, peak, "GFLOP/s");
  std::printf(
      "# layer | own ms | blas ms | own GFLOP/s | blas GFLOP/s | own / peak | blas / peak | faster "
      "(peak %.1f GFLOP/s)\n",
      peak);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Bound& u = *layers[i];
    const auto a = bench::stats(cases[2 * i].ns), b = bench::stats(cases[2 * i + 1].ns);
    const double ga = u.flops / a.median, gb = u.flops / b.median;
    bench::json("conv_layers/" + u.name + "_own", ts, {a.median * 1e-6, a.min * 1e-6, a.max * 1e-6, a.n},
                "ms");
    bench::json("conv_layers/" + u.name + "_blas", ts, {b.median * 1e-6, b.min * 1e-6, b.max * 1e-6, b.n},
                "ms");
    bench::json_value("conv_layers/" + u.name + "_own_fraction_of_peak", ts, ga / peak, "x");
    bench::json_value("conv_layers/" + u.name + "_blas_fraction_of_peak", ts, gb / peak, "x");
    std::printf("# %s | %.3f | %.3f | %.1f | %.1f | %.2f | %.2f | %s\n", u.name.c_str(), a.median * 1e-6,
                b.median * 1e-6, ga, gb, ga / peak, gb / peak, ga > gb ? "own" : "blas");
  }
  return 0;
}
