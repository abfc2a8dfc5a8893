// Executor (exec/executor.hpp): its state, forward/backward and the accessors. Bind is in
// exec/bind-inl.hpp.
#pragma once
#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include "../core/profiler.hpp"
#include "../core/strings.hpp"
#include "../ndarray/random.hpp"
#include "../ops/operator.hpp"
#include "../symbol/graph.hpp"
#include "executor.hpp"

namespace SYMGRAD_NS {
namespace exec {
struct Step {
  const Operator* op;
  std::string name;
  std::vector<NDArray> in, out;
  std::vector<OpReq> req;
};
// Where a user-visible array is used inside the steps (to follow re-assigned handles).
struct Slot {
  enum List : std::uint8_t { forward, backward, inference } list;
  std::size_t step;
  bool is_out;
  std::size_t index;
};
// What bind's memory plan did (exec/memory_plan-inl.hpp).
struct MemoryPlan {
  std::size_t planned_bytes = 0;  // the shared buffers
  std::size_t naive_bytes = 0;    // one buffer per array
  std::size_t arrays = 0, buffers = 0;
  std::size_t pool_bytes = 0;  // with a shared pool: the pool's size when bound
};
}  // namespace exec

struct Executor::State {
  using Step = exec::Step;
  using Slot = exec::Slot;
  Context ctx;
  std::vector<std::string> arg_names, aux_names, out_names;
  std::vector<NDArray> args, grads, aux, outputs, head_grads;
  std::vector<NDArray> bound_args, bound_grads, bound_aux;  // as the steps hold them
  std::vector<std::vector<Slot>> arg_slots, grad_slots, aux_slots;
  std::vector<OpReq> grad_req;
  std::vector<bool> head_grad_needed;
  std::vector<char> head_given;  // per backward call; kept here so backward allocates nothing
  std::vector<Step> fwd, bwd;
  std::vector<Step> infer;  // forward(is_train = false) when not empty (exec/infer_rewrite-inl.hpp)
  std::vector<std::unique_ptr<const Operator>> fused_ops;  // the operators of infer's fused steps
  std::vector<NodeEntry> graph;                            // keeps the lowered graph alive
  RunCtx run;
  nd::random::Generator rng;
  NDArray workspace;  // shared scratch of the steps (the largest workspace_bytes)
  exec::MemoryPlan memory;
  MonitorCallback monitor;
  bool monitor_all = false;
  bool forward_train_done = false;

