// Elementwise bandwidth on large float arrays (default 16M elements = 64 MiB per array, so DRAM):
//   fused2    typed `a*b + c*d`, bound and run with forward(false): one fused kernel
//   unfused2  the same from untyped Symbols: one kernel per operator (3), temporaries in memory
//   hand2     a plain loop over the same arrays
//   fused6    typed `relu(a*b + c)*d - exp(a)` (6 operators), one fused kernel
//   unfused6  the same from untyped Symbols, 6 kernels
//   hand6     a hand-written xsimd loop of the same arithmetic
//   triad     STREAM triad a[i] = b[i] + s*c[i]
// GB/s count each kernel's distinct inputs and its output once (STREAM's convention, write-
// allocate traffic not counted): 20 bytes per element for both chains, 12 for the triad; the
// unfused forms are charged the same bytes as the fused ones, so their figure is an effective
// bandwidth. The loops and the triad run on the library's thread pool with its grain, so every
// case uses the same threads: SYMGRAD_NUM_THREADS / OMP_NUM_THREADS, default every core.
//
//   build/bench/elementwise [--reps 11] [--size 16777216] [--only 2|6|triad] [--callgrind N]
#include <cmath>
#include <cstdio>
#include <string>
#include <symgrad/symgrad.hpp>
#include <vector>

#include "bench_common.hpp"

namespace sg = symgrad;
namespace host = symgrad::host;
using namespace sg::sym;

namespace {

// Four inputs and an output of n floats, filled alike for every case.
struct Arrays {
  std::int64_t n;
  sg::NDArray a, b, c, d, y;
  explicit Arrays(std::int64_t n_)
      : n(n_), a(sg::Shape{n_}), b(sg::Shape{n_}), c(sg::Shape{n_}), d(sg::Shape{n_}), y(sg::Shape{n_}) {
    std::uint64_t seed = 1;
    for (sg::NDArray* x : {&a, &b, &c, &d}) {
      sg::nd::random::Generator gen(seed++);
      float* p = x->data<float>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(gen.uniform01() - 0.5);
    }
  }
};

sg::Executor bind(const Symbol& s, Arrays& x) {
  std::int64_t n = x.n;
  auto ex = s.simple_bind(sg::cpu(), {{"a", {n}}, {"b", {n}}, {"c", {n}}, {"d", {n}}}, {.grad_req = "null"});
  auto args = ex.arg_dict();
  for (auto [name, arr] : args) {
    const sg::NDArray& src = name == "a" ? x.a : name == "b" ? x.b : name == "c" ? x.c : x.d;
    arr.copy_from(src);
  }
  return ex;
}

template <class Body>
void par(std::int64_t n, Body&& body) {
  host::parallel_for(static_cast<std::size_t>(n), host::kParallelGrain, host::lanes<float>(),
                     [&](std::size_t b, std::size_t e) { body(b, e); });
}

void hand2(Arrays& x) {
  const float *a = x.a.data<float>(), *b = x.b.data<float>(), *c = x.c.data<float>(), *d = x.d.data<float>();
  float* y = x.y.data<float>();
  par(x.n, [&](std::size_t s, std::size_t e) {
    for (std::size_t i = s; i < e; ++i) y[i] = a[i] * b[i] + c[i] * d[i];
  });
  bench::clobber();
}

void hand6(Arrays& x) {
  using B = host::Batch<float>;
  constexpr std::size_t L = host::lanes<float>();
  const float *a = x.a.data<float>(), *b = x.b.data<float>(), *c = x.c.data<float>(), *d = x.d.data<float>();
  float* y = x.y.data<float>();
  par(x.n, [&](std::size_t s, std::size_t e) {
    std::size_t i = s;
    for (; i + L <= e; i += L) {
      B va = B::load_unaligned(a + i);
      B t = xsimd::fma(va, B::load_unaligned(b + i), B::load_unaligned(c + i));
      t = xsimd::max(t, B(0.f)) * B::load_unaligned(d + i) - xsimd::exp(va);
      t.store_unaligned(y + i);
    }
    for (; i < e; ++i) y[i] = std::max(a[i] * b[i] + c[i], 0.f) * d[i] - std::exp(a[i]);
  });
  bench::clobber();
}

void triad(Arrays& x) {
  const float *b = x.b.data<float>(), *c = x.c.data<float>();
  float* a = x.y.data<float>();
  const float s = 3.f;
  par(x.n, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) a[i] = b[i] + s * c[i];
  });
  bench::clobber();
}

