// sg::profiler: timings of every executor step (forward and backward, with the node's name,
// operator, output shapes and thread), data-iterator waits and kvstore communication, as MXNet's
// mx.profiler:
//
//   sg::profiler::set_config({.filename = "profile.json", .aggregate_stats = true});
//   sg::profiler::set_state("run");
//   ... exec.forward(true); exec.backward(); ...
//   sg::profiler::set_state("stop");
//   sg::profiler::dump();                        // Chrome trace event JSON: chrome://tracing, Perfetto
//   std::cout << sg::profiler::dumps();          // operators by total time, with their share
//
// Off (the default) it costs one relaxed atomic load per step and allocates nothing.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "config.hpp"

namespace SYMGRAD_NS::profiler {

struct Config {
  std::string filename = "profile.json";
  bool profile_all = false;  // accepted as MXNet's; symgrad records the same events either way
  bool profile_symbolic = true;
  bool profile_imperative = true;
  bool profile_memory = false;
  bool profile_api = false;
  bool aggregate_stats = false;  // kept for dumps(); events are always aggregated
  bool continuous_dump = false;
};

void set_config(const Config& c);
// "run" starts recording, "stop" stops it; anything else is a ValueError.
void set_state(std::string_view state);
void pause();
void resume();
// Writes the events recorded so far to the configured file (written under a temporary name and
// renamed, so a failed dump leaves no half-written file); `finished` also clears them.
void dump(bool finished = true);
// The aggregate table: per category and name, count, total, min, max and average time and the
// share of the category's total, sorted by total time; `reset` clears the statistics.
std::string dumps(bool reset = false);

namespace detail {
std::atomic<bool>& recording();
std::int64_t now_ns();
// One complete event ("ph": "X"). `args` is a JSON object's members, e.g. "\"op\": \"Convolution\"".
void record(std::string_view category, std::string_view name, std::int64_t start_ns, std::int64_t end_ns,
            std::string_view args = {});
}  // namespace detail

inline bool running() { return detail::recording().load(std::memory_order_relaxed); }

// Records [construction, destruction) as one event when the profiler runs.
class Scope {
 public:
  Scope(std::string_view category, std::string_view name)
      : on_(running()), cat_(category), name_(name), t0_(on_ ? detail::now_ns() : 0) {}
  ~Scope() {
    if (on_) detail::record(cat_, name_, t0_, detail::now_ns());
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  bool on_;
  std::string_view cat_, name_;
  std::int64_t t0_;
};

}  // namespace SYMGRAD_NS::profiler
