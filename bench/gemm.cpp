// FullyConnected forward + backward against the raw BLAS calls it makes. For each size
// (batch M, inputs K, outputs N):
//   fc          a bound FullyConnected symbol (with bias): forward(true) + backward(head)
//   fc_no_bias  the same with no_bias=true (only the GEMMs and the executor around them)
//   blas        the three cblas_sgemm calls by hand: Y = X·Wᵀ, dX = dY·W, dW = dYᵀ·X
// GFLOP/s count the three GEMMs only (3 · 2·M·N·K flop) for all three cases, so a lower figure
// is time spent outside the GEMMs. Thread count: SYMGRAD_NUM_THREADS / OMP_NUM_THREADS (both
// the library's pool and OpenBLAS read OMP_NUM_THREADS), default every core. Run with
// OPENBLAS_CORETYPE set on CPUs newer than the OpenBLAS build (see bench/peers/README.md).
//
//   OPENBLAS_CORETYPE=SkylakeX build/bench/gemm [--reps 11] [--min-ms 20] [--only 1024] [--callgrind N]
#include <cblas.h>

#include <cstdio>
#include <string>
#include <symgrad/cpu/gemm.hpp>  // host::blas_core()
#include <symgrad/symgrad.hpp>
#include <vector>

#include "bench_common.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

void fill(sg::NDArray& a, std::uint64_t seed) {
  sg::nd::random::Generator gen(seed);
  float* p = a.data<float>();
  for (std::int64_t i = 0; i < a.size(); ++i) p[i] = static_cast<float>(gen.uniform01() - 0.5);
}

struct Raw {
  int M, K, N;
  std::vector<float> x, w, y, dy, dx, dw;
  Raw(int m, int k, int n)
      : M(m),
        K(k),
        N(n),
        x(std::size_t(m) * k),
        w(std::size_t(n) * k),
        y(std::size_t(m) * n),
        dy(std::size_t(m) * n, 1.f),
        dx(std::size_t(m) * k),
        dw(std::size_t(n) * k) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 17) * 0.01f - 0.08f;
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 13) * 0.01f - 0.06f;
  }
  void step() {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.f, x.data(), K, w.data(), K, 0.f,
                y.data(), N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, K, N, 1.f, dy.data(), N, w.data(), K, 0.f,
                dx.data(), K);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, K, M, 1.f, dy.data(), N, x.data(), K, 0.f,
                dw.data(), K);
    bench::clobber();
  }
};

struct Bound {
  sg::Executor ex;
  std::vector<sg::NDArray> head;
  Bound(int M, int K, int N, bool no_bias) {
    ex = fully_connected(var("data"), {.num_hidden = N, .no_bias = no_bias, .name = "fc"})
             .simple_bind(sg::cpu(), {{"data", {M, K}}});
    std::uint64_t seed = 1;
    for (auto [name, arr] : ex.arg_dict()) fill(arr, seed++);
    head.push_back(sg::nd::ones({M, N}));
  }
  void step() {
    ex.forward(true);
    ex.backward(head);
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto o =
      bench::parse(argc, argv, "usage: gemm [--reps N] [--min-ms MS] [--only SUBSTRING] [--callgrind N]\n");
  std::printf("# threads %d (0 = every core), OpenBLAS core %s, OpenBLAS threads %d\n", bench::env_threads(),
              sg::host::blas_core(), openblas_get_num_threads());
  struct Size {
    int M, K, N;
  };
  for (Size s : {Size{128, 784, 512}, Size{512, 784, 512}, Size{1024, 1024, 1024}}) {
    std::string size = std::to_string(s.M) + "x" + std::to_string(s.K) + "->" + std::to_string(s.N);
    if (!bench::wanted(o, size)) continue;
    Bound fc(s.M, s.K, s.N, false), fcn(s.M, s.K, s.N, true);
    Raw raw(s.M, s.K, s.N);
    std::vector<bench::Case> cases{
        {"fc", [&] { fc.step(); }}, {"fc_no_bias", [&] { fcn.step(); }}, {"blas", [&] { raw.step(); }}};
    bench::run(cases, o);
    if (o.callgrind) continue;
    const double flop = 3.0 * 2.0 * s.M * s.N * s.K;
    for (auto& c : cases) {
      auto t = bench::stats(c.ns);
      bench::json("gemm/" + c.name + "_ms", size, {t.median * 1e-6, t.min * 1e-6, t.max * 1e-6, t.n}, "ms");
      // GFLOP/s: the fastest sample is the max.
      bench::json("gemm/" + c.name + "_gflops", size, {flop / t.median, flop / t.max, flop / t.min, t.n},
                  "GFLOP/s");
      bench::result("symgrad_gemm_" + c.name + "_" + std::to_string(s.M) + "x" + std::to_string(s.K) + "x" +
                        std::to_string(s.N),
                    flop / t.median, "GFLOP/s");
    }
    double fc_t = bench::stats(cases[0].ns).median, fcn_t = bench::stats(cases[1].ns).median,
           raw_t = bench::stats(cases[2].ns).median;
    bench::json_value("gemm/ratio_fc_over_blas", size, fc_t / raw_t, "x (time)");
    bench::json_value("gemm/ratio_fc_no_bias_over_blas", size, fcn_t / raw_t, "x (time)");
    std::fflush(stdout);
  }
  return 0;
}