  void set_input(std::string_view name, const NDArray& a) {
    for (std::size_t i = 0; i < arg_names.size(); ++i)
      if (arg_names[i] == name) {
        if (!(args[i].shape() == a.shape()))
          throw ShapeError("forward: input '" + arg_names[i] + "' must have shape " + args[i].shape().str() +
                           " (as bound) but has shape " + a.shape().str());
        a.copy_to(args[i]);
        return;
      }
    for (std::size_t i = 0; i < aux_names.size(); ++i)
      if (aux_names[i] == name) {
        if (!(aux[i].shape() == a.shape()))
          throw ShapeError("forward: auxiliary state '" + aux_names[i] + "' must have shape " +
                           aux[i].shape().str() + " but has shape " + a.shape().str());
        a.copy_to(aux[i]);
        return;
      }
    throw NameError("forward: '" + std::string(name) + "' is not an argument of the bound symbol." +
                    detail::did_you_mean(name, arg_names) + " Arguments: " + detail::join(arg_names));
  }
  void set_head_grad(std::size_t i, const NDArray& g) {
    if (!(g.shape() == outputs[i].shape()))
      throw ShapeError("backward: the head gradient of output '" + out_names[i] + "' must have shape " +
                       outputs[i].shape().str() + " but has shape " + g.shape().str());
    if (head_grad_needed[i]) g.copy_to(head_grads[i]);
  }
  Step& step_of(const Slot& sl) {
    return sl.list == Slot::backward    ? bwd[sl.step]
           : sl.list == Slot::inference ? infer[sl.step]
                                        : fwd[sl.step];
  }
  // Follows arrays the user re-assigned in arg_dict()/grad_dict()/aux_dict().
  void sync(std::vector<NDArray>& arrays, std::vector<NDArray>& bound, std::vector<std::vector<Slot>>& slots,
            const std::vector<std::string>& names, const char* what) {
    for (std::size_t i = 0; i < arrays.size(); ++i) {
      if (arrays[i].same_storage(bound[i]) && arrays[i].shape() == bound[i].shape()) continue;
      if (bound[i].is_none()) continue;
      if (arrays[i].is_none() || !(arrays[i].shape() == bound[i].shape()) ||
          arrays[i].dtype() != bound[i].dtype() || !(arrays[i].context() == bound[i].context()))
        throw ValueError(std::string(what) + " '" + names[i] + "' was replaced by an array of shape " +
                         (arrays[i].is_none() ? std::string("none") : arrays[i].shape().str()) + " / " +
                         std::string(dtype_name(arrays[i].dtype())) + "; it must stay " +
                         bound[i].shape().str() + " / " + std::string(dtype_name(bound[i].dtype())) +
                         " (copy values in with copy_from instead)");
      for (const Slot& sl : slots[i]) {
        Step& st = step_of(sl);
        (sl.is_out ? st.out : st.in)[sl.index] = arrays[i];
      }
      bound[i] = arrays[i];
    }
  }
  void sync_all() {
    sync(args, bound_args, arg_slots, arg_names, "argument");
    sync(grads, bound_grads, grad_slots, arg_names, "gradient of");
    sync(aux, bound_aux, aux_slots, aux_names, "auxiliary state");
  }
};
}  // namespace SYMGRAD_NS

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_EXEC_EXECUTOR)
namespace SYMGRAD_NS {

namespace exec {
// The names a monitor callback sees: "<node>_<name>" for an operator's input or output name.
inline std::string monitor_name(const Step& st, std::size_t j, bool output) {
  const auto names = output ? st.op->outputs() : st.op->arguments();
  return st.name + "_" + (j < names.size() ? names[j] : (output ? "output" : "input") + std::to_string(j));
}

// The profiler's record of a step: its node, operator and output shapes.
inline void profile_step(const Step& st, const char* pass, std::int64_t t0) {
  std::string shapes;
  for (const auto& a : st.out)
    shapes += (shapes.empty() ? "" : " ") + (a.is_none() ? std::string("-") : a.shape().str());
  profiler::detail::record(
      "operator", st.name, t0, profiler::detail::now_ns(),
      "\"op\": \"" + st.op->type_name() + "\", \"pass\": \"" + pass + "\", \"shapes\": \"" + shapes + "\"");
}

inline void run_steps(std::vector<Step>& steps, const RunCtx& run,
                      const Executor::MonitorCallback* monitor = nullptr, bool monitor_all = false,
                      const char* pass = "forward") {
  for (auto& st : steps) {
    const std::int64_t t0 = profiler::running() ? profiler::detail::now_ns() : 0;
    if (monitor && monitor_all)
      for (std::size_t j = 0; j < st.in.size(); ++j)
        if (!st.in[j].is_none()) (*monitor)(monitor_name(st, j, false), st.in[j]);
    try {
      if (run.ctx.device_type == DeviceType::cpu)
        st.op->forward(run, st.in, st.out, st.req);
      else
        st.op->forward_gpu(run, st.in, st.out, st.req);
    } catch (const ops::KernelInputError& e) {
      // A backward step reports under its forward node: "softmax (SoftmaxOutput, backward)".
      std::string name = st.name, type = st.op->type_name();
      const std::string suffix = "_backward", prefix = "_backward_";
      if (name.ends_with(suffix) && type.starts_with(prefix))
        name.resize(name.size() - suffix.size()), type = type.substr(prefix.size()) + ", backward";
      throw ValueError(name + " (" + type + "): " + e.message);
    }
    if (t0) profile_step(st, pass, t0);
    if (monitor)
      for (std::size_t j = 0; j < st.out.size(); ++j)
        if (st.req[j] != OpReq::null && !st.out[j].is_none())
          (*monitor)(monitor_name(st, j, true), st.out[j]);
  }
}
}  // namespace exec

SYMGRAD_INLINE NDArray& NamedArrays::at(std::string_view name) const {
  std::size_t i = find(name);
  if (i == size())
    throw NameError(std::string(what_) + ": no entry named '" + std::string(name) + "'." +
                    detail::did_you_mean(name, *names_) + " Names: " + detail::join(*names_));
  if (reqs_ && (*reqs_)[i] == OpReq::null)
    throw ValueError(std::string(what_) + ": argument '" + std::string(name) +
                     "' was bound with grad_req 'null', so it has no gradient; bind with "
                     "grad_req 'write' or 'add' for it");
  return (*arrays_)[i];
}

SYMGRAD_INLINE Executor::Executor() = default;
SYMGRAD_INLINE Executor::~Executor() = default;
SYMGRAD_INLINE Executor::Executor(Executor&&) noexcept = default;
SYMGRAD_INLINE Executor& Executor::operator=(Executor&&) noexcept = default;

SYMGRAD_INLINE std::vector<NDArray>& Executor::forward(
    bool is_train, std::initializer_list<std::pair<std::string_view, NDArray>> inputs) {
  auto& s = state();
  for (const auto& [name, arr] : inputs) s.set_input(name, arr);
  return run_forward(is_train);
}
SYMGRAD_INLINE std::vector<NDArray>& Executor::forward(bool is_train,
                                                       const std::map<std::string, NDArray>& inputs) {
  auto& s = state();
  for (const auto& [name, arr] : inputs) s.set_input(name, arr);
  return run_forward(is_train);
}

SYMGRAD_INLINE void Executor::backward(const std::vector<NDArray>& out_grads) {
  auto& s = state();
  if (out_grads.size() > s.out_names.size())
    throw ValueError("backward: " + std::to_string(out_grads.size()) + " head gradients given for " +
                     std::to_string(s.out_names.size()) + " outputs");
  std::fill(s.head_given.begin(), s.head_given.end(), 0);
  for (std::size_t i = 0; i < out_grads.size(); ++i)
    if (!out_grads[i].is_none()) s.set_head_grad(i, out_grads[i]), s.head_given[i] = 1;
  run_backward();
}
SYMGRAD_INLINE void Executor::backward(const std::map<std::string, NDArray>& out_grads) {
  auto& s = state();
  std::fill(s.head_given.begin(), s.head_given.end(), 0);
  for (const auto& [name, g] : out_grads) {
    auto it = std::find(s.out_names.begin(), s.out_names.end(), name);
    if (it == s.out_names.end())
      throw NameError("backward: no output is named '" + name + "'." +
                      detail::did_you_mean(name, s.out_names) + " Outputs: " + detail::join(s.out_names));
    auto i = static_cast<std::size_t>(it - s.out_names.begin());
    s.set_head_grad(i, g);
    s.head_given[i] = 1;
  }
  run_backward();
}

SYMGRAD_INLINE std::vector<NDArray>& Executor::outputs() { return state().outputs; }
SYMGRAD_INLINE std::vector<NDArray>& Executor::arg_arrays() { return state().args; }
SYMGRAD_INLINE std::vector<NDArray>& Executor::grad_arrays() { return state().grads; }
SYMGRAD_INLINE std::vector<NDArray>& Executor::aux_arrays() { return state().aux; }
SYMGRAD_INLINE NamedArrays Executor::arg_dict() { return {"arg_dict", state().arg_names, state().args}; }
SYMGRAD_INLINE NamedArrays Executor::grad_dict() {
  return {"grad_dict", state().arg_names, state().grads, &state().grad_req};
}
SYMGRAD_INLINE NamedArrays Executor::aux_dict() { return {"aux_dict", state().aux_names, state().aux}; }
SYMGRAD_INLINE NamedArrays Executor::output_dict() {
  return {"output_dict", state().out_names, state().outputs};
}
SYMGRAD_INLINE const std::vector<std::string>& Executor::list_arguments() const { return cstate().arg_names; }
SYMGRAD_INLINE const std::vector<std::string>& Executor::list_outputs() const { return cstate().out_names; }
SYMGRAD_INLINE const std::vector<std::string>& Executor::list_auxiliary_states() const {
  return cstate().aux_names;
}
SYMGRAD_INLINE const std::vector<OpReq>& Executor::grad_req() const { return cstate().grad_req; }
SYMGRAD_INLINE void Executor::seed(std::uint64_t s) { state().rng.seed(s); }
SYMGRAD_INLINE void Executor::set_monitor_callback(MonitorCallback callback, bool monitor_all) {
  auto& s = state();
  s.monitor = std::move(callback);
  s.monitor_all = monitor_all;
}

SYMGRAD_INLINE void Executor::copy_params_from(const std::map<std::string, NDArray>& arg_params,
                                               const std::map<std::string, NDArray>& aux_params,
                                               bool allow_extra_params) {
  auto& s = state();
  auto copy_into = [&](const std::map<std::string, NDArray>& src, const std::vector<std::string>& names,
                       std::vector<NDArray>& dst, const char* what) {
    for (const auto& [name, arr] : src) {
      auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) {
        if (allow_extra_params) continue;
        throw NameError(std::string("copy_params_from: '") + name + "' is not in the " + what + "." +
                        detail::did_you_mean(name, names) + " Pass allow_extra_params=true to skip it");
      }
      NDArray& d = dst[static_cast<std::size_t>(it - names.begin())];
      if (!(d.shape() == arr.shape()))
        throw ShapeError("copy_params_from: '" + name + "' has shape " + arr.shape().str() +
                         " but the executor's is " + d.shape().str());
      arr.copy_to(d);
    }
  };
  copy_into(arg_params, s.arg_names, s.args, "arguments");
  copy_into(aux_params, s.aux_names, s.aux, "auxiliary states");
}

