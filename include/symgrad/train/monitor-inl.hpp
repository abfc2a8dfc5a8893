// Monitor (train/monitor.hpp).
#pragma once
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <utility>

#include "../core/error.hpp"
#include "monitor.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_MONITOR)
namespace SYMGRAD_NS {

namespace monitor_detail {
// A float as Python prints a NumPy float32 scalar: the shortest text that reads back.
inline std::string shortest(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v));
  return std::string(buf, r.ptr);
}
// Whether a holds a NaN / an infinity (any dtype; integers hold neither).
inline std::pair<bool, bool> non_finite(const NDArray& a) {
  bool nan = false, inf = false;
  if (a.dtype() != DType::float32 && a.dtype() != DType::float64) return {false, false};
  const NDArray h = a.context().device_type == DeviceType::cpu ? a : a.copy_to(cpu());
  for (std::int64_t i = 0; i < h.size(); ++i) {
    const double v = h.at_flat(i);
    nan = nan || std::isnan(v);
    inf = inf || std::isinf(v);
  }
  return {nan, inf};
}
}  // namespace monitor_detail

SYMGRAD_INLINE Monitor::Monitor(int interval, StatFunc stat_func, std::string pattern, bool sort,
                                bool monitor_all)
    : interval_(interval), stat_(std::move(stat_func)), sort_(sort), monitor_all_(monitor_all) {
  if (interval < 1)
    throw ValueError("Monitor: interval must be at least 1 (statistics every `interval` batches); got " +
                     std::to_string(interval));
  try {
    pattern_ = std::regex(pattern);
  } catch (const std::regex_error& e) {
    throw ValueError("Monitor: pattern '" + pattern + "' is not a regular expression: " + e.what());
  }
  if (!stat_) stat_ = &Monitor::default_stat;
}

SYMGRAD_INLINE NDArray Monitor::default_stat(const NDArray& x) {
  const NDArray h = x.context().device_type == DeviceType::cpu ? x : x.copy_to(cpu());
  double s = 0;
  for (std::int64_t i = 0; i < h.size(); ++i) s += h.at_flat(i) * h.at_flat(i);
  NDArray r(Shape{1});
  r.data<float>()[0] =
      static_cast<float>(std::sqrt(s) / std::sqrt(double(std::max<std::int64_t>(h.size(), 1))));
  return r;
}

SYMGRAD_INLINE void Monitor::install(Executor& exec) {
  exec.set_monitor_callback([this](const std::string& name, const NDArray& a) { record(name, a); },
                            monitor_all_);
  // Installing again (an executor rebound in place) sets the callback on it once more.
  if (std::find(execs_.begin(), execs_.end(), &exec) == execs_.end()) execs_.push_back(&exec);
}

SYMGRAD_INLINE bool Monitor::wanted(const std::string& name) const {
  return std::regex_search(name, pattern_, std::regex_constants::match_continuous);
}

SYMGRAD_INLINE void Monitor::record(const std::string& name, const NDArray& a) {
  if (!activated_ || !wanted(name)) return;
  Stat s;
  s.step = step_;
  s.name = name;
  const NDArray v = stat_(a);
  const NDArray h = v.context().device_type == DeviceType::cpu ? v : v.copy_to(cpu());
  if (h.size() == 1) {
    s.value = monitor_detail::shortest(h.at_flat(0)) + "\t";
  } else {
    s.value = "[";
    for (std::int64_t i = 0; i < h.size(); ++i)
      s.value += (i ? " " : "") + monitor_detail::shortest(h.at_flat(i));
    s.value += "]\t";
  }
  auto [an, ai] = monitor_detail::non_finite(a);
  auto [vn, vi] = monitor_detail::non_finite(h);
  s.nan = an || vn;
  s.inf = ai || vi;
  queue_.push_back(std::move(s));
}

SYMGRAD_INLINE void Monitor::tic() {
  if (step_ % interval_ == 0) {
    activated_ = true;
    queue_.clear();
  }
  ++step_;
}

SYMGRAD_INLINE std::vector<Monitor::Stat> Monitor::toc() {
  if (!activated_) return {};
  for (Executor* e : execs_) {
    const auto& args = e->list_arguments();
    for (std::size_t i = 0; i < args.size(); ++i) record(args[i], e->arg_arrays()[i]);
    const auto& aux = e->list_auxiliary_states();
    for (std::size_t i = 0; i < aux.size(); ++i) record(aux[i], e->aux_arrays()[i]);
    for (std::size_t i = 0; i < args.size(); ++i)
      if (!e->grad_arrays()[i].is_none()) record(args[i] + "_grad", e->grad_arrays()[i]);
  }
  activated_ = false;
  std::vector<Stat> res = std::move(queue_);
  queue_.clear();
  if (sort_)
    std::stable_sort(res.begin(), res.end(), [](const Stat& a, const Stat& b) { return a.name < b.name; });
  return res;
}

SYMGRAD_INLINE void Monitor::toc_print(std::ostream& os) {
  for (const Stat& s : toc()) {
    char head[64];
    std::snprintf(head, sizeof head, "Batch: %7d ", s.step);
    std::string name = s.name;
    if (name.size() < 30) name.resize(30, ' ');
    os << head << name << " " << s.value << "\n";
    if (s.nan || s.inf)
      os << "Monitor: " << (s.nan ? "NaN" : "Inf") << (s.nan && s.inf ? " and Inf" : "") << " in " << s.name
         << " at batch " << s.step << "\n";
  }
}
SYMGRAD_INLINE void Monitor::toc_print() { toc_print(std::clog); }

}  // namespace SYMGRAD_NS
#endif
