// Definitions of train/module.hpp.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include "../core/profiler.hpp"
#include "../symbol/graph.hpp"
#include "module.hpp"
#include "monitor.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_MODULE)
namespace SYMGRAD_NS {

SYMGRAD_INLINE std::shared_ptr<metric::EvalMetric> make_metric(const MetricSpec& m) {
  if (auto s = std::get_if<std::string>(&m)) return metric::create(*s);
  if (auto v = std::get_if<std::vector<std::string>>(&m)) return metric::create(*v);
  return std::get<std::shared_ptr<metric::EvalMetric>>(m);
}
SYMGRAD_INLINE void Module::load_optimizer_states(const std::string& path) {
  if (!optimizer_) throw ValueError("load_optimizer_states: call init_optimizer (or fit) first");
  if (kv_)
    kv_->load_optimizer_states(path);
  else
    optimizer_->load_states(path);
}
SYMGRAD_INLINE void Module::install_monitor(Monitor& mon) {
  require_bound("install_monitor");
  mon.install(exec_);
  monitor_ = &mon;
}
SYMGRAD_INLINE void Module::reinstall_monitor() { monitor_->install(exec_); }
SYMGRAD_INLINE void Module::update() {
  if (!optimizer_) throw ValueError("update: call init_optimizer first");
  auto& grads = exec_.grad_arrays();
  auto& args = exec_.arg_arrays();
  if (!kv_) {
    for (std::size_t k = 0; k < update_index_.size(); ++k) {
      const std::size_t i = update_index_[k];
      optimizer_->update(opt_index_[k], args[i], grads[i]);
    }
    return;
  }
  for (std::size_t i : update_index_) kv_grads_.push_back(grads[i]), kv_weights_.push_back(args[i]);
  {
    profiler::Scope comm("kvstore", "pushpull");
    kv_->pushpull(kv_keys_, kv_grads_, kv_weights_);
  }
  kv_grads_.clear();  // keeps the capacity, drops the references to the executor's arrays
  kv_weights_.clear();
}
SYMGRAD_INLINE void Module::update_metric(metric::EvalMetric& m, const std::vector<NDArray>& labels) {
  auto& outs = exec_.outputs();
  if (o_.context.device_type == DeviceType::cpu) return m.update(labels, outs);
  // metrics read the outputs on the host: copies kept from one batch to the next
  host_outputs_.resize(outs.size());
  for (std::size_t i = 0; i < outs.size(); ++i) {
    if (host_outputs_[i].is_none() || !(host_outputs_[i].shape() == outs[i].shape()) ||
        host_outputs_[i].dtype() != outs[i].dtype())
      host_outputs_[i] = NDArray(outs[i].shape(), cpu(), outs[i].dtype());
    outs[i].copy_to(host_outputs_[i]);
  }
  m.update(labels, host_outputs_);
}
SYMGRAD_INLINE std::pair<ParamDict, ParamDict> Module::get_params() {
  require_bound("get_params");
  ParamDict arg, aux;
  auto a = exec_.arg_dict();
  for (const auto& n : param_names_) arg[n] = a.at(n).copy_to(cpu());  // host copies, as MXNet
  auto x = exec_.aux_dict();
  for (const auto& n : aux_names_) aux[n] = x.at(n).copy_to(cpu());
  return {arg, aux};
}
SYMGRAD_INLINE void Module::save_checkpoint(const std::string& prefix, int epoch,
                                            bool save_optimizer_states) {
  auto [arg, aux] = get_params();
  if (!kv_ || kv_->rank() == 0) symgrad::save_checkpoint(prefix, epoch, sym_, arg, aux);
  if (save_optimizer_states && optimizer_) {
    if (kv_)
      kv_->save_optimizer_states(states_path(prefix, epoch));
    else
      optimizer_->save_states(states_path(prefix, epoch));
  }
}
SYMGRAD_INLINE std::string Module::states_path(const std::string& prefix, int epoch) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04d.states", epoch);
  return prefix + buf;
}
SYMGRAD_INLINE void Module::plan_updates() {
  update_index_.clear();
  opt_index_.clear();
  kv_keys_.clear();
  const auto& names = exec_.list_arguments();
  std::set<std::string> params(param_names_.begin(), param_names_.end());
  for (std::size_t i = 0; i < names.size(); ++i)
    if (params.count(names[i]) && !exec_.grad_arrays()[i].is_none()) {
      auto at = std::find(opt_names_.begin(), opt_names_.end(), names[i]);
      if (at == opt_names_.end())
        throw ValueError("update: parameter '" + names[i] +
                         "' is unknown to the optimizer, which was made for the arguments " +
                         detail::join(opt_names_));
      update_index_.push_back(i);
      opt_index_.push_back(static_cast<std::size_t>(at - opt_names_.begin()));
      if (kv_) kv_keys_.push_back(names[i]);
    }
  kv_grads_.reserve(update_index_.size());
  kv_weights_.reserve(update_index_.size());
}
SYMGRAD_INLINE void Module::adopt_params(Executor& to, Executor& from, bool shared) const {
  // Takes from[j] for to[i] where the names match; data and labels keep their own arrays.
  auto take = [&](const std::string& name, NDArray& dst, const std::vector<std::string>& from_names,
                  std::vector<NDArray>& src, NDArray* dst_grad, std::vector<NDArray>* src_grad,
                  const char* what) {
    auto at = std::find(from_names.begin(), from_names.end(), name);
    if (at == from_names.end()) {
      if (!shared) return;
      throw ValueError("bind: " + std::string(what) + " '" + name +
                       "' is not in the shared module; modules that share parameters must name them "
                       "alike (the shared module's arguments: " +
                       detail::join(from_names) + ")");
    }
    const auto j = static_cast<std::size_t>(at - from_names.begin());
    if (!(dst.shape() == src[j].shape()) || dst.dtype() != src[j].dtype()) {
      if (!shared) {  // the shape follows the data: the values cannot carry over
        src[j].copy_to(dst);
        return;
      }
      throw ShapeError("bind: " + std::string(what) + " '" + name + "' has shape " + dst.shape().str() +
                       " here but " + src[j].shape().str() +
                       " in the shared module; a shared parameter must have one shape in every module");
    }
    dst = src[j];
    if (dst_grad && src_grad && !dst_grad->is_none() && !(*src_grad)[j].is_none()) *dst_grad = (*src_grad)[j];
  };
  std::set<std::string> params(param_names_.begin(), param_names_.end());
  const auto& to_args = to.list_arguments();
  for (std::size_t i = 0; i < to_args.size(); ++i)
    if (params.count(to_args[i]))
      take(to_args[i], to.arg_arrays()[i], from.list_arguments(), from.arg_arrays(), &to.grad_arrays()[i],
           &from.grad_arrays(), "parameter");
  const auto& to_aux = to.list_auxiliary_states();
  for (std::size_t i = 0; i < to_aux.size(); ++i)
    take(to_aux[i], to.aux_arrays()[i], from.list_auxiliary_states(), from.aux_arrays(), nullptr, nullptr,
         "auxiliary state");
}
SYMGRAD_INLINE void Module::check_descs(const std::vector<io::DataDesc>& given,
                                        const std::vector<std::string>& names, const char* what,
                                        const char* names_what) {
  std::set<std::string> a, b(names.begin(), names.end());
  std::vector<std::string> gn;
  for (const auto& d : given) a.insert(d.name), gn.push_back(d.name);
  if (a != b)
    throw ValueError(std::string("bind: the names in ") + what + " (" + detail::join(gn) + ") do not match " +
                     names_what + " (" + detail::join(names) +
                     "); the iterator's data_name/label_name must be the names the module "
                     "was created with");
}
SYMGRAD_INLINE bool Module::feeds_output_label(const std::string& name) const {
  for (Node* n : topo_order(sym_.entries())) {
    if (!n->op || n->inputs.size() < 2 || !n->op->type_name().ends_with("Output")) continue;
    const Node& in = *n->inputs[1].node;
    if (in.is_variable() && in.name == name) return true;
  }
  return false;
}
SYMGRAD_INLINE void Module::check_parameters() const {
  auto attrs = sym_.attr_dict();
  for (const auto& p : param_names_) {
    bool has_init = attrs.count(p) && attrs.at(p).count("__init__");
    if (has_init || init::known_pattern(p)) continue;
    bool label_like = p == "label" || p.ends_with("label") || feeds_output_label(p);
    throw ValueError(
        "Module: argument '" + p + "' is neither data (data_names: " + detail::join(o_.data_names) +
        "), a label (label_names: " + detail::join(o_.label_names) +
        ") nor a parameter an initializer knows (names ending in weight, bias, gamma, beta ...). " +
        (label_like ? "It looks like a label: add it to label_names, e.g. {.label_names = {\"" + p + "\"}}. "
                    : "Add it to data_names or label_names, ") +
        (label_like ? "Or, if it is a parameter, " : "or, if it is a parameter, ") +
        "give the variable an initializer: var(\"" + p + "\", {.init = ...})");
  }
}
SYMGRAD_INLINE void Module::reshape_for(const io::DataBatch& batch, bool with_label) {
  auto count = [](const std::vector<NDArray>& a, const std::vector<io::DataDesc>& d, const char* what) {
    if (a.size() != d.size())
      throw ValueError(std::string("forward: the batch has ") + std::to_string(a.size()) + " " + what +
                       " arrays but " + std::to_string(d.size()) + " were bound");
  };
  count(batch.data, data_shapes_, "data");
  if (with_label) count(batch.label, label_shapes_, "label");
  // The bound shapes are compared in place: a step with the bound shapes copies nothing.
  auto label_want = [&](std::size_t i, const Shape& data0) {
    Shape want = label_shapes_[i].shape;
    if (with_label)
      want = batch.label[i].shape();
    else if (data0.ndim() > 0 && want.ndim() > 0)
      want[0] = data0[0];
    return want;
  };
  bool changed = false;
  for (std::size_t i = 0; i < data_shapes_.size(); ++i)
    changed |= !(batch.data[i].shape() == data_shapes_[i].shape);
  const Shape data0 = batch.data.empty() ? Shape() : batch.data[0].shape();
  for (std::size_t i = 0; i < label_shapes_.size(); ++i)
    changed |= !(label_want(i, data0) == label_shapes_[i].shape);
  if (!changed) return;
  auto d = data_shapes_, l = label_shapes_;
  for (std::size_t i = 0; i < d.size(); ++i) d[i].shape = batch.data[i].shape();
  for (std::size_t i = 0; i < l.size(); ++i) l[i].shape = label_want(i, data0);
  bind(d, l, {.for_training = for_training_, .force_rebind = true});
}
SYMGRAD_INLINE void Module::place(const std::vector<NDArray>& arrays, const std::vector<io::DataDesc>& descs,
                                  const char*) {
  const auto& names = exec_.list_arguments();  // looked up in place: no dictionary per batch
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    auto at = std::find(names.begin(), names.end(), descs[i].name);
    exec_.arg_arrays()[static_cast<std::size_t>(at - names.begin())].copy_from(arrays[i]);
  }
}

}  // namespace SYMGRAD_NS
#endif