SYMGRAD_INLINE std::string Executor::debug_str() const {
  const auto& s = cstate();
  std::string r;
  auto dump = [&](const char* title, const auto& steps) {
    r += std::string(title) + ":\n";
    for (const auto& st : steps) {
      r += "  " + st.name + " (" + st.op->type_name() + ") ->";
      for (std::size_t j = 0; j < st.out.size(); ++j)
        r += " " + (st.req[j] == OpReq::null ? std::string("-") : st.out[j].shape().str());
      r += "\n";
    }
  };
  dump("forward", s.fwd);
  dump("backward", s.bwd);
  if (!s.infer.empty()) dump("forward (inference, fused)", s.infer);
  if (s.memory.arrays > 0 && s.memory.pool_bytes > 0) {
    auto mb = [](std::size_t b) { return std::to_string((b + (1 << 19)) >> 20); };
    r += "shared memory pool: " + std::to_string(s.memory.arrays) + " intermediate arrays, " +
         mb(s.memory.planned_bytes) + " MB of a " + mb(s.memory.pool_bytes) +
         " MB pool shared with other executors\n";
  } else if (s.memory.arrays > 0) {
    auto mb = [](std::size_t b) { return std::to_string((b + (1 << 19)) >> 20); };
    r += "memory plan: " + std::to_string(s.memory.arrays) + " intermediate arrays in " +
         std::to_string(s.memory.buffers) + " buffers, " + mb(s.memory.planned_bytes) + " MB (" +
         mb(s.memory.naive_bytes) + " MB unshared)\n";
  }
  return r;
}

