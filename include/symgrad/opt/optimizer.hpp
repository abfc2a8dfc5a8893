// mx.optimizer: SGD, NAG, Adam, AdaGrad, RMSProp and AdaDelta with MXNet 1.9.1's update rules
// (python/mxnet/optimizer/optimizer.py and the kernels of src/operator/optimizer_op-inl.h), and
// create() by name as MXNet's registry.
//   auto o = sg::opt::create("sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}});
//   o->update(0, weight, grad);                        // state made on the first call per index
//   sg::opt::Adam adam({.learning_rate = 0.01, .wd = 1e-4});
//
// Per update of index i (MXNet's Updater + Optimizer.update): the index's state is created on
// first use (zeros like the weight), its update count grows by one (starting from
// begin_num_update) and num_update becomes the largest count; then
//   lr = (lr_scheduler ? lr_scheduler(num_update) : learning_rate) * lr_mult[name of i]
//   wd = wd * wd_mult[name of i]
// where names come from set_param_names, multipliers from __lr_mult__/__wd_mult__ attributes
// (set_symbol_attrs) overridden by set_lr_mult/set_wd_mult, and every name that does not end in
// "_weight" or "_gamma" has wd_mult 0 unless set. clip_gradient <= 0 means no clipping.
//
// Differences from MXNet, on purpose:
// * State arrays take the weight's dtype (MXNet makes AdaGrad, RMSProp and AdaDelta states
//   float32 whatever the weight, and then fails on float64 weights); float64 weights use the
//   hyper-parameters in double precision (MXNet's kernels round them to float32 first).
// * AdaGrad and AdaDelta treat clip_gradient <= 0 as no clipping, like the other optimizers
//   (MXNet clips them to [-c, c] for any c given, zeroing every gradient at c = 0); AdaDelta
//   leaves the caller's gradient alone (MXNet scales it in place by rescale_grad).
// * Negative momentum is a ValueError (MXNet keeps a momentum buffer it never uses).
// * save_states also stores the update counts, so a loaded optimizer continues exactly (Adam's
//   bias correction, schedulers); MXNet's state pickles restart them.
#pragma once
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
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

std::string num(double v);

}  // namespace detail

// What one step of an optimizer sees, besides the arrays.
struct StepArgs {
  double lr;       // scheduler/learning_rate x lr_mult
  double wd;       // wd x wd_mult
  std::int64_t t;  // this index's update count, 1-based (Adam's bias correction)
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

  // Writes every index's state as "<index>:<state name>", its update count as
  // "<index>:update_count" and "num_update", in nd::save's format (temporary file + rename).
  void save_states(const std::string& path) const;
  // Replaces all states and counts with those of a file from save_states.
  void load_states(const std::string& path);

 protected:
  explicit Optimizer(const detail::Common& c);

  // The update itself: `state` holds state_names().size() arrays shaped and typed like weight.
  virtual void apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                     std::vector<NDArray>& state) = 0;
  // "SGD(momentum=0.9)": the optimizer in messages.
  virtual std::string describe() const;

  bool clips() const { return clip_gradient_ > 0; }

  // Runs f(T{}) with T the weight's element type (checked float in update()).
  template <class F>
  static void for_dtype(const NDArray& weight, F&& f) {
    dispatch_float(weight.dtype(), "optimizer", std::forward<F>(f));
  }

 private:
  struct Slot {
    std::vector<NDArray> state;
    std::int64_t count = 0;
  };

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

// f(std::true_type) or f(std::false_type): a flag fixed for a whole loop.
template <class F>
void with_flag(bool b, F&& f) {
  if (b)
    f(std::true_type{});
  else
    f(std::false_type{});
}

}  // namespace detail

// The options below list MXNet's keyword arguments with MXNet's defaults: the optimizer's own
// first, then those of every optimizer.

struct SGDOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double momentum = 0.0;
  bool lazy_update = true;  // MXNet: for row-sparse gradients; no effect on dense arrays
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// mom = momentum * mom - lr * wd * w - lr * clip(rescale_grad * g); w += mom (mom = 0 without momentum).
class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {
    detail::check_momentum("SGD", o_.momentum);
  }
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const SGDOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  bool has_gpu_kernel() const override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  SGDOptions o_;
};

struct NAGOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double momentum = 0.0;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// Nesterov momentum: g = clip(rescale_grad * grad); mom = momentum * mom;
// w += (momentum + 1) * (mom - lr * (g + wd * w)) - mom; mom -= lr * (g + wd * w_new), with the
// weight already updated (MXNet's kernel writes the weight in place before it updates the
// momentum). Without momentum, plain SGD.
class NAG : public Optimizer {
 public:
  explicit NAG(NAGOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {
    detail::check_momentum("NAG", o_.momentum);
  }
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const NAGOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  NAGOptions o_;
};

struct AdamOptions {
  std::optional<double> learning_rate = 0.001;  // MXNet passes it on, overwriting a scheduler's base_lr
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  bool lazy_update = true;  // MXNet: for row-sparse gradients; no effect on dense arrays
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad + wd * w); m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
// w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon), t the index's update count.
class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdamOptions& options() const { return o_; }
  bool has_gpu_kernel() const override;

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdamOptions o_;
};

