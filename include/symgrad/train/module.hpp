// Module: MXNet's mx.mod.Module — a symbol with named data, label and parameter arguments,
// bound to an executor, with initializers, an optimizer and metrics; fit/score/predict.
//   sg::Module mod(net, {.data_names = {"pixels"}, .label_names = {"article"}});
//   mod.fit(train_iter, {.eval_data = &test_iter, .optimizer = "sgd", .num_epoch = 10});
// Unlike MXNet, names in data_names/label_names that the symbol lacks are errors (MXNet only
// warns for labels), and an argument that is neither data, label nor something an initializer
// knows (a parameter) is an error at bind that says it is probably a missing label or data name.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "../exec/executor.hpp"
#include "../io/data_iter.hpp"
#include "../kv/kvstore.hpp"
#include "../opt/optimizer.hpp"
#include "base_module.hpp"
#include "callback.hpp"
#include "checkpoint.hpp"
#include "curve.hpp"
#include "initializer.hpp"
#include "metric.hpp"

namespace SYMGRAD_NS {

// One context, or several for data parallelism: `.context = gpu(0)` or `.context = {cpu(0), cpu(1)}`.
struct ContextList {
  std::vector<Context> list;
  ContextList(Context c = cpu()) : list{c} {}  // NOLINT: a single context converts implicitly
  ContextList(std::initializer_list<Context> l) : list(l) {}
  ContextList(std::vector<Context> l) : list(std::move(l)) {}  // NOLINT
  std::size_t size() const { return list.size(); }
  const Context& operator[](std::size_t i) const { return list[i]; }
  const Context& front() const { return list.front(); }
};

struct ModuleOptions {
  std::vector<std::string> data_names = {"data"};
  std::vector<std::string> label_names = {"softmax_label"};
  // With several contexts (MXNet's data parallelism) each batch is split along its first axis,
  // in proportion to work_load_list (default: equal shares), one executor per context; their
  // gradients are summed by a kvstore ("local" unless fit/init_optimizer names another), which
  // updates the weights and copies them to every executor. Outputs are concatenated again.
  ContextList context = cpu();
  std::vector<double> work_load_list = {};
  std::vector<std::string> fixed_param_names = {};
  std::vector<std::string> state_names = {};
  Logger logger = default_log;
};

class Module : public BaseModule {
 public:
  explicit Module(Symbol symbol, ModuleOptions o = {}) : sym_(std::move(symbol)), o_(std::move(o)) {
    auto args = sym_.list_arguments();
    auto check = [&](const std::vector<std::string>& names, const char* what) {
      for (const auto& n : names)
        if (std::find(args.begin(), args.end(), n) == args.end())
          throw NameError(std::string("Module: ") + what + " names '" + n +
                          "', which is not an argument of the symbol." + detail::did_you_mean(n, args) +
                          " Arguments: " + detail::join(args));
    };
    check(o_.data_names, "data_names");
    check(o_.label_names, "label_names");
    check(o_.state_names, "state_names");
    check(o_.fixed_param_names, "fixed_param_names");
    std::set<std::string> io(o_.data_names.begin(), o_.data_names.end());
    io.insert(o_.label_names.begin(), o_.label_names.end());
    io.insert(o_.state_names.begin(), o_.state_names.end());
    for (const auto& a : args)
      if (!io.count(a)) param_names_.push_back(a);
    aux_names_ = sym_.list_auxiliary_states();
    output_names_ = sym_.list_outputs();
  }

  const Symbol& symbol() const override { return sym_; }
  const std::vector<std::string>& data_names() const { return o_.data_names; }
  const std::vector<std::string>& label_names() const { return o_.label_names; }
  const std::vector<std::string>& param_names() const { return param_names_; }
  const std::vector<std::string>& aux_names() const { return aux_names_; }
  const std::vector<std::string>& output_names() const override { return output_names_; }
  bool binded() const override { return exec_.is_bound(); }
  bool params_initialized() const override { return params_initialized_; }
  bool optimizer_initialized() const override { return optimizer_ != nullptr; }
  kv::KVStore* kvstore() const override { return kv_.get(); }
  const Logger& logger() const override { return o_.logger; }
  opt::Optimizer* optimizer() const { return optimizer_.get(); }
  const std::vector<io::DataDesc>& data_shapes() const { return data_shapes_; }
  const std::vector<io::DataDesc>& label_shapes() const { return label_shapes_; }
  // The executor (with several contexts: the first context's, for its rows of the batch).
  Executor& executor() { return exec_; }

