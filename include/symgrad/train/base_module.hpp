// BaseModule: what Module and BucketingModule have in common, as MXNet's mx.mod.BaseModule — the
// option structs, and fit, score and predict written once over the steps each module implements
// (bind, init_params, init_optimizer, forward, backward, update, update_metric, get_params).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "../io/data_iter.hpp"
#include "../kv/kvstore.hpp"
#include "../opt/optimizer.hpp"
#include "../symbol/symbol.hpp"
#include "callback.hpp"
#include "checkpoint.hpp"
#include "initializer.hpp"
#include "metric.hpp"

namespace SYMGRAD_NS {

class Module;
class Monitor;  // train/monitor.hpp

struct ModuleBindOptions {
  bool for_training = true;
  bool inputs_need_grad = false;
  bool force_rebind = false;
  // Module::bind only: the arrays of every parameter, gradient and auxiliary state are those of
  // this bound, initialized module (MXNet's shared_module; how BucketingModule's buckets share).
  // It must outlive the module bound with it and stay where it is (not moved).
  Module* shared_module = nullptr;
  std::string grad_req = "write";
  // Module::bind for training: the executor keeps its intermediate arrays in a pool that modules
  // bound later with shared_module = this one share (BucketingModule's default bucket; bind the
  // largest shapes first). A module bound with a shared_module that has a pool always uses it.
  bool memory_pool = false;
};

struct InitParamsOptions {
  std::shared_ptr<const init::Initializer> initializer = {};  // default Uniform(0.01), as Module
  ParamDict arg_params = {};
  ParamDict aux_params = {};
  bool allow_missing = false;
  bool force_init = false;
  bool allow_extra = false;
  std::uint64_t seed = 0;  // draws of the initializer
};

using OptimizerParams = std::map<std::string, double>;

struct InitOptimizerOptions {
  // "local"/"device": the module updates its own weights (as MXNet with one device); "dist_sync"
  // (under mpirun, in a build with MPI; "nccl" for a module on gpu(n)): gradients summed over the
  // workers in a kv::KVStore that applies the update, rescale_grad = 1 / (batch size x workers).
  std::string kvstore = "local";
  std::string optimizer = "sgd";
  OptimizerParams optimizer_params = {{"learning_rate", 0.01}};
  std::shared_ptr<opt::LRScheduler> lr_scheduler =
      {};  // e.g. a FactorScheduler; its base_lr is learning_rate
  bool force_init = false;
};

// A metric given by name ("acc", "ce" ...), by several names, or as an object.
using MetricSpec = std::variant<std::string, std::vector<std::string>, std::shared_ptr<metric::EvalMetric>>;
std::shared_ptr<metric::EvalMetric> make_metric(const MetricSpec& m);

struct FitOptions {
  io::DataIter* eval_data = nullptr;
  MetricSpec eval_metric = std::string("acc");
  EpochEndCallback epoch_end_callback = {};
  BatchEndCallback batch_end_callback = {};
  std::string kvstore = "local";
  std::string optimizer = "sgd";
  OptimizerParams optimizer_params = {{"learning_rate", 0.01}};
  std::shared_ptr<opt::LRScheduler> lr_scheduler = {};
  BatchEndCallback eval_end_callback = {};
  BatchEndCallback eval_batch_end_callback = {};
  std::shared_ptr<const init::Initializer> initializer = {};
  ParamDict arg_params = {};
  ParamDict aux_params = {};
  bool allow_missing = false;
  bool force_rebind = false;
  bool force_init = false;
  int begin_epoch = 0;
  int num_epoch = -1;  // required
  std::optional<MetricSpec> validation_metric = {};
  std::string progress = "auto";  // "auto": a progress bar on a terminal; "on"; "off"
  std::string curve_csv = {};     // per-epoch metrics as CSV (and an SVG beside it with curve_svg)
  std::string curve_svg = {};
  std::uint64_t seed = 0;
  Monitor* monitor =
      nullptr;  // installed on the module's executor; tic() before and toc_print() after each batch
};

class BaseModule {
 public:
  BaseModule() = default;
  BaseModule(const BaseModule&) = default;
  BaseModule(BaseModule&&) = default;
  BaseModule& operator=(const BaseModule&) = default;
  BaseModule& operator=(BaseModule&&) = default;
  virtual ~BaseModule() = default;

  // The symbol of the current computation (for a BucketingModule, the current bucket's).
  virtual const Symbol& symbol() const = 0;
  virtual const std::vector<std::string>& output_names() const = 0;
  virtual bool binded() const = 0;
  virtual bool params_initialized() const = 0;
  virtual bool optimizer_initialized() const = 0;
  // The store of a distributed kvstore (null when the module updates its own weights).
  virtual kv::KVStore* kvstore() const = 0;
  virtual const Logger& logger() const = 0;

  virtual void bind(const std::vector<io::DataDesc>& data_shapes,
                    const std::vector<io::DataDesc>& label_shapes = {}, const ModuleBindOptions& b = {}) = 0;
  virtual void init_params(const InitParamsOptions& p = {}) = 0;
  virtual void init_optimizer(const InitOptimizerOptions& io = {}) = 0;
  virtual void forward(const io::DataBatch& batch, std::optional<bool> is_train = {}) = 0;
  virtual void backward(const std::vector<NDArray>& out_grads = {}) = 0;
  void forward_backward(const io::DataBatch& batch) {
    forward(batch, true);
    backward();
  }
  // One optimizer step on every parameter with a gradient; with a distributed kvstore, the
  // gradients are summed over the workers first (pushed, and the new weights pulled).
  virtual void update() = 0;
  virtual void update_metric(metric::EvalMetric& m, const std::vector<NDArray>& labels) = 0;
  virtual std::vector<NDArray>& get_outputs() = 0;
  // Copies of the parameters and auxiliary states.
  virtual std::pair<ParamDict, ParamDict> get_params() = 0;
  // Statistics of every executor's arrays (those bound later included).
  virtual void install_monitor(Monitor& mon) = 0;

  // MXNet's BaseModule.fit: bind, init_params, init_optimizer, then per epoch every batch's
  // forward_backward, update and metric, with its log lines ("Epoch[e] Train-accuracy=...",
  // "Epoch[e] Time cost=...", "Epoch[e] Validation-accuracy=...").
  void fit(io::DataIter& train, const FitOptions& f);
  std::vector<std::pair<std::string, double>> score(io::DataIter& eval,
                                                    const MetricSpec& m = std::string("acc"),
                                                    std::int64_t num_batch = -1,
                                                    const BatchEndCallback& cb = {}, bool reset = true,
                                                    int epoch = 0);
  // Outputs over the data, the padding of each batch dropped, batches concatenated.
  std::vector<NDArray> predict(io::DataIter& eval, std::int64_t num_batch = -1, bool reset = true);
};

}  // namespace SYMGRAD_NS
