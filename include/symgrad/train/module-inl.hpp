// Definitions of train/module.hpp.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include "../core/profiler.hpp"
#include "../ndarray/functions.hpp"
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
  if (!extra_.empty()) {  // several contexts: the sum of their gradients, the weights to all
    profiler::Scope comm("kvstore", "pushpull");
    for (std::size_t k = 0; k < update_index_.size(); ++k) {
      kv_->push(kv_keys_[k], multi_grads_[k]);
      kv_->pull(kv_keys_[k], multi_weights_[k]);
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
SYMGRAD_INLINE void Module::backward(const std::vector<NDArray>& out_grads) {
  require_bound("backward");
  if (extra_.empty()) return exec_.backward(out_grads);
  std::vector<NDArray> part(out_grads.size());
  for (std::size_t k = 0; k < executors(); ++k) {
    Executor& ex = executor_at(k);
    // each head gradient's rows for this context: as many as this executor's output has
    for (std::size_t i = 0; i < out_grads.size(); ++i) {
      std::int64_t begin = 0;
      for (std::size_t j = 0; j < k; ++j) begin += executor_at(j).outputs().at(i).shape()[0];
      part[i] = out_grads[i].slice_rows(begin, begin + ex.outputs().at(i).shape()[0]);
    }
    ex.backward(part);
  }
}
SYMGRAD_INLINE std::vector<NDArray>& Module::get_outputs() {
  if (extra_.empty()) return exec_.outputs();
  auto& first = exec_.outputs();
  merged_.resize(first.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (first[i].ndim() == 0)
      throw ValueError("get_outputs: output " + std::to_string(i) +
                       " is a scalar, which cannot be concatenated over several contexts");
    Shape s = first[i].shape();
    for (std::size_t k = 1; k < executors(); ++k) s[0] += executor_at(k).outputs().at(i).shape()[0];
    if (merged_[i].is_none() || !(merged_[i].shape() == s) || merged_[i].dtype() != first[i].dtype())
      merged_[i] = NDArray(s, o_.context[0], first[i].dtype());
    std::int64_t at = 0;
    for (std::size_t k = 0; k < executors(); ++k) {
      const NDArray& part = executor_at(k).outputs()[i];
      merged_[i].slice_rows(at, at + part.shape()[0]).copy_from(part);
      at += part.shape()[0];
    }
  }
  return merged_;
}
SYMGRAD_INLINE void Module::update_metric(metric::EvalMetric& m, const std::vector<NDArray>& labels) {
  auto& outs = get_outputs();
  if (o_.context[0].device_type == DeviceType::cpu) return m.update(labels, outs);
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
  if (!extra_.empty() && !aux_names_.empty()) {  // MXNet: the mean over the contexts' states
    for (auto& e : extra_) {
      auto xe = e.aux_dict();
      for (const auto& n : aux_names_) aux[n] = aux[n] + xe.at(n).copy_to(cpu());
    }
    for (const auto& n : aux_names_) aux[n] = aux[n] / static_cast<double>(executors());
  }
  return {arg, aux};
}
SYMGRAD_INLINE std::vector<std::int64_t> Module::split_batch(std::int64_t batch) const {
  const std::size_t n = o_.context.size();
  if (n == 0) throw ValueError("Module: context is an empty list; give at least one context");
  std::vector<double> load = o_.work_load_list;
  if (load.empty()) load.assign(n, 1.0);
  if (load.size() != n)
    throw ValueError("Module: work_load_list has " + std::to_string(load.size()) + " entries for " +
                     std::to_string(n) + " contexts");
  double total = 0;
  for (double w : load) {
    if (!(w > 0) || !std::isfinite(w)) throw ValueError("Module: work_load_list entries must be positive");
    total += w;
  }
  // MXNet's rule: round each share, the last one takes what rounding left over
  std::vector<std::int64_t> rows(n);
  std::int64_t sum = 0;
  for (std::size_t k = 0; k < n; ++k) sum += rows[k] = std::llround(load[k] * double(batch) / total);
  if (sum < batch) rows[n - 1] += batch - sum;
  std::vector<std::int64_t> bounds{0};
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t b = std::min(bounds.back() + rows[k], batch);
    if (b <= bounds.back())
      throw ValueError("Module: a batch of " + std::to_string(batch) + " cannot be split over " +
                       std::to_string(n) + " contexts with this work_load_list: some parts would be empty");
    bounds.push_back(b);
  }
  if (n > 1 && bounds.back() != batch)
    throw ValueError("Module: the work_load_list shares do not cover the batch of " + std::to_string(batch));
  return bounds;
}
SYMGRAD_INLINE void Module::sync_extra_params() {
  if (extra_.empty()) return;
  std::set<std::string> params(param_names_.begin(), param_names_.end());
  const auto& names = exec_.list_arguments();
  for (auto& e : extra_) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (params.count(names[i])) e.arg_arrays()[i].copy_from(exec_.arg_arrays()[i]);
    for (std::size_t i = 0; i < e.aux_arrays().size(); ++i)
      e.aux_arrays()[i].copy_from(exec_.aux_arrays()[i]);
  }
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
  multi_grads_.assign(update_index_.size(), {});
  multi_weights_.assign(update_index_.size(), {});
  if (!extra_.empty())
    for (std::size_t k = 0; k < update_index_.size(); ++k)
      for (std::size_t e = 0; e < executors(); ++e) {
        multi_grads_[k].push_back(executor_at(e).grad_arrays()[update_index_[k]]);
        multi_weights_[k].push_back(executor_at(e).arg_arrays()[update_index_[k]]);
      }
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
SYMGRAD_INLINE void Module::place(Executor& ex, const std::vector<NDArray>& arrays,
                                  const std::vector<io::DataDesc>& descs, std::size_t k) {
  const auto& names = ex.list_arguments();  // looked up in place: no dictionary per batch
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    auto at = std::find(names.begin(), names.end(), descs[i].name);
    NDArray& dst = ex.arg_arrays()[static_cast<std::size_t>(at - names.begin())];
    if (extra_.empty() || arrays[i].ndim() == 0)
      dst.copy_from(arrays[i]);
    else
      dst.copy_from(arrays[i].slice_rows(slices_[k], slices_[k + 1]));
  }
}

}  // namespace SYMGRAD_NS
#endif
