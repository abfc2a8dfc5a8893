// sg::profiler (core/profiler.hpp).
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

#include "error.hpp"
#include "profiler.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_CORE_PROFILER)
namespace SYMGRAD_NS::profiler {

namespace detail {

struct Event {
  std::string category, name, args;
  std::int64_t start_ns, end_ns;
  std::size_t thread;
};
struct Aggregate {
  std::int64_t count = 0;
  double total = 0, min = 1e300, max = 0;  // ms
};
struct State {
  std::mutex m;
  Config config;
  bool paused = false;
  std::vector<Event> events;
  std::map<std::pair<std::string, std::string>, Aggregate> stats;  // (category, name)
  std::map<std::thread::id, std::size_t> threads;
  std::int64_t origin = 0;
};
inline State& state() {
  static State s;
  return s;
}

SYMGRAD_INLINE std::atomic<bool>& recording() {
  static std::atomic<bool> on{false};
  return on;
}
SYMGRAD_INLINE std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
SYMGRAD_INLINE void record(std::string_view category, std::string_view name, std::int64_t start_ns,
                           std::int64_t end_ns, std::string_view args) {
  State& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  if (s.paused) return;
  auto [it, fresh] = s.threads.emplace(std::this_thread::get_id(), s.threads.size());
  (void)fresh;
  s.events.push_back(
      {std::string(category), std::string(name), std::string(args), start_ns, end_ns, it->second});
  Aggregate& a = s.stats[{std::string(category), std::string(name)}];
  const double ms = double(end_ns - start_ns) * 1e-6;
  ++a.count;
  a.total += ms;
  a.min = std::min(a.min, ms);
  a.max = std::max(a.max, ms);
}

inline std::string json_escape(std::string_view v) {
  std::string r;
  for (char c : v) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      r += b;
    } else {
      r += c;
    }
  }
  return r;
}

}  // namespace detail

SYMGRAD_INLINE void set_config(const Config& c) {
  auto& s = detail::state();
  std::lock_guard<std::mutex> lock(s.m);
  if (c.filename.empty()) throw ValueError("profiler: filename must not be empty");
  s.config = c;
}

SYMGRAD_INLINE void set_state(std::string_view st) {
  auto& s = detail::state();
  if (st == "run") {
    {
      std::lock_guard<std::mutex> lock(s.m);
      if (s.events.empty()) s.origin = detail::now_ns();
      s.paused = false;
    }
    detail::recording().store(true);
  } else if (st == "stop") {
    detail::recording().store(false);
  } else {
    throw ValueError("profiler: state '" + std::string(st) + "' is not 'run' or 'stop'");
  }
}
SYMGRAD_INLINE void pause() {
  auto& s = detail::state();
  std::lock_guard<std::mutex> lock(s.m);
  s.paused = true;
}
SYMGRAD_INLINE void resume() {
  auto& s = detail::state();
  std::lock_guard<std::mutex> lock(s.m);
  s.paused = false;
}

SYMGRAD_INLINE void dump(bool finished) {
  auto& s = detail::state();
  std::lock_guard<std::mutex> lock(s.m);
  const std::filesystem::path path(s.config.filename), tmp(s.config.filename + ".tmp");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw IOError("profiler: cannot write '" + tmp.string() + "'");
    f << "{\n\"traceEvents\": [\n";
    bool first = true;
    // thread names first (metadata events)
    for (const auto& [id, n] : s.threads) {
      f << (first ? "" : ",\n") << "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 0, \"tid\": " << n
        << ", \"args\": {\"name\": \"thread " << n << "\"}}";
      first = false;
    }
    char num[64];
    for (const auto& e : s.events) {
      f << (first ? "" : ",\n") << "{\"name\": \"" << detail::json_escape(e.name) << "\", \"cat\": \""
        << detail::json_escape(e.category) << "\", \"ph\": \"X\", ";
      std::snprintf(num, sizeof num, "\"ts\": %.3f, \"dur\": %.3f", double(e.start_ns - s.origin) * 1e-3,
                    double(e.end_ns - e.start_ns) * 1e-3);
      f << num << ", \"pid\": 0, \"tid\": " << e.thread << ", \"args\": {" << e.args << "}}";
      first = false;
    }
    f << "\n],\n\"displayTimeUnit\": \"ms\"\n}\n";
    f.close();
    if (!f) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw IOError("profiler: writing '" + tmp.string() + "' failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw IOError("profiler: cannot rename the trace to '" + path.string() + "'");
  }
  if (finished) s.events.clear();
}

SYMGRAD_INLINE std::string dumps(bool reset) {
  auto& s = detail::state();
  std::lock_guard<std::mutex> lock(s.m);
  std::map<std::string, std::vector<std::pair<std::string, detail::Aggregate>>> by_cat;
  for (const auto& [key, a] : s.stats) by_cat[key.first].emplace_back(key.second, a);
  std::string r = "Profile Statistics:\n\tNote that times are in ms.\n";
  char line[512];
  for (auto& [cat, rows] : by_cat) {
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.total > b.second.total; });
    double total = 0;
    for (const auto& [n, a] : rows) total += a.total;
    r += "\n" + cat + "\n" + std::string(cat.size(), '=') + "\n";
    std::snprintf(line, sizeof line, "%-40s %11s %12s %12s %12s %12s %7s\n", "Name", "Total Count",
                  "Time (ms)", "Min Time (ms)", "Max Time (ms)", "Avg Time (ms)", "Share");
    r += line;
    std::snprintf(line, sizeof line, "%-40s %11s %12s %12s %12s %12s %7s\n", "----", "-----------",
                  "---------", "-------------", "-------------", "-------------", "-----");
    r += line;
    for (const auto& [n, a] : rows) {
      std::snprintf(line, sizeof line, "%-40s %11lld %12.4f %12.4f %12.4f %12.4f %6.1f%%\n", n.c_str(),
                    static_cast<long long>(a.count), a.total, a.min, a.max, a.total / double(a.count),
                    total > 0 ? 100.0 * a.total / total : 0.0);
      r += line;
    }
    std::snprintf(line, sizeof line, "%-40s %11s %12.4f\n", "Total", "", total);
    r += line;
  }
  if (reset) s.stats.clear();
  return r;
}

}  // namespace SYMGRAD_NS::profiler
#endif
