// The optimizer interface, as MXNet's Optimizer with its Updater: per-index states and update
// counts, learning-rate and weight-decay multipliers by argument name, save_states / load_states,
// and the reader of create()'s keyword arguments. opt/optimizer.hpp has the rule of one update and
// create(); each optimizer has its own header (sgd.hpp, adam.hpp ...).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/attrs.hpp"
#include "../core/error.hpp"
#include "../core/strings.hpp"
#include "../ndarray/device.hpp"
#include "../ndarray/io.hpp"
#include "../ndarray/ndarray.hpp"
#include "lr_scheduler.hpp"

namespace SYMGRAD_NS::opt {

namespace detail {

// The options every optimizer takes (MXNet's Optimizer.__init__).
struct Common {
  std::optional<double> learning_rate;
  double wd, rescale_grad, clip_gradient;
  std::shared_ptr<LRScheduler> lr_scheduler;
  std::int64_t begin_num_update;
};
template <class O>
Common common(const O& o) {
  return {o.learning_rate, o.wd, o.rescale_grad, o.clip_gradient, o.lr_scheduler, o.begin_num_update};
}

// mshadow_op::clip.
template <class T>
inline T clip(T x, T bound) {
  return x > bound ? bound : (x < -bound ? -bound : x);
}

// clip(x, bound) when `Clip` is std::true_type, else x (the flag of with_flag below).
template <class Clip, class T>
inline T clip_if(Clip, T x, T bound) {
  if constexpr (Clip::value)
    return clip(x, bound);
  else
    return x;
}

// f(std::true_type) or f(std::false_type): a flag fixed for a whole loop.
template <class F>
void with_flag(bool b, F&& f) {
  if (b)
    f(std::true_type{});
  else
    f(std::false_type{});
}

std::string num(double v);

}  // namespace detail

// The file that save_states writes. mxnet: MXNet 1.9.1's .states (a pickle of {index: state}, as
// Module.save_optimizer_states writes it; MXNet loads it, and it keeps no update counts).
// symgrad: nd::save's format with every index's update count, num_update and the optimizer-wide
// state, so that a loaded optimizer continues exactly (Adam's bias correction, schedulers).
enum class StatesFormat { mxnet, symgrad };

// What one step of an optimizer sees, besides the arrays.
struct StepArgs {
  double lr;              // scheduler/learning_rate x lr_mult
  double wd;              // wd x wd_mult
  std::int64_t t;         // this index's update count, 1-based (Adam's bias correction)
  std::size_t index = 0;  // the index updated (LARS reads its name)
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Registry name: "sgd", "adam" ...
  virtual std::string name() const = 0;
  // Names of the per-index state arrays, in order ("mean", "var" for Adam; none for plain SGD).
  virtual std::vector<std::string> state_names() const = 0;

  // One step on `weight` (in place) with `grad`; see the top of this file.
  virtual void update(std::size_t index, NDArray& weight, const NDArray& grad);

  // Whether apply() runs on gpu(n) arrays.
  virtual bool has_gpu_kernel() const;

  // Index -> argument name (MXNet's param_idx2name); names decide lr_mult, wd_mult.
  void set_param_names(const std::vector<std::string>& idx2name);
  // Symbol::attr_dict(): __lr_mult__ and __wd_mult__ of each argument.
  void set_symbol_attrs(const std::map<std::string, AttrMap>& attr_dict);
  // Replace the multipliers set by name before (as MXNet's set_lr_mult / set_wd_mult).
  void set_lr_mult(const std::map<std::string, double>& m);
  void set_wd_mult(const std::map<std::string, double>& m);
  const std::map<std::string, double>& lr_mult() const { return lr_mult_; }
  const std::map<std::string, double>& wd_mult() const { return wd_mult_; }

  // The scheduler's rate at num_update (this may advance a stateful scheduler), or the fixed rate.
  double learning_rate() const { return lr_scheduler_ ? (*lr_scheduler_)(num_update_) : lr_; }
  void set_learning_rate(double lr);
  // Learning rate and weight decay of one index, multipliers applied (MXNet's _get_lr, _get_wd).
  double get_lr(std::size_t index) const { return learning_rate() * mult(lr_mult_, index); }
  double get_wd(std::size_t index) const { return wd_ * mult(wd_mult_, index); }

  double wd() const { return wd_; }
  double rescale_grad() const { return rescale_grad_; }
  void set_rescale_grad(double v) { rescale_grad_ = v; }
  double clip_gradient() const { return clip_gradient_; }
  const std::shared_ptr<LRScheduler>& lr_scheduler() const { return lr_scheduler_; }
  std::int64_t begin_num_update() const { return begin_num_update_; }
  std::int64_t num_update() const { return num_update_; }
  // Updates so far of one index (counted from begin_num_update), 0 before its first.
  std::int64_t update_count(std::size_t index) const;
  // The state arrays of one index, or null before its first update.
  const std::vector<NDArray>* state(std::size_t index) const;

