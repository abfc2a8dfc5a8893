// Shared pieces of the benchmark executables: command-line options, interleaved timing of
// several cases, the JSON line and RESULT line formats, and the instruction-count mode.
//
// Timing: every case is calibrated once so that one sample runs at least --min-ms (a sample
// repeats the case `inner` times and records the time per call); then the cases run in turn,
// A B C A B C ..., for --reps rounds, so that machine noise hits them alike. Reported: the
// median, min and max per call over the rounds.
//
// Instruction counts (--callgrind N): no timing; each case runs once to warm up, then N times
// with callgrind's collection switched on, and the counts are dumped under the case's name:
//
//   SYMGRAD_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=Haswell valgrind
//     --tool=callgrind --collect-atstart=no --callgrind-out-file=/tmp/cg.%p
//     build/bench/infer_latency --callgrind 100        (one command line)
//   grep -H -e '^desc: Trigger' -e '^summary' /tmp/cg.*     # instructions per dump; divide by N
//
// Valgrind does not run AVX-512, so OpenBLAS must be told to use its AVX2 kernels (Haswell);
// one thread gives counts that repeat run to run. Outside valgrind the requests do nothing.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define SYMGRAD_BENCH_HAVE_CALLGRIND 1
#endif

namespace bench {

struct Options {
  int reps = 11;            // timed rounds
  double min_ms = 20;       // the least time of one sample
  int callgrind = 0;        // > 0: instruction-count mode with this many calls per case
  std::string only;         // run only the cases whose name contains this
  std::vector<long> sizes;  // overrides a bench's list of sizes (--size, repeatable)
};

inline Options parse(int argc, char** argv, const char* usage) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n%s", a.c_str(), usage);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--reps")
      o.reps = std::max(1, std::atoi(value()));
    else if (a == "--min-ms")
      o.min_ms = std::max(0.0, std::atof(value()));
    else if (a == "--callgrind")
      o.callgrind = std::max(1, std::atoi(value()));
    else if (a == "--only")
      o.only = value();
    else if (a == "--size")
      o.sizes.push_back(std::atol(value()));
    else {
      std::fprintf(stderr, "unknown option %s\n%s", a.c_str(), usage);
      std::exit(2);
    }
  }
  return o;
}

inline int env_threads() {
  for (const char* var : {"SYMGRAD_NUM_THREADS", "OMP_NUM_THREADS"})
    if (const char* v = std::getenv(var)) return std::atoi(v);
  return 0;  // the library's default: every core
}

struct Stats {
  double median = 0, min = 0, max = 0;
  std::size_t n = 0;
};
inline Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  s.min = v.front(), s.max = v.back();
  s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  return s;
}

// {"name", "size", "median", "min", "max", "repetitions", "unit"}
inline void json(const std::string& name, const std::string& size, const Stats& s, const char* unit) {
  std::printf(
      "{\"name\": \"%s\", \"size\": \"%s\", \"median\": %.6g, \"min\": %.6g, \"max\": %.6g, "
      "\"repetitions\": %zu, \"unit\": \"%s\"}\n",
      name.c_str(), size.c_str(), s.median, s.min, s.max, s.n, unit);
}
// A derived figure (a ratio of medians): median = min = max, one repetition.
inline void json_value(const std::string& name, const std::string& size, double v, const char* unit) {
  json(name, size, {v, v, v, 1}, unit);
}
// `RESULT <name> <value> <unit>`, the line bench/compare.py reads.
inline void result(const std::string& name, double v, const char* unit) {
  std::printf("RESULT %s %.6g %s\n", name.c_str(), v, unit);
  std::fflush(stdout);
}

// Keeps the compiler from dropping work whose result is not read.
inline void clobber() { asm volatile("" ::: "memory"); }

struct Case {
  Case(std::string n, std::function<void()> f) : name(std::move(n)), fn(std::move(f)) {}
  std::string name;
  std::function<void()> fn;
  int inner = 1;
  std::vector<double> ns = {};  // ns per call, one per round
};

// Times the cases interleaved; afterwards each case's `ns` holds one value per round. In
// --callgrind mode, counts instructions instead and leaves `ns` empty.
inline void run(std::vector<Case>& cases, const Options& o) {
  if (o.callgrind > 0) {
    for (auto& c : cases) {
      c.fn();
#ifdef SYMGRAD_BENCH_HAVE_CALLGRIND
      CALLGRIND_ZERO_STATS;
      CALLGRIND_TOGGLE_COLLECT;
#endif
      for (int i = 0; i < o.callgrind; ++i) c.fn();
#ifdef SYMGRAD_BENCH_HAVE_CALLGRIND
      CALLGRIND_TOGGLE_COLLECT;
      CALLGRIND_DUMP_STATS_AT((c.name + " x" + std::to_string(o.callgrind)).c_str());
#endif
      std::printf("counted %s x%d\n", c.name.c_str(), o.callgrind);
    }
    return;
  }
  using clock = std::chrono::steady_clock;
  for (auto& c : cases) {  // warm up, then calibrate
    c.fn();
    c.fn();
    int inner = 1;
    for (;;) {
      auto a = clock::now();
      for (int i = 0; i < inner; ++i) c.fn();
      double ms = std::chrono::duration<double, std::milli>(clock::now() - a).count();
      if (ms >= o.min_ms || inner >= (1 << 24)) break;
      inner = ms <= 0 ? inner * 16 : std::max(inner + 1, static_cast<int>(inner * o.min_ms / ms * 1.2));
    }
    c.inner = inner;
  }
  for (int r = 0; r < o.reps; ++r)
    for (auto& c : cases) {
      auto a = clock::now();
      for (int i = 0; i < c.inner; ++i) c.fn();
      c.ns.push_back(std::chrono::duration<double, std::nano>(clock::now() - a).count() / c.inner);
    }
}

inline bool wanted(const Options& o, const std::string& name) {
  return o.only.empty() || name.find(o.only) != std::string::npos;
}

}  // namespace bench