struct AdaGradOptions {
  std::optional<double> learning_rate = {};  // none: the scheduler's base_lr, or 0.01
  double eps = 1e-7;                         // MXNet's name (float_stable_eps), inside the sqrt
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad); h += g^2; w -= lr * (g / sqrt(h + eps) + wd * w).
class AdaGrad : public Optimizer {
 public:
  explicit AdaGrad(AdaGradOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdaGradOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdaGradOptions o_;
};

struct RMSPropOptions {
  std::optional<double> learning_rate = 0.001;  // MXNet passes it on, overwriting a scheduler's base_lr
  double gamma1 = 0.9;
  double gamma2 = 0.9;  // centered only
  double epsilon = 1e-8;
  bool centered = false;
  double clip_weights = -1.0;  // <= 0: weights not clipped
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad + wd * w); n = (1 - gamma1) g^2 + gamma1 n; then
//   Tieleman & Hinton: w -= lr * g / sqrt(n + epsilon)
//   centered (Graves): s = (1 - gamma1) g + gamma1 s; delta = gamma2 delta - lr g / sqrt(n - s^2 + epsilon);
//                      w += delta
// and w is clipped to [-clip_weights, clip_weights].
class RMSProp : public Optimizer {
 public:
  explicit RMSProp(RMSPropOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const RMSPropOptions& options() const { return o_; }

 protected:
  std::string describe() const override;
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  RMSPropOptions o_;
};

struct AdaDeltaOptions {
  std::optional<double> learning_rate = {};  // accepted as by MXNet, but AdaDelta has no learning rate
  double rho = 0.90;
  double epsilon = 1e-5;
  double wd = 0.0;
  double rescale_grad = 1.0;
  double clip_gradient = -1.0;  // <= 0: no clipping
  std::shared_ptr<LRScheduler> lr_scheduler = {};
  std::int64_t begin_num_update = 0;
};

// g = clip(rescale_grad * grad); acc_g = rho acc_g + (1 - rho) g^2;
// d = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g; acc_delta = rho acc_delta + (1 - rho) d^2;
// w -= d + wd * w. (No learning rate, so lr_mult has no effect: MXNet's rule.)
class AdaDelta : public Optimizer {
 public:
  explicit AdaDelta(AdaDeltaOptions o = {}) : Optimizer(detail::common(o)), o_(std::move(o)) {}
  std::string name() const override;
  std::vector<std::string> state_names() const override;
  const AdaDeltaOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override;

 private:
  AdaDeltaOptions o_;
};

namespace detail {

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

template <class Opt, class O>
std::unique_ptr<Optimizer> build(Params& p, O& o, std::shared_ptr<LRScheduler> s) {
  p.common(o);
  p.finish();
  o.lr_scheduler = std::move(s);
  return std::make_unique<Opt>(std::move(o));
}

const std::vector<std::string>& optimizer_names();

}  // namespace detail

// An optimizer by MXNet's registry name (any case) and keyword arguments (booleans as 0/1), as
// mx.optimizer.create(name, **params). Unknown names are a NameError, unknown keys a ValueError.
inline std::unique_ptr<Optimizer> create(const std::string& name,
                                         const std::map<std::string, double>& params = {},
                                         std::shared_ptr<LRScheduler> lr_scheduler = nullptr) {
  std::string key = name;
  for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  detail::Params p(key, params);
  if (key == "sgd") {
    SGDOptions o;
    p.number("momentum", o.momentum);
    p.flag("lazy_update", o.lazy_update);
    return detail::build<SGD>(p, o, std::move(lr_scheduler));
  }
  if (key == "nag") {
    NAGOptions o;
    p.number("momentum", o.momentum);
    return detail::build<NAG>(p, o, std::move(lr_scheduler));
  }
  if (key == "adam") {
    AdamOptions o;
    p.number("beta1", o.beta1);
    p.number("beta2", o.beta2);
    p.number("epsilon", o.epsilon);
    p.flag("lazy_update", o.lazy_update);
    return detail::build<Adam>(p, o, std::move(lr_scheduler));
  }
  if (key == "adagrad") {
    AdaGradOptions o;
    p.number("eps", o.eps);
    return detail::build<AdaGrad>(p, o, std::move(lr_scheduler));
  }
  if (key == "rmsprop") {
    RMSPropOptions o;
    p.number("gamma1", o.gamma1);
    p.number("gamma2", o.gamma2);
    p.number("epsilon", o.epsilon);
    p.flag("centered", o.centered);
    p.number("clip_weights", o.clip_weights);
    return detail::build<RMSProp>(p, o, std::move(lr_scheduler));
  }
  if (key == "adadelta") {
    AdaDeltaOptions o;
    p.number("rho", o.rho);
    p.number("epsilon", o.epsilon);
    return detail::build<AdaDelta>(p, o, std::move(lr_scheduler));
  }
  static const std::vector<std::string> mxnet_only = {"signum", "ftml",  "lars", "lbsgd",  "lamb",  "dcasgd",
                                                      "sgld",   "ccsgd", "ftrl", "adamax", "nadam", "test"};
  const auto& known = detail::optimizer_names();
  std::string m = "opt::create: unknown optimizer '" + name + "'.";
  if (std::find(mxnet_only.begin(), mxnet_only.end(), key) != mxnet_only.end())
    m += " MXNet has '" + key + "', but symgrad does not provide it.";
  else
    m += symgrad::detail::did_you_mean(key, known);
  throw NameError(m + " Known optimizers: " + symgrad::detail::quoted_list(known));
}

}  // namespace SYMGRAD_NS::opt
