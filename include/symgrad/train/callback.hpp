// Callbacks and what the user sees during fit: MXNet's Speedometer and do_checkpoint, the
// per-epoch log lines, a progress bar on a terminal, and a CSV training curve.
#pragma once
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>

#include "checkpoint.hpp"
#include "metric.hpp"

namespace symgrad {

// Where fit's messages go (one line each). The default writes to stderr.
using Logger = std::function<void(const std::string&)>;
inline void default_log(const std::string& line) { std::cerr << line << '\n'; }

struct BatchEndParam {
  int epoch = 0;
  std::int64_t nbatch = 0;
  metric::EvalMetric* eval_metric = nullptr;
  const Logger* log = nullptr;
};
using BatchEndCallback = std::function<void(const BatchEndParam&)>;
using EpochEndCallback = std::function<void(int epoch, const Symbol&, const ParamDict& arg, const ParamDict& aux)>;

namespace callback {

inline std::string format_float(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

// Speedometer(batch_size, frequent=50, auto_reset=true): every `frequent` batches logs
// "Epoch[e] Batch [a-b]\tSpeed: s samples/sec\tname=value", as MXNet's.
class Speedometer {
 public:
  Speedometer(std::int64_t batch_size, std::int64_t frequent = 50, bool auto_reset = true)
      : batch_size_(batch_size), frequent_(frequent), auto_reset_(auto_reset) {}
  void operator()(const BatchEndParam& p) {
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
                    static_cast<long long>(auto_reset_ ? p.nbatch - frequent_ : 0), static_cast<long long>(p.nbatch), speed);
      line = head;
      for (const auto& [name, value] : p.eval_metric->get_name_value()) line += "\t" + name + "=" + format_float(value);
      if (auto_reset_) p.eval_metric->reset_local();
    } else {
      std::snprintf(head, sizeof head, "Iter[%d] Batch [%lld]\tSpeed: %.2f samples/sec", p.epoch,
                    static_cast<long long>(p.nbatch), speed);
      line = head;
    }
    (p.log ? *p.log : Logger(default_log))(line);
    tic_ = std::chrono::steady_clock::now();
  }

 private:
  std::int64_t batch_size_, frequent_;
  bool auto_reset_;
  bool init_ = false;
  std::int64_t last_ = 0;
  std::chrono::steady_clock::time_point tic_;
};

// Logs the training metric every `period` batches ("Iter[e] Batch[n] Train-name=value").
inline BatchEndCallback log_train_metric(std::int64_t period, bool auto_reset = false) {
  return [=](const BatchEndParam& p) {
    if (p.nbatch % period != 0 || !p.eval_metric) return;
    for (const auto& [name, value] : p.eval_metric->get_name_value()) {
      char buf[256];
      std::snprintf(buf, sizeof buf, "Iter[%d] Batch[%lld] Train-%s=%f", p.epoch, static_cast<long long>(p.nbatch),
                    name.c_str(), value);
      (p.log ? *p.log : Logger(default_log))(buf);
    }
    if (auto_reset) p.eval_metric->reset_local();
  };
}

// do_checkpoint(prefix, period=1): after epoch e saves prefix-symbol.json and
// prefix-(e+1).params when (e+1) % period == 0, as MXNet.
inline EpochEndCallback do_checkpoint(std::string prefix, int period = 1, Logger log = default_log) {
  return [prefix = std::move(prefix), period, log](int epoch, const Symbol& sym, const ParamDict& arg, const ParamDict& aux) {
    if ((epoch + 1) % period != 0) return;
    save_checkpoint(prefix, epoch + 1, sym, arg, aux);
    log("Saved checkpoint to \"" + checkpoint_params_path(prefix, epoch + 1) + "\"");
  };
}

// A one-line progress bar on a terminal: batches done of total, samples/s, ETA, the metric.
class ProgressBar {
 public:
  ProgressBar(std::int64_t batch_size, std::int64_t total_batches, FILE* out = stderr)
      : batch_size_(batch_size), total_(total_batches), out_(out), tic_(std::chrono::steady_clock::now()) {}
  static bool is_terminal(FILE* f = stderr) { return ::isatty(::fileno(f)) == 1; }
  void operator()(const BatchEndParam& p) {
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - tic_).count();
    std::int64_t done = p.nbatch + 1;
    double speed = static_cast<double>(done * batch_size_) / std::max(dt, 1e-9);
    constexpr int width = 24;
    int filled = total_ > 0 ? static_cast<int>(width * std::min<double>(1.0, double(done) / double(total_))) : 0;
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < width) bar += '>', bar += std::string(static_cast<std::size_t>(width - filled - 1), ' ');
    std::string metric;
    if (p.eval_metric)
      for (const auto& [name, value] : p.eval_metric->get_global_name_value()) metric += "  " + name + "=" + format_float(value);
    double eta = total_ > 0 ? static_cast<double>(total_ - done) * dt / static_cast<double>(done) : 0;
    std::fprintf(out_, "\rEpoch %d [%s] %lld/%lld  %.0f samples/s  ETA %02d:%02d%s\x1b[K", p.epoch, bar.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total_), speed, static_cast<int>(eta) / 60,
                 static_cast<int>(eta) % 60, metric.c_str());
    if (done >= total_) std::fputc('\n', out_);
    std::fflush(out_);
  }

 private:
  std::int64_t batch_size_, total_;
  FILE* out_;
  std::chrono::steady_clock::time_point tic_;
};

}  // namespace callback
}  // namespace symgrad