  void bind(const std::vector<io::DataDesc>& data_shapes, const std::vector<io::DataDesc>& label_shapes = {},
            const ModuleBindOptions& b = {}) override {
    if (binded() && !b.force_rebind) {
      o_.logger("Already bound, ignoring bind()");
      return;
    }
    check_descs(data_shapes, o_.data_names, "data_shapes", "data_names");
    if (!label_shapes.empty()) check_descs(label_shapes, o_.label_names, "label_shapes", "label_names");
    check_parameters();
    if (b.shared_module) {
      if (b.shared_module == this || !b.shared_module->binded() || !b.shared_module->params_initialized())
        throw ValueError(
            "bind: shared_module must be another module, bound and with its parameters initialized");
      shared_ = b.shared_module;
    }
    data_shapes_ = data_shapes;
    label_shapes_ = label_shapes;
    for_training_ = b.for_training;
    ShapeDict shapes;
    TypeDict types;
    for (const auto* list : {&data_shapes, &label_shapes})
      for (const auto& d : *list) shapes[d.name] = d.shape, types[d.name] = d.dtype;
    std::map<std::string, std::string> req;
    std::set<std::string> fixed(o_.fixed_param_names.begin(), o_.fixed_param_names.end());
    for (const auto& p : param_names_) req[p] = (b.for_training && !fixed.count(p)) ? b.grad_req : "null";
    if (b.inputs_need_grad && b.for_training)
      for (const auto& d : o_.data_names) req[d] = b.grad_req;
    // A rebind keeps the parameter arrays themselves (other modules may share them); a module
    // bound with a shared_module takes that module's.
    // One executor per context, each for its rows of the batch (all of them with one context).
    slices_ = split_batch(data_shapes.at(0).shape.ndim() > 0 ? data_shapes[0].shape[0] : 1);
    auto slice_shapes = [&](std::size_t k) {
      ShapeDict sd = shapes;
      if (o_.context.size() > 1)
        for (auto& [name, shp] : sd)
          if (shp.ndim() > 0) shp[0] = slices_[k + 1] - slices_[k];
      return sd;
    };
    // The first context's executor may keep its intermediate arrays in a pool shared with other
    // modules (never with this module's other contexts: they run forward one after another).
    if (shared_ && shared_->pool_)
      pool_ = shared_->pool_;
    else if (b.memory_pool && !pool_)
      pool_ = std::make_shared<SharedMemoryPool>();
    Executor fresh = sym_.simple_bind(
        o_.context[0], slice_shapes(0),
        {.grad_req = req, .type_dict = types, .shared_pool = b.for_training ? pool_ : nullptr});
    if (shared_)
      adopt_params(fresh, shared_->exec_, true);
    else if (exec_.is_bound() && params_initialized_)
      adopt_params(fresh, exec_, false);
    std::vector<Executor> extra;
    for (std::size_t k = 1; k < o_.context.size(); ++k)
      extra.push_back(
          sym_.simple_bind(o_.context[k], slice_shapes(k), {.grad_req = req, .type_dict = types}));
    exec_ = std::move(fresh);
    extra_ = std::move(extra);
    merged_.clear();
    if (monitor_) reinstall_monitor();  // the new executor has no callback yet
    if (shared_) params_initialized_ = true;
    if (preloaded_ && !params_initialized_) {  // Module::load: the checkpoint's parameters, as MXNet
      exec_.copy_params_from(preloaded_->arg_params, preloaded_->aux_params);
      params_initialized_ = true;
    }
    if (params_initialized_) sync_extra_params();
    if (optimizer_) plan_updates();
  }

