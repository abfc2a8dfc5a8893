// Callbacks and what the user sees during fit: MXNet's Speedometer and do_checkpoint, the
// per-epoch log lines, a progress bar on a terminal, and a CSV training curve.
#pragma once
#include <unistd.h>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "checkpoint.hpp"
#include "metric.hpp"

namespace SYMGRAD_NS {

// Where fit's messages go (one line each). The default writes to stderr, each line prefixed with
// "[worker <rank>/<workers>] " when the job has more than one worker (kv::world()).
using Logger = std::function<void(const std::string&)>;
void default_log(const std::string& line);

struct BatchEndParam {
  int epoch = 0;
  std::int64_t nbatch = 0;
  metric::EvalMetric* eval_metric = nullptr;
  const Logger* log = nullptr;
};
using BatchEndCallback = std::function<void(const BatchEndParam&)>;
using EpochEndCallback =
    std::function<void(int epoch, const Symbol&, const ParamDict& arg, const ParamDict& aux)>;

namespace callback {

std::string format_float(double v);

// Speedometer(batch_size, frequent=50, auto_reset=true): every `frequent` batches logs
// "Epoch[e] Batch [a-b]\tSpeed: s samples/sec\tname=value", as MXNet's.
class Speedometer {
 public:
  Speedometer(std::int64_t batch_size, std::int64_t frequent = 50, bool auto_reset = true)
      : batch_size_(batch_size), frequent_(frequent), auto_reset_(auto_reset) {}
  void operator()(const BatchEndParam& p);

 private:
  std::int64_t batch_size_, frequent_;
  bool auto_reset_;
  bool init_ = false;
  std::int64_t last_ = 0;
  std::chrono::steady_clock::time_point tic_;
};

// Logs the training metric every `period` batches ("Iter[e] Batch[n] Train-name=value").
BatchEndCallback log_train_metric(std::int64_t period, bool auto_reset = false);

// do_checkpoint(prefix, period=1): after epoch e saves prefix-symbol.json and
// prefix-(e+1).params when (e+1) % period == 0, as MXNet.
EpochEndCallback do_checkpoint(std::string prefix, int period = 1, Logger log = default_log);

// A one-line progress bar on a terminal: batches done of total, samples/s, ETA, the metric.
class ProgressBar {
 public:
  ProgressBar(std::int64_t batch_size, std::int64_t total_batches, FILE* out = stderr)
      : batch_size_(batch_size), total_(total_batches), out_(out), tic_(std::chrono::steady_clock::now()) {}
  static bool is_terminal(FILE* f = stderr) { return ::isatty(::fileno(f)) == 1; }
  void operator()(const BatchEndParam& p);

 private:
  std::int64_t batch_size_, total_;
  FILE* out_;
  std::chrono::steady_clock::time_point tic_;
};

}  // namespace callback
}  // namespace SYMGRAD_NS