// Largest absolute difference between an executor's output and the hand loop's (values are O(1)).
double max_diff(const sg::NDArray& got, const sg::NDArray& want) {
  double m = 0;
  const float *g = got.data<float>(), *w = want.data<float>();
  for (std::int64_t i = 0; i < got.size(); ++i) m = std::max(m, std::abs(double(g[i]) - w[i]));
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = bench::parse(argc, argv,
                        "usage: elementwise [--reps N] [--size N] [--only SUBSTRING] [--callgrind N]\n");
  const std::int64_t n = o.sizes.empty() ? (std::int64_t{1} << 24) : o.sizes.front();
  std::printf("# threads %zu (pool), %lld floats per array\n", host::ThreadPool::instance().num_threads(),
              static_cast<long long>(n));
  Arrays x(n);

  auto ta = var<"a">(sg::shape<sg::dyn>), tb = var<"b">(sg::shape<sg::dyn>),
       tc = var<"c">(sg::shape<sg::dyn>), td = var<"d">(sg::shape<sg::dyn>);
  Symbol a = var("a"), b = var("b"), c = var("c"), d = var("d");
  sg::Executor f2 = bind(ta * tb + tc * td, x), u2 = bind(a * b + c * d, x);
  sg::Executor f6 = bind(relu(ta * tb + tc) * td - exp(ta), x), u6 = bind(relu(a * b + c) * d - exp(a), x);

  // The fused forms must be one kernel and compute what the loops compute.
  for (auto* e : {&f2, &f6})
    if (e->debug_str().find("_fused[") == std::string::npos) {
      std::fprintf(stderr, "the typed expression was not fused:\n%s\n", e->debug_str().c_str());
      return 1;
    }
  hand2(x);
  double e2 = std::max(max_diff(f2.forward(false)[0], x.y), max_diff(u2.forward(false)[0], x.y));
  hand6(x);
  double e6 = std::max(max_diff(f6.forward(false)[0], x.y), max_diff(u6.forward(false)[0], x.y));
  std::printf("# largest difference from the hand loops: chain2 %.2g, chain6 %.2g\n", e2, e6);

  std::vector<bench::Case> cases;
  auto add = [&](const char* name, std::function<void()> f) {
    if (bench::wanted(o, name)) cases.emplace_back(name, std::move(f));
  };
  add("fused2", [&] { f2.forward(false); });
  add("unfused2", [&] { u2.forward(false); });
  add("hand2", [&] { hand2(x); });
  add("fused6", [&] { f6.forward(false); });
  add("unfused6", [&] { u6.forward(false); });
  add("hand6", [&] { hand6(x); });
  add("triad", [&] { triad(x); });
  bench::run(cases, o);
  if (o.callgrind) return 0;

  const std::string size = std::to_string(n);
  std::vector<double> gbs_med(cases.size());
  double triad_gbs = 0;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    auto& cs = cases[k];
    const double bytes = (cs.name == "triad" ? 12.0 : 20.0) * static_cast<double>(n);
    auto t = bench::stats(cs.ns);
    bench::json("elementwise/" + cs.name + "_ms", size, {t.median * 1e-6, t.min * 1e-6, t.max * 1e-6, t.n},
                "ms");
    bench::json("elementwise/" + cs.name + "_gbs", size,
                {bytes / t.median, bytes / t.max, bytes / t.min, t.n}, "GB/s");
    bench::result("symgrad_elementwise_" + cs.name, bytes / t.median, "GB/s");
    gbs_med[k] = bytes / t.median;
    if (cs.name == "triad") triad_gbs = gbs_med[k];
  }
  auto gbs = [&](const std::string& name) {
    for (std::size_t k = 0; k < cases.size(); ++k)
      if (cases[k].name == name) return gbs_med[k];
    return 0.0;
  };
  for (const char* f : {"fused2", "unfused2", "hand2", "fused6", "unfused6", "hand6"})
    if (triad_gbs > 0 && gbs(f) > 0)
      bench::json_value(std::string("elementwise/") + f + "_fraction_of_triad", size, gbs(f) / triad_gbs,
                        "fraction");
  for (const char* k : {"2", "6"}) {
    std::string f = std::string("fused") + k, u = std::string("unfused") + k, h = std::string("hand") + k;
    if (gbs(f) > 0 && gbs(u) > 0)
      bench::json_value("elementwise/speedup_" + f + "_over_" + u, size, gbs(f) / gbs(u), "x");
    if (gbs(f) > 0 && gbs(h) > 0)
      bench::json_value("elementwise/ratio_" + f + "_over_" + h, size, gbs(f) / gbs(h), "x (GB/s)");
  }
  return 0;
}