SYMGRAD_INLINE Executor::State& Executor::state() {
  if (!s_) throw ValueError("the executor is not bound: create it with Symbol::simple_bind or Symbol::bind");
  return *s_;
}
SYMGRAD_INLINE const Executor::State& Executor::cstate() const {
  if (!s_) throw ValueError("the executor is not bound: create it with Symbol::simple_bind or Symbol::bind");
  return *s_;
}
SYMGRAD_INLINE std::vector<NDArray>& Executor::run_forward(bool is_train) {
  auto& s = state();
  s.sync_all();
  s.run.is_train = is_train;
  const bool fused = !is_train && !s.infer.empty() && !s.monitor;
  exec::run_steps(fused ? s.infer : s.fwd, s.run, s.monitor ? &s.monitor : nullptr, s.monitor_all);
  s.forward_train_done = is_train;
  return s.outputs;
}
SYMGRAD_INLINE void Executor::run_backward() {
  auto& s = state();
  for (std::size_t i = 0; i < s.out_names.size(); ++i)
    if (s.head_grad_needed[i] && !s.head_given[i])
      throw ValueError("backward: output '" + s.out_names[i] + "' (index " + std::to_string(i) +
                       ") is not a loss, so its head gradient is required. Pass it to backward(), "
                       "wrap the output in block_grad() if it is only for monitoring, or in "
                       "make_loss() if it is the objective to minimise");
  if (!s.forward_train_done)
    throw ValueError(
        "backward: call forward(is_train=true) first; backward uses the values of the "
        "last training forward pass");
  s.sync_all();
  s.run.is_train = true;
  exec::run_steps(s.bwd, s.run, s.monitor ? &s.monitor : nullptr, s.monitor_all, "backward");
}

}  // namespace SYMGRAD_NS
#endif
