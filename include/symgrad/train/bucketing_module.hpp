// BucketingModule: MXNet's mx.mod.BucketingModule — one Module per bucket key, made on first use
// from sym_gen(key), all sharing one set of parameters, gradients, auxiliary states and one
// optimizer (the default bucket's module owns them; the others are bound with it as
// shared_module and borrow its optimizer, whose state is kept per parameter name).
//
//   sg::BucketingModule mod([&](sg::io::BucketKey len) {
//     return std::tuple{lm_for(len), std::vector<std::string>{"data"},
//                       std::vector<std::string>{"softmax_label"}};
//   }, /*default_bucket_key=*/iter.default_bucket_key());
//   mod.fit(iter, {.eval_metric = std::make_shared<sg::metric::Perplexity>(...), .num_epoch = 5});
//
// A batch selects its bucket by bucket_key (a batch without one goes to the default bucket) and
// brings its shapes in provide_data / provide_label, as MXNet's DataBatch. Memory: the buckets'
// executors share the parameter, gradient and auxiliary arrays; each keeps its own
// intermediate arrays (the executor has no shared memory pool between executors).
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base_module.hpp"
#include "module.hpp"

namespace SYMGRAD_NS {

// sym_gen: the symbol of a bucket, with its data names and label names.
using SymGen = std::function<std::tuple<Symbol, std::vector<std::string>, std::vector<std::string>>(
    io::BucketKey bucket_key)>;

struct BucketingModuleOptions {
  Logger logger = default_log;
  Context context = cpu();
  std::vector<std::string> fixed_param_names = {};
  std::vector<std::string> state_names = {};
};

class BucketingModule : public BaseModule {
 public:
  BucketingModule(SymGen sym_gen, io::BucketKey default_bucket_key, BucketingModuleOptions o = {});

  io::BucketKey default_bucket_key() const { return default_key_; }
  // The bucket of the last forward (or switch_bucket); the default bucket after bind.
  io::BucketKey bucket_key() const { return curr_key_; }
  // The modules made so far, by bucket key.
  const std::map<io::BucketKey, std::unique_ptr<Module>>& buckets() const { return buckets_; }
  Module& curr_module() const;

  const Symbol& symbol() const override { return curr_module().symbol(); }
  const std::vector<std::string>& data_names() const { return curr_module().data_names(); }
  const std::vector<std::string>& output_names() const override { return curr_module().output_names(); }
  bool binded() const override { return curr_ != nullptr; }
  bool params_initialized() const override { return binded() && curr_->params_initialized(); }
  bool optimizer_initialized() const override { return optimizer_initialized_; }
  kv::KVStore* kvstore() const override { return binded() ? default_module().kvstore() : nullptr; }
  const Logger& logger() const override { return o_.logger; }

  // Binds the default bucket's module; data_shapes and label_shapes are the default bucket's.
  // Other buckets are bound by switch_bucket (forward calls it). force_rebind keeps the
  // parameters' values and drops every other bucket.
  void bind(const std::vector<io::DataDesc>& data_shapes, const std::vector<io::DataDesc>& label_shapes = {},
            const ModuleBindOptions& b = {}) override;
  // Makes `bucket_key`'s module current, creating it from sym_gen and binding it with the
  // default bucket's parameters (and its optimizer, once there is one) when the key is new.
  void switch_bucket(io::BucketKey bucket_key, const std::vector<io::DataDesc>& data_shapes,
                     const std::vector<io::DataDesc>& label_shapes = {});
  void init_params(const InitParamsOptions& p = {}) override;
  void set_params(const ParamDict& arg, const ParamDict& aux = {}, bool allow_missing = false,
                  bool force_init = true, bool allow_extra = false) {
    require_bound("set_params");
    default_module().set_params(arg, aux, allow_missing, force_init, allow_extra);
  }
  void init_optimizer(const InitOptimizerOptions& io = {}) override;
  // Switches to the batch's bucket (checking the batch against its provide_data and the bucket's
  // bound shapes), then runs that module's forward.
  void forward(const io::DataBatch& batch, std::optional<bool> is_train = {}) override;
  void backward(const std::vector<NDArray>& out_grads = {}) override;
  void update() override;
  void update_metric(metric::EvalMetric& m, const std::vector<NDArray>& labels) override;
  std::vector<NDArray>& get_outputs() override;
  std::pair<ParamDict, ParamDict> get_params() override;
  void install_monitor(Monitor& mon) override;
  // The default bucket's symbol and the shared parameters (MXNet saves the same).
  void save_checkpoint(const std::string& prefix, int epoch, bool save_optimizer_states = false);

 private:
  Module& default_module() const;
  void require_bound(const char* what) const;
  std::unique_ptr<Module> make_module(io::BucketKey key) const;
  // The batch's own descriptions (its provide_data, or the arrays' shapes under the bucket's
  // names), checked against its arrays and against the bucket's bound shapes.
  std::vector<io::DataDesc> batch_descs(const io::DataBatch& batch, bool label) const;

  SymGen sym_gen_;
  io::BucketKey default_key_;
  BucketingModuleOptions o_;
  std::map<io::BucketKey, std::unique_ptr<Module>> buckets_;
  Module* curr_ = nullptr;
  io::BucketKey curr_key_;
  ModuleBindOptions bind_;  // for_training, inputs_need_grad, grad_req of every bucket
  bool optimizer_initialized_ = false;
  Monitor* monitor_ = nullptr;
};

}  // namespace SYMGRAD_NS