  void init_params(const InitParamsOptions& p = {}) override {
    require_bound("init_params");
    if (params_initialized_ && !p.force_init) {
      o_.logger("Parameters already initialized and force_init=False. init_params call ignored.");
      return;
    }
    std::shared_ptr<const init::Initializer> initializer =
        p.initializer ? p.initializer : std::make_shared<init::Uniform>(init::UniformOptions{.scale = 0.01});
    nd::random::Generator gen(p.seed);
    auto attrs = sym_.attr_dict();
    auto attrs_of = [&](const std::string& n) { return attrs.count(n) ? attrs.at(n) : AttrMap{}; };
    auto fill = [&](const std::string& name, const NDArray& arr, const ParamDict& given, const char* what) {
      if (auto it = given.find(name); it != given.end()) {
        if (!(it->second.shape() == arr.shape()))
          throw ShapeError(std::string("init_params: ") + what + " '" + name + "' has shape " +
                           it->second.shape().str() + " but the module needs " + arr.shape().str());
        it->second.copy_to(const_cast<NDArray&>(arr));
        return;
      }
      if (!given.empty() && !p.allow_missing)
        throw ValueError(std::string("init_params: ") + what + " '" + name +
                         "' is not presented in the given " + what +
                         "s; pass allow_missing=true to initialize it instead");
      AttrMap a;
      for (const auto& [k, v] : attrs_of(name)) a[k] = v;
      if (arr.context().device_type == DeviceType::cpu) {
        (*initializer)(init::InitDesc{name, a}, arr, gen);
      } else {  // initializers draw on the host
        NDArray host(arr.shape(), cpu(), arr.dtype());
        (*initializer)(init::InitDesc{name, a}, host, gen);
        host.copy_to(const_cast<NDArray&>(arr));
      }
    };
    // Parameters in sorted name order, as MXNet (so a seed gives MXNet's order of draws).
    std::vector<std::string> names = param_names_;
    std::sort(names.begin(), names.end());
    auto args = exec_.arg_dict();
    for (const auto& n : names) fill(n, args.at(n), p.arg_params, "argument");
    std::vector<std::string> aux = aux_names_;
    std::sort(aux.begin(), aux.end());
    auto auxd = exec_.aux_dict();
    for (const auto& n : aux) fill(n, auxd.at(n), p.aux_params, "auxiliary state");
    sync_extra_params();
    if (!p.allow_extra)
      for (const auto& [k, v] : p.arg_params)
        if (std::find(param_names_.begin(), param_names_.end(), k) == param_names_.end())
          throw NameError("init_params: '" + k + "' in arg_params is not a parameter of the module." +
                          detail::did_you_mean(k, param_names_) + " Pass allow_extra=true to ignore it");
    params_initialized_ = true;
  }