  // Writes every index's state (temporary file + rename). StatesFormat::mxnet (the default): the
  // pickle that MXNet's Module.save_optimizer_states writes, {index: None | NDArray | tuple of
  // NDArrays} in MXNet's layout for this optimizer (mxnet_state_is_tuple()). StatesFormat::symgrad:
  // nd::save's format with "<index>:<state name>", "<index>:update_count", "num_update" and any
  // optimizer-wide state by name.
  void save_states(const std::string& path, StatesFormat format = StatesFormat::mxnet) const;
  // Reads either format (a pickle starts with byte 0x80). A symgrad file replaces all states and
  // counts. An MXNet file replaces the states only, as MXNet's Updater.set_states does: update
  // counts, num_update and optimizer-wide state (Nadam's schedule) stay as they were in this
  // optimizer, so a fresh optimizer restarts them from begin_num_update, as MXNet does. Keys that
  // are parameter names (MXNet's kvstore updater) are mapped through set_param_names.
  void load_states(const std::string& path);
  // Whether MXNet pickles this optimizer's state as a tuple; otherwise it is None without state
  // arrays and one bare NDArray with one (SGD's momentum, AdaGrad's history).
  virtual bool mxnet_state_is_tuple() const { return state_names().size() > 1; }

 protected:
  explicit Optimizer(const detail::Common& c);

  // The update itself: `state` holds state_names().size() arrays shaped and typed like weight.
  virtual void apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                     std::vector<NDArray>& state) = 0;
  // "SGD(momentum=0.9)": the optimizer in messages.
  virtual std::string describe() const;
  // State of the whole optimizer besides the per-index arrays (Nadam's momentum schedule):
  // save_states writes each as a float64 scalar under its name, load_states gives them back.
  virtual std::map<std::string, double> global_states() const { return {}; }
  virtual void set_global_states(const std::map<std::string, double>& /*states*/) {}

  bool clips() const { return clip_gradient_ > 0; }
  // The argument name of an index (set_param_names), or the index in decimal (as MXNet).
  std::string param_name(std::size_t index) const;
  // Whether an argument of this name gets weight decay unless a multiplier says otherwise:
  // names ending in _weight or _gamma (MXNet's Optimizer; LARS: _weight only).
  virtual bool decayed_by_default(const std::string& name) const;

  // Runs f(T{}) with T the weight's element type (checked float in update()).
  template <class F>
  static void for_dtype(const NDArray& weight, F&& f) {
    dispatch_float(weight.dtype(), "optimizer", std::forward<F>(f));
  }
  // Runs f(T{}, clip) with T the weight's element type and `clip` std::true_type when gradients
  // are clipped, so that each update loop is compiled once per dtype and clipping.
  template <class F>
  void for_dtype_and_clip(const NDArray& weight, F&& f) const {
    for_dtype(weight, [&](auto zero) { detail::with_flag(clips(), [&](auto clip) { f(zero, clip); }); });
  }

 private:
  struct Slot {
    std::vector<NDArray> state;  // empty until the next update (an index whose count alone is known)
    std::int64_t count = 0;
  };

  void save_mxnet_states(const std::string& path) const;
  void load_mxnet_states(const std::string& path, std::string_view data);
  void load_symgrad_states(const std::string& path);

  std::string where(std::size_t index) const;

  void check_arrays(std::size_t index, const NDArray& weight, const NDArray& grad) const;

  void check_state(std::size_t index, const NDArray& weight, const Slot& s) const;

  double mult(const std::map<std::string, double>& m, std::size_t index) const;

  static double parse_mult(const std::string& arg, const std::string& key, const std::string& v);

  void rebuild_mults();

  static NDArray count_array(std::int64_t v);
  template <class Bad>
  static std::int64_t read_count(const NDArray& a, const std::string& key, Bad&& bad) {
    if (a.size() != 1 || a.dtype() != DType::int64)
      throw bad("'" + key + "' must be one int64 value, got " + std::string(dtype_name(a.dtype())) +
                " of shape " + a.shape().str());
    return a.data<std::int64_t>()[0];
  }

  std::shared_ptr<LRScheduler> lr_scheduler_;
  double lr_ = 0.01;
  double wd_, rescale_grad_, clip_gradient_;
  std::int64_t begin_num_update_, num_update_;
  std::vector<std::string> idx2name_;
  std::map<std::string, double> sym_lr_mult_, sym_wd_mult_, user_lr_mult_, user_wd_mult_, lr_mult_, wd_mult_;
  std::map<std::size_t, Slot> slots_;
};

namespace detail {

void check_momentum(const char* who, double m);

// The states of SGD and NAG: a momentum buffer, none without momentum.
std::vector<std::string> momentum_states(double momentum);

// Reads create()'s parameters; keys not read are errors at finish().
class Params {
 public:
  Params(std::string who, const std::map<std::string, double>& p) : who_(std::move(who)), p_(p) {}

  void number(const std::string& key, double& dst) {
    if (auto v = take(key)) dst = *v;
  }
  void optional(const std::string& key, std::optional<double>& dst) {
    if (auto v = take(key)) dst = *v;
  }
  void flag(const std::string& key, bool& dst);
  void integer(const std::string& key, std::int64_t& dst);
  template <class O>
  void common(O& o) {
    optional("learning_rate", o.learning_rate);
    number("wd", o.wd);
    number("rescale_grad", o.rescale_grad);
    number("clip_gradient", o.clip_gradient);
    integer("begin_num_update", o.begin_num_update);
    bool multi_precision = false;  // float16 master copies in MXNet; symgrad has no float16
    flag("multi_precision", multi_precision);
  }
  void finish() const;

 private:
  std::optional<double> take(const std::string& key);
  std::string who_;
  const std::map<std::string, double>& p_;
  std::vector<std::string> seen_;
};

}  // namespace detail

}  // namespace SYMGRAD_NS::opt
