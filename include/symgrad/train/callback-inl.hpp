// Definitions of train/callback.hpp.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <utility>
#include "../core/world.hpp"
#include "callback.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_CALLBACK)
namespace SYMGRAD_NS {

SYMGRAD_INLINE void default_log(const std::string& line) {
  const kv::World w = kv::world();
  if (w.size > 1)  // several workers write to one terminal: say which one this is
    std::cerr << "[worker " << w.rank << "/" << w.size << "] " << line << '\n';
  else
    std::cerr << line << '\n';
}
namespace callback {
SYMGRAD_INLINE std::string format_float(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}
SYMGRAD_INLINE BatchEndCallback log_train_metric(std::int64_t period, bool auto_reset) {
  return [=](const BatchEndParam& p) {
    if (p.nbatch % period != 0 || !p.eval_metric) return;
    for (const auto& [name, value] : p.eval_metric->get_name_value()) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "Iter[%d] Batch[%lld] Train-%s=%f", p.epoch,
                    static_cast<long long>(p.nbatch), name.c_str(), value);
      (p.log ? *p.log : Logger(default_log))(buf);
    }
    if (auto_reset) p.eval_metric->reset_local();
  };
}
SYMGRAD_INLINE EpochEndCallback do_checkpoint(std::string prefix, int period, Logger log) {
  return [prefix = std::move(prefix), period, log](int epoch, const Symbol& sym, const ParamDict& arg,
                                                   const ParamDict& aux) {
    if ((epoch + 1) % period != 0) return;
    save_checkpoint(prefix, epoch + 1, sym, arg, aux);
    log("Saved checkpoint to \"" + checkpoint_params_path(prefix, epoch + 1) + "\"");
  };
}
SYMGRAD_INLINE void Speedometer::operator()(const BatchEndParam& p) {
  if (p.nbatch < last_) init_ = false;
  last_ = p.nbatch;
  if (!init_) {
    init_ = true;
    tic_ = std::chrono::steady_clock::now();
    return;
  }
  if (p.nbatch % frequent_ != 0) return;
  double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - tic_).count();
  double speed = static_cast<double>(frequent_ * batch_size_) / std::max(dt, 1e-9);
  char head[128];
  std::string line;
  if (p.eval_metric) {
    std::snprintf(head, sizeof head, "Epoch[%d] Batch [%lld-%lld]\tSpeed: %.2f samples/sec", p.epoch,
                  static_cast<long long>(auto_reset_ ? p.nbatch - frequent_ : 0),
                  static_cast<long long>(p.nbatch), speed);
    line = head;
    for (const auto& [name, value] : p.eval_metric->get_name_value())
      line += "\t" + name + "=" + format_float(value);
    if (auto_reset_) p.eval_metric->reset_local();
  } else {
    std::snprintf(head, sizeof head, "Iter[%d] Batch [%lld]\tSpeed: %.2f samples/sec", p.epoch,
                  static_cast<long long>(p.nbatch), speed);
    line = head;
  }
  (p.log ? *p.log : Logger(default_log))(line);
  tic_ = std::chrono::steady_clock::now();
}
SYMGRAD_INLINE void ProgressBar::operator()(const BatchEndParam& p) {
  double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - tic_).count();
  std::int64_t done = p.nbatch + 1;
  double speed = static_cast<double>(done * batch_size_) / std::max(dt, 1e-9);
  constexpr int width = 24;
  int filled =
      total_ > 0 ? static_cast<int>(width * std::min<double>(1.0, double(done) / double(total_))) : 0;
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < width) bar += '>', bar += std::string(static_cast<std::size_t>(width - filled - 1), ' ');
  std::string metric;
  if (p.eval_metric)
    for (const auto& [name, value] : p.eval_metric->get_global_name_value())
      metric += "  " + name + "=" + format_float(value);
  double eta = total_ > 0 ? static_cast<double>(total_ - done) * dt / static_cast<double>(done) : 0;
  std::fprintf(out_, "\rEpoch %d [%s] %lld/%lld  %.0f samples/s  ETA %02d:%02d%s\x1b[K", p.epoch, bar.c_str(),
               static_cast<long long>(done), static_cast<long long>(total_), speed,
               static_cast<int>(eta) / 60, static_cast<int>(eta) % 60, metric.c_str());
  if (done >= total_) std::fputc('\n', out_);
  std::fflush(out_);
}
}  // namespace callback

}  // namespace SYMGRAD_NS
#endif
