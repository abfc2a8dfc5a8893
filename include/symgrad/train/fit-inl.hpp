// BaseModule::fit / score / predict (Module, BucketingModule): MXNet's training loop and its log lines
// ("Epoch[e] Train-accuracy=...", "Epoch[e] Time cost=...", "Epoch[e] Validation-accuracy=...").
#pragma once
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "../core/profiler.hpp"
#include "base_module.hpp"
#include "curve.hpp"
#include "monitor.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_FIT)
namespace SYMGRAD_NS {

SYMGRAD_INLINE void BaseModule::fit(io::DataIter& train, const FitOptions& f) {
  if (f.num_epoch < 0) throw ValueError("fit: num_epoch is required, e.g. {.num_epoch = 10}");
  bind(train.provide_data(), train.provide_label(), {.for_training = true, .force_rebind = f.force_rebind});
  init_params({.initializer = f.initializer,
               .arg_params = f.arg_params,
               .aux_params = f.aux_params,
               .allow_missing = f.allow_missing,
               .force_init = f.force_init,
               .seed = f.seed});
  init_optimizer({.kvstore = f.kvstore,
                  .optimizer = f.optimizer,
                  .optimizer_params = f.optimizer_params,
                  .lr_scheduler = f.lr_scheduler});
  auto eval_metric = make_metric(f.eval_metric);
  auto validation_metric = f.validation_metric ? make_metric(*f.validation_metric) : eval_metric;
  const Logger& log = logger();
  CurveWriter curve(f.curve_csv, f.curve_svg);
  if (f.monitor) install_monitor(*f.monitor);
  for (int epoch = f.begin_epoch; epoch < f.num_epoch; ++epoch) {
    auto tic = std::chrono::steady_clock::now();
    eval_metric->reset();
    bool bar = f.progress == "on" || (f.progress == "auto" && callback::ProgressBar::is_terminal());
    std::unique_ptr<callback::ProgressBar> progress;
    std::int64_t nbatch = 0;
    for (;;) {
      // With a distributed store, the epoch ends for all workers when any worker's part does
      // (parts may differ by a batch); otherwise the others would wait for it in the next sum.
      bool got;
      {
        profiler::Scope wait("DataIter", "next");  // time waiting for the batch
        got = train.next();
      }
      if (kvstore() && !kvstore()->all_workers(got)) {
        if (got)
          log("Epoch[" + std::to_string(epoch) + "] ends after " + std::to_string(nbatch) +
              " batches: another worker's part has no more; the rest of this worker's part is not used");
        break;
      }
      if (!got) break;
      const io::DataBatch& batch = train.value();
      if (f.monitor) f.monitor->tic();
      forward_backward(batch);
      update();
      if (f.monitor) {  // MXNet's toc_print, through the module's logger
        std::ostringstream lines;
        f.monitor->toc_print(lines);
        std::string line;
        for (std::istringstream in(lines.str()); std::getline(in, line);) log(line);
      }
      update_metric(*eval_metric, batch.label);
      BatchEndParam p{epoch, nbatch, eval_metric.get(), &log};
      if (f.batch_end_callback) f.batch_end_callback(p);
      if (bar) {
        if (!progress)
          progress = std::make_unique<callback::ProgressBar>(train.batch_size(), train.num_batches());
        (*progress)(p);
      }
      ++nbatch;
    }
    if (progress && nbatch < train.num_batches()) std::fputc('\n', stderr);
    auto train_values = eval_metric->get_global_name_value();
    for (const auto& [name, value] : train_values)
      log("Epoch[" + std::to_string(epoch) + "] Train-" + name + "=" + callback::format_float(value));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - tic).count();
    char buf[64];
    std::snprintf(buf, sizeof buf, "Epoch[%d] Time cost=%.3f", epoch, secs);
    log(buf);
    if (f.epoch_end_callback) {
      auto [arg, aux] = get_params();
      f.epoch_end_callback(epoch, symbol(), arg, aux);
    }
    std::vector<std::pair<std::string, double>> val_values;
    if (f.eval_data) {
      val_values = score(*f.eval_data, validation_metric, -1, f.eval_batch_end_callback, true, epoch);
      for (const auto& [name, value] : val_values)
        log("Epoch[" + std::to_string(epoch) + "] Validation-" + name + "=" + callback::format_float(value));
    }
    curve.add(epoch, train_values, val_values, secs);
    train.reset();
  }
}

SYMGRAD_INLINE std::vector<std::pair<std::string, double>> BaseModule::score(io::DataIter& eval,
                                                                             const MetricSpec& m,
                                                                             std::int64_t num_batch,
                                                                             const BatchEndCallback& cb,
                                                                             bool reset, int epoch) {
  if (!binded()) throw ValueError("score: the module is not bound; call bind() or fit() first");
  if (!params_initialized()) throw ValueError("score: the parameters are not initialized");
  if (reset) eval.reset();
  auto metric = make_metric(m);
  metric->reset();
  std::int64_t n = 0;
  while ((num_batch < 0 || n < num_batch) && eval.next()) {
    const io::DataBatch& batch = eval.value();
    forward(batch, false);
    update_metric(*metric, batch.label);  // padded examples count, as MXNet
    if (cb) cb(BatchEndParam{epoch, n, metric.get(), &logger()});
    ++n;
  }
  return metric->get_global_name_value();
}

SYMGRAD_INLINE std::vector<NDArray> BaseModule::predict(io::DataIter& eval, std::int64_t num_batch,
                                                        bool reset) {
  if (!binded()) throw ValueError("predict: the module is not bound; call bind() or fit() first");
  if (!params_initialized()) throw ValueError("predict: the parameters are not initialized");
  if (reset) eval.reset();
  std::vector<std::vector<NDArray>> parts(output_names().size());
  std::int64_t n = 0;
  while ((num_batch < 0 || n < num_batch) && eval.next()) {
    const io::DataBatch& batch = eval.value();
    forward(batch, false);
    auto& outs = get_outputs();
    for (std::size_t i = 0; i < outs.size(); ++i) {
      std::int64_t keep = outs[i].shape()[0] - batch.pad;
      NDArray c = outs[i].copy_to(cpu());  // predictions come back to the host
      if (batch.pad > 0) {                 // drop the padding rows
        Shape s = c.shape();
        s[0] = keep;
        NDArray t(s, c.context(), c.dtype());
        std::memcpy(t.raw_data(), c.raw_data(), t.nbytes());
        c = t;
      }
      parts[i].push_back(c);
    }
    ++n;
  }
  std::vector<NDArray> merged;
  for (auto& list : parts) {
    if (list.empty()) continue;
    Shape s = list[0].shape();
    std::int64_t rows = 0;
    for (auto& a : list) rows += a.shape()[0];
    s[0] = rows;
    NDArray all(s, list[0].context(), list[0].dtype());
    std::size_t off = 0;
    for (auto& a : list) {
      std::memcpy(static_cast<char*>(all.raw_data()) + off, a.raw_data(), a.nbytes());
      off += a.nbytes();
    }
    merged.push_back(all);
  }
  return merged;
}

}  // namespace SYMGRAD_NS
#endif
