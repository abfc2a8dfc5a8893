// Definitions of train/bucketing_module.hpp.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include "bucketing_module.hpp"
#include "monitor.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_BUCKETING_MODULE)
namespace SYMGRAD_NS {

SYMGRAD_INLINE BucketingModule::BucketingModule(SymGen sym_gen, io::BucketKey default_bucket_key,
                                                BucketingModuleOptions o)
    : sym_gen_(std::move(sym_gen)),
      default_key_(default_bucket_key),
      o_(std::move(o)),
      curr_key_(default_bucket_key) {
  if (!sym_gen_)
    throw ValueError(
        "BucketingModule: sym_gen is empty; give a function from a bucket key to "
        "(symbol, data_names, label_names)");
}

SYMGRAD_INLINE Module& BucketingModule::curr_module() const {
  require_bound("curr_module");
  return *curr_;
}
SYMGRAD_INLINE Module& BucketingModule::default_module() const { return *buckets_.at(default_key_); }
SYMGRAD_INLINE void BucketingModule::require_bound(const char* what) const {
  if (!curr_)
    throw ValueError(std::string("BucketingModule.") + what +
                     ": the module is not bound; call bind() or fit() first");
}

SYMGRAD_INLINE std::unique_ptr<Module> BucketingModule::make_module(io::BucketKey key) const {
  auto [symbol, data_names, label_names] = sym_gen_(key);
  return std::make_unique<Module>(symbol, ModuleOptions{.data_names = data_names,
                                                        .label_names = label_names,
                                                        .context = o_.context,
                                                        .fixed_param_names = o_.fixed_param_names,
                                                        .state_names = o_.state_names,
                                                        .logger = o_.logger});
}

SYMGRAD_INLINE void BucketingModule::bind(const std::vector<io::DataDesc>& data_shapes,
                                          const std::vector<io::DataDesc>& label_shapes,
                                          const ModuleBindOptions& b) {
  if (binded() && !b.force_rebind) {
    o_.logger("Already bound, ignoring bind()");
    return;
  }
  if (b.shared_module) throw ValueError("BucketingModule.bind: shared_module is not supported (as MXNet)");
  std::optional<std::pair<ParamDict, ParamDict>> keep;
  if (params_initialized()) keep = get_params();
  bind_ = b;
  bind_.force_rebind = false;
  bind_.memory_pool = true;  // the buckets' executors share one pool of intermediate arrays
  auto m = make_module(default_key_);
  m->bind(data_shapes, label_shapes, bind_);
  if (monitor_) m->install_monitor(*monitor_);
  // Only now that the new default module is bound: the old buckets go (a failed bind keeps them).
  buckets_.clear();
  optimizer_initialized_ = false;
  curr_ = m.get();
  curr_key_ = default_key_;
  buckets_.emplace(default_key_, std::move(m));
  if (keep) curr_->set_params(keep->first, keep->second);
}

SYMGRAD_INLINE void BucketingModule::switch_bucket(io::BucketKey bucket_key,
                                                   const std::vector<io::DataDesc>& data_shapes,
                                                   const std::vector<io::DataDesc>& label_shapes) {
  require_bound("switch_bucket");
  auto it = buckets_.find(bucket_key);
  if (it == buckets_.end()) {
    if (!params_initialized())
      throw ValueError("BucketingModule.switch_bucket: bucket " + std::to_string(bucket_key) +
                       " would share the default bucket's parameters; call init_params first");
    auto m = make_module(bucket_key);
    ModuleBindOptions b = bind_;
    b.shared_module = &default_module();
    m->bind(data_shapes, label_shapes, b);
    if (monitor_) m->install_monitor(*monitor_);
    if (optimizer_initialized_) m->borrow_optimizer(default_module());
    it = buckets_.emplace(bucket_key, std::move(m)).first;
  }
  curr_ = it->second.get();
  curr_key_ = bucket_key;
}

SYMGRAD_INLINE void BucketingModule::init_params(const InitParamsOptions& p) {
  require_bound("init_params");
  default_module().init_params(p);  // the other buckets use the same arrays
}

SYMGRAD_INLINE void BucketingModule::init_optimizer(const InitOptimizerOptions& io) {
  require_bound("init_optimizer");
  if (!params_initialized()) throw ValueError("BucketingModule.init_optimizer: call init_params first");
  if (optimizer_initialized_ && !io.force_init) {
    o_.logger("optimizer already initialized, ignoring.");
    return;
  }
  Module& owner = default_module();
  owner.init_optimizer(io);
  for (auto& [key, m] : buckets_)
    if (m.get() != &owner) m->borrow_optimizer(owner);
  optimizer_initialized_ = true;
}

SYMGRAD_INLINE std::vector<io::DataDesc> BucketingModule::batch_descs(const io::DataBatch& batch,
                                                                      bool label) const {
  const auto& arrays = label ? batch.label : batch.data;
  const auto& given = label ? batch.provide_label : batch.provide_data;
  const char* what = label ? "label" : "data";
  const io::BucketKey key = batch.bucket_key.value_or(default_key_);
  const std::string where = "BucketingModule.forward: a batch of bucket " + std::to_string(key);
  auto found = buckets_.find(key);
  const Module* m = found == buckets_.end() ? nullptr : found->second.get();
  if (arrays.empty()) return {};
  std::vector<io::DataDesc> descs;
  if (!given.empty()) {
    if (given.size() != arrays.size())
      throw ValueError(where + " has " + std::to_string(arrays.size()) + " " + what +
                       " arrays but its provide_" + what + " describes " + std::to_string(given.size()));
    for (std::size_t i = 0; i < arrays.size(); ++i)
      if (!(arrays[i].shape() == given[i].shape))
        throw ShapeError(where + ": " + what + " '" + given[i].name + "' has shape " +
                         arrays[i].shape().str() + " but the batch's provide_" + what + " says " +
                         given[i].shape.str());
    descs = given;
  } else {  // no descriptions: the arrays' shapes under the bucket's (or the default bucket's) names
    const Module& names_of = m ? *m : default_module();
    const auto& names = label ? names_of.label_names() : names_of.data_names();
    if (names.size() != arrays.size())
      throw ValueError(where + " has " + std::to_string(arrays.size()) + " " + what +
                       " arrays but the module has " + std::to_string(names.size()) + " " + what +
                       " names (" + detail::join(names) + "); give the batch provide_" + what);
    for (std::size_t i = 0; i < arrays.size(); ++i) descs.push_back({names[i], arrays[i].shape()});
  }
  if (!m || !m->binded()) return descs;
  const auto& bound = label ? m->label_shapes() : m->data_shapes();
  if (bound.empty()) return descs;
  if (bound.size() != descs.size())
    throw ValueError(where + " has " + std::to_string(descs.size()) + " " + what +
                     " arrays but the bucket was bound with " + std::to_string(bound.size()));
  for (std::size_t i = 0; i < descs.size(); ++i) {
    if (descs[i].name != bound[i].name)
      throw ValueError(where + ": " + what + " " + std::to_string(i) + " is named '" + descs[i].name +
                       "' but the bucket's module has '" + bound[i].name + "' there (" + what + "_names " +
                       detail::join(label ? m->label_names() : m->data_names()) + ")");
    // Only the batch size may change within a bucket (the module rebinds for it).
    Shape a = descs[i].shape, b = bound[i].shape;
    const int axis = bound[i].batch_axis();
    bool same = a.ndim() == b.ndim();
    for (int d = 0; same && d < a.ndim(); ++d) same = d == axis || a[d] == b[d];
    if (!same)
      throw ShapeError(where + ": " + what + " '" + descs[i].name + "' has shape " + a.str() +
                       " but bucket " + std::to_string(key) + " is bound with " + b.str() +
                       "; within a bucket only the batch size may change (is the batch's bucket_key right?)");
  }
  return descs;
}

SYMGRAD_INLINE void BucketingModule::forward(const io::DataBatch& batch, std::optional<bool> is_train) {
  require_bound("forward");
  if (!params_initialized()) throw ValueError("BucketingModule.forward: call init_params first");
  auto data = batch_descs(batch, false);
  auto label = batch_descs(batch, true);
  switch_bucket(batch.bucket_key.value_or(default_key_), data, label);
  curr_->forward(batch, is_train);
}
SYMGRAD_INLINE void BucketingModule::backward(const std::vector<NDArray>& out_grads) {
  require_bound("backward");
  curr_->backward(out_grads);
}
SYMGRAD_INLINE void BucketingModule::update() {
  require_bound("update");
  if (!optimizer_initialized_) throw ValueError("BucketingModule.update: call init_optimizer first");
  curr_->update();
}
SYMGRAD_INLINE void BucketingModule::update_metric(metric::EvalMetric& m,
                                                   const std::vector<NDArray>& labels) {
  require_bound("update_metric");
  curr_->update_metric(m, labels);
}
SYMGRAD_INLINE std::vector<NDArray>& BucketingModule::get_outputs() {
  require_bound("get_outputs");
  return curr_->get_outputs();
}
SYMGRAD_INLINE std::pair<ParamDict, ParamDict> BucketingModule::get_params() {
  require_bound("get_params");
  return default_module().get_params();
}
SYMGRAD_INLINE void BucketingModule::install_monitor(Monitor& mon) {
  require_bound("install_monitor");
  monitor_ = &mon;
  for (auto& [key, m] : buckets_) m->install_monitor(mon);
}
SYMGRAD_INLINE void BucketingModule::save_checkpoint(const std::string& prefix, int epoch,
                                                     bool save_optimizer_states) {
  require_bound("save_checkpoint");
  default_module().save_checkpoint(prefix, epoch, save_optimizer_states);
}

}  // namespace SYMGRAD_NS
#endif