  void init_optimizer(const InitOptimizerOptions& io = {}) override {
    require_bound("init_optimizer");
    if (!params_initialized_) throw ValueError("init_optimizer: call init_params first");
    if (optimizer_ && !io.force_init) {
      o_.logger("optimizer already initialized, ignoring...");
      return;
    }
    // One process and one device: no store, the module updates its weights (MXNet does the same).
    // Several contexts: the store sums their gradients and updates.
    auto store = kv::create(io.kvstore.empty() ? "local" : io.kvstore);
    const bool dist = store->distributed() || o_.context.size() > 1;
    OptimizerParams params = io.optimizer_params;
    if (!params.count("rescale_grad")) {  // 1 / batch size, over all workers for dist_*_sync
      double batch = static_cast<double>(data_shapes_.at(0).shape[0]);
      if (store->distributed()) batch *= store->num_workers();  // every distributed store is synchronous
      params["rescale_grad"] = 1.0 / batch;
    }
    // Built aside and kept only when everything succeeded (a failed init leaves no half state).
    std::shared_ptr<opt::Optimizer> optimizer = opt::create(io.optimizer, params, io.lr_scheduler);
    // An optimizer index is the parameter's position in param_names(), as MXNet's Module numbers
    // its updater's indices (one device), so that .states files index the same parameters.
    optimizer->set_param_names(param_names_);
    optimizer->set_symbol_attrs(sym_.attr_dict());
    const auto& names = exec_.list_arguments();
    if (dist) {
      // Every worker starts from rank 0's parameters; the store's keys are the parameter names.
      store->set_optimizer(optimizer);
      // The optimizer's indices stay the parameter positions, as without a store.
      std::vector<NDArray> values;
      std::vector<std::size_t> indices;
      for (std::size_t k = 0; k < param_names_.size(); ++k) {
        auto at =
            static_cast<std::size_t>(std::find(names.begin(), names.end(), param_names_[k]) - names.begin());
        values.push_back(exec_.arg_arrays()[at]);
        indices.push_back(k);
      }
      store->init(param_names_, values, indices);
      store->pull(param_names_, values);
      sync_extra_params();
    } else {
      store.reset();
    }
    if (!preload_states_.empty()) {
      if (store)
        store->load_optimizer_states(preload_states_);
      else
        optimizer->load_states(preload_states_);
    }
    optimizer_ = std::move(optimizer);
    kv_ = std::move(store);
    opt_names_ = param_names_;
    plan_updates();
  }
  // Updates through `other`'s optimizer (and store): one state per parameter, kept by name, for
  // modules that share parameters (MXNet's borrow_optimizer).
  void borrow_optimizer(const Module& other) {
    if (!other.optimizer_) throw ValueError("borrow_optimizer: the other module has no optimizer");
    optimizer_ = other.optimizer_;
    kv_ = other.kv_;
    opt_names_ = other.opt_names_;
    if (binded()) plan_updates();
  }
  // Optimizer states of a save_checkpoint(..., save_optimizer_states = true), or of MXNet's
  // mod.save_optimizer_states for a module with the same param_names (opt::Optimizer::load_states).
  void load_optimizer_states(const std::string& path);

  // Copies the batch into the executors (by the names bound; each its rows) and runs forward.
  void forward(const io::DataBatch& batch, std::optional<bool> is_train = {}) override {
    require_bound("forward");
    const bool with_label = !label_shapes_.empty() && !batch.label.empty();
    reshape_for(batch, with_label);
    const bool train = is_train.value_or(for_training_);
    for (std::size_t k = 0; k < executors(); ++k) {
      place(executor_at(k), batch.data, data_shapes_, k);
      if (with_label) place(executor_at(k), batch.label, label_shapes_, k);
      executor_at(k).forward(train);
    }
  }
  void backward(const std::vector<NDArray>& out_grads = {}) override;
  void update() override;
  void update_metric(metric::EvalMetric& m, const std::vector<NDArray>& labels) override;
  // The outputs; with several contexts, each output's parts concatenated along the first axis.
  std::vector<NDArray>& get_outputs() override;
  // The number of contexts (executors), and the rows of the batch each one takes.
  std::size_t executors() const { return 1 + extra_.size(); }
  std::pair<std::int64_t, std::int64_t> slice(std::size_t k) const {
    return {slices_.at(k), slices_.at(k + 1)};
  }
  // The executor of context k (0: executor()).
  Executor& executor_at(std::size_t k) { return k == 0 ? exec_ : extra_.at(k - 1); }
  std::pair<ParamDict, ParamDict> get_params() override;
  void install_monitor(Monitor& mon) override;
  void set_params(const ParamDict& arg, const ParamDict& aux = {}, bool allow_missing = false,
                  bool force_init = true, bool allow_extra = false) {
    init_params({.arg_params = arg,
                 .aux_params = aux,
                 .allow_missing = allow_missing,
                 .force_init = force_init,
                 .allow_extra = allow_extra});
  }

  // prefix-symbol.json, prefix-%04d.params and (optionally) prefix-%04d.states, all in MXNet's
  // formats (MXNet's mod.load_optimizer_states reads the .states file). With a distributed
  // kvstore only rank 0 writes (every worker holds the same weights and states).
  void save_checkpoint(const std::string& prefix, int epoch, bool save_optimizer_states = false);
  static std::string states_path(const std::string& prefix, int epoch);
  // Module::load(prefix, epoch): the symbol and parameters of a checkpoint. As MXNet, bind puts
  // the parameters in (init_params / fit then leave them), and with load_optimizer_states the
  // optimizer states of prefix-%04d.states are loaded by init_optimizer.
  static Module load(const std::string& prefix, int epoch, ModuleOptions o = {},
                     bool load_optimizer_states = false) {
    auto c = load_checkpoint(prefix, epoch);
    Module m(c.symbol, std::move(o));
    m.preloaded_ = std::make_unique<Checkpoint>(std::move(c));
    if (load_optimizer_states) m.preload_states_ = states_path(prefix, epoch);
    return m;
  }
  const Checkpoint* preloaded() const { return preloaded_.get(); }

 private:
  // The arguments the optimizer updates (parameters with gradients), their store keys, and room
  // for update()'s lists, so that a step allocates nothing. Again after each bind.
  void plan_updates();
  // After a bind: the parameter, gradient and auxiliary arrays of `from` replace the new
  // executor's where the names match. `shared`: every parameter must be in `from`, same shape
  // (else ShapeError / ValueError); otherwise a parameter whose shape changed is copied as far as
  // copy_params_from allows, as before.
  void adopt_params(Executor& to, Executor& from, bool shared) const;
  void reinstall_monitor();
  void require_bound(const char* what) const {
    if (!exec_.is_bound())
      throw ValueError(std::string(what) + ": the module is not bound; call bind() or fit() first");
  }
  static void check_descs(const std::vector<io::DataDesc>& given, const std::vector<std::string>& names,
                          const char* what, const char* names_what);
  // True when `name` is the label input of an output layer (SoftmaxOutput, *RegressionOutput,
  // SVMOutput): a label whatever it is called.
  bool feeds_output_label(const std::string& name) const;
  // Every argument that is not data, label or state must be something an initializer can fill:
  // otherwise it is almost always a label or data name that was not declared.
  void check_parameters() const;
  // A batch of other shapes (another batch size, as an evaluation iterator may have): rebind
  // once for data and labels together, keeping the parameters, as MXNet's Module.forward does.
  // Without labels in the batch, bound labels follow the data's new batch size.
  void reshape_for(const io::DataBatch& batch, bool with_label);
  // Copies executor k's rows of each array into its inputs.
  void place(Executor& ex, const std::vector<NDArray>& arrays, const std::vector<io::DataDesc>& descs,
             std::size_t k);
  // Boundaries of the contexts' rows of a batch (MXNet's split by work_load_list).
  std::vector<std::int64_t> split_batch(std::int64_t batch) const;
  // The parameters and auxiliary states of the first executor copied to the others.
  void sync_extra_params();

  Symbol sym_;
  ModuleOptions o_;
  std::vector<std::string> param_names_, aux_names_, output_names_;
  std::vector<io::DataDesc> data_shapes_, label_shapes_;
  Executor exec_;
  std::shared_ptr<SharedMemoryPool> pool_;  // intermediate arrays shared with other modules
  std::vector<Executor> extra_;             // the executors of the other contexts
  std::vector<std::int64_t> slices_;        // row boundaries of the contexts' parts of a batch
  std::vector<NDArray> merged_;             // concatenated outputs (several contexts)
  std::vector<std::vector<NDArray>> multi_grads_, multi_weights_;  // per update: every context's arrays
  bool for_training_ = true;
  bool params_initialized_ = false;
  std::shared_ptr<opt::Optimizer> optimizer_;
  std::unique_ptr<Checkpoint> preloaded_;
  std::string preload_states_;
  std::shared_ptr<kv::KVStore> kv_;        // shared with modules that borrow the optimizer
  Module* shared_ = nullptr;               // the module whose parameter arrays this one uses
  Monitor* monitor_ = nullptr;             // installed again on every executor bind makes
  std::vector<std::string> opt_names_;     // the optimizer's index -> parameter name
  std::vector<NDArray> host_outputs_;      // metrics' copies of GPU outputs
  std::vector<std::size_t> update_index_;  // arguments the optimizer updates: parameters with gradients
  std::vector<std::size_t> opt_index_;     // their indices for the optimizer (opt_names_)
  std::vector<std::string> kv_keys_;       // their names, for the store
  std::vector<NDArray> kv_grads_, kv_weights_;
};

}  // namespace SYMGRAD_NS
