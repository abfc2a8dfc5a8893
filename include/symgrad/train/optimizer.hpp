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
#include <cmath>
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
#include "../ndarray/io.hpp"
#include "../ndarray/ndarray.hpp"
#include "lr_scheduler.hpp"

namespace symgrad::opt {

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

inline std::string num(double v) { return attr::format_number(v); }

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
  virtual void update(std::size_t index, NDArray& weight, const NDArray& grad) {
    check_arrays(index, weight, grad);
    if (weight.context().device_type != DeviceType::cpu && !has_gpu_kernel())
      throw DeviceError("optimizer '" + name() + "' has no CUDA kernel yet; on " + weight.context().str() +
                        " use 'sgd' or 'adam'");
    auto it = slots_.find(index);
    if (it == slots_.end()) {
      Slot s;
      s.count = begin_num_update_;
      for (std::size_t k = 0, n = state_names().size(); k < n; ++k) {
        NDArray z(weight.shape(), weight.context(), weight.dtype());
        z.fill(0);
        s.state.push_back(std::move(z));
      }
      it = slots_.emplace(index, std::move(s)).first;
    } else {
      check_state(index, weight, it->second);
    }
    Slot& slot = it->second;
    for (auto& st : slot.state)  // states loaded from a file live on the host: move them once
      if (!(st.context() == weight.context())) st = st.copy_to(weight.context());
    slot.count += 1;
    num_update_ = std::max(num_update_, slot.count);
    apply({get_lr(index), get_wd(index), slot.count}, weight, grad, slot.state);
  }

  // Whether apply() runs on gpu(n) arrays.
  virtual bool has_gpu_kernel() const { return false; }

  // Index -> argument name (MXNet's param_idx2name); names decide lr_mult, wd_mult.
  void set_param_names(const std::vector<std::string>& idx2name) {
    idx2name_ = idx2name;
    rebuild_mults();
  }
  // Symbol::attr_dict(): __lr_mult__ and __wd_mult__ of each argument.
  void set_symbol_attrs(const std::map<std::string, AttrMap>& attr_dict) {
    sym_lr_mult_.clear();
    sym_wd_mult_.clear();
    for (const auto& [name, attrs] : attr_dict) {
      if (auto a = attrs.find("__lr_mult__"); a != attrs.end())
        sym_lr_mult_[name] = parse_mult(name, a->first, a->second);
      if (auto a = attrs.find("__wd_mult__"); a != attrs.end())
        sym_wd_mult_[name] = parse_mult(name, a->first, a->second);
    }
    rebuild_mults();
  }
  // Replace the multipliers set by name before (as MXNet's set_lr_mult / set_wd_mult).
  void set_lr_mult(const std::map<std::string, double>& m) {
    user_lr_mult_ = m;
    rebuild_mults();
  }
  void set_wd_mult(const std::map<std::string, double>& m) {
    user_wd_mult_ = m;
    rebuild_mults();
  }
  const std::map<std::string, double>& lr_mult() const { return lr_mult_; }
  const std::map<std::string, double>& wd_mult() const { return wd_mult_; }

  // The scheduler's rate at num_update (this may advance a stateful scheduler), or the fixed rate.
  double learning_rate() const { return lr_scheduler_ ? (*lr_scheduler_)(num_update_) : lr_; }
  void set_learning_rate(double lr) {
    if (lr_scheduler_)
      throw ValueError(name() +
                       ": set_learning_rate cannot change the rate of an optimizer with an lr_scheduler; "
                       "change the scheduler (its base_lr) instead");
    lr_ = lr;
  }
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
  std::int64_t update_count(std::size_t index) const {
    auto it = slots_.find(index);
    return it == slots_.end() ? 0 : it->second.count;
  }
  // The state arrays of one index, or null before its first update.
  const std::vector<NDArray>* state(std::size_t index) const {
    auto it = slots_.find(index);
    return it == slots_.end() ? nullptr : &it->second.state;
  }

  // Writes every index's state as "<index>:<state name>", its update count as
  // "<index>:update_count" and "num_update", in nd::save's format (temporary file + rename).
  void save_states(const std::string& path) const {
    std::map<std::string, NDArray> out;
    auto names = state_names();
    for (const auto& [index, slot] : slots_) {
      std::string p = std::to_string(index) + ":";
      for (std::size_t k = 0; k < names.size(); ++k) out[p + names[k]] = slot.state[k];
      out[p + "update_count"] = count_array(slot.count);
    }
    out["num_update"] = count_array(num_update_);
    nd::save(path, out);
  }
  // Replaces all states and counts with those of a file from save_states.
  void load_states(const std::string& path) {
    std::map<std::string, NDArray> in;
    try {
      in = nd::load(path);
    } catch (const IOError&) {
      throw;
    } catch (const Error& e) {
      throw IOError("'" + path + "' is not an optimizer state file: " + e.what());
    }
    auto names = state_names();
    auto bad = [&](const std::string& why) -> IOError {
      return IOError("'" + path + "' is not a state file of this optimizer (" + name() + "): " + why);
    };
    std::map<std::size_t, Slot> slots;
    std::map<std::size_t, std::vector<bool>> seen;
    std::map<std::size_t, bool> counted;
    std::optional<std::int64_t> num_update;
    for (const auto& [key, arr] : in) {
      if (key == "num_update") {
        num_update = read_count(arr, key, bad);
        continue;
      }
      auto colon = key.find(':');
      std::size_t index = 0;
      bool ok = colon != std::string::npos && colon > 0 && colon <= 18;
      for (std::size_t i = 0; ok && i < colon; ++i) {
        ok = std::isdigit(static_cast<unsigned char>(key[i])) != 0;
        index = index * 10 + static_cast<std::size_t>(key[i] - '0');
      }
      if (!ok) throw bad("unexpected entry '" + key + "' (entries are '<index>:<state>' and 'num_update')");
      std::string what = key.substr(colon + 1);
      Slot& s = slots[index];
      auto& got = seen[index];
      if (got.empty()) got.assign(names.size(), false), s.state.resize(names.size());
      if (what == "update_count") {
        s.count = read_count(arr, key, bad);
        counted[index] = true;
        continue;
      }
      auto k = std::find(names.begin(), names.end(), what);
      if (k == names.end())
        throw ValueError("'" + path + "' holds state '" + what + "' for index " + std::to_string(index) +
                         ", but " + describe() + " keeps " +
                         (names.empty() ? std::string("no state") : symgrad::detail::quoted_list(names)) +
                         "; was the file written by another optimizer or with other options?");
      if (arr.dtype() != DType::float32 && arr.dtype() != DType::float64)
        throw bad("'" + key + "' has dtype " + std::string(dtype_name(arr.dtype())) +
                  "; states are float32 or float64");
      s.state[static_cast<std::size_t>(k - names.begin())] = arr;
      got[static_cast<std::size_t>(k - names.begin())] = true;
    }
    std::int64_t max_count = begin_num_update_;
    for (auto& [index, s] : slots) {
      if (!counted[index]) throw bad("index " + std::to_string(index) + " has no update_count");
      for (std::size_t k = 0; k < names.size(); ++k)
        if (!seen[index][k])
          throw ValueError("'" + path + "' lacks state '" + names[k] + "' for index " +
                           std::to_string(index) + ", which " + describe() +
                           " keeps; was the file written by another optimizer or with other options?");
      for (std::size_t k = 1; k < names.size(); ++k)
        if (s.state[k].shape() != s.state[0].shape() || s.state[k].dtype() != s.state[0].dtype())
          throw bad("the states of index " + std::to_string(index) + " differ in shape or dtype");
      max_count = std::max(max_count, s.count);
    }
    slots_ = std::move(slots);
    num_update_ = num_update.value_or(max_count);
  }

 protected:
  explicit Optimizer(const detail::Common& c)
      : lr_scheduler_(c.lr_scheduler),
        wd_(c.wd),
        rescale_grad_(c.rescale_grad),
        clip_gradient_(c.clip_gradient),
        begin_num_update_(c.begin_num_update),
        num_update_(c.begin_num_update) {
    if (!lr_scheduler_)
      lr_ = c.learning_rate.value_or(0.01);
    else if (c.learning_rate) {
      lr_ = *c.learning_rate;
      // MXNet: an explicit learning_rate overwrites the scheduler's base_lr.
      if (lr_scheduler_->base_lr() != lr_) lr_scheduler_->set_base_lr(lr_);
    }
  }

  // The update itself: `state` holds state_names().size() arrays shaped and typed like weight.
  virtual void apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                     std::vector<NDArray>& state) = 0;
  // "SGD(momentum=0.9)": the optimizer in messages.
  virtual std::string describe() const { return name(); }

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

  std::string where(std::size_t index) const {
    std::string s = name() + ".update: index " + std::to_string(index);
    if (index < idx2name_.size() && !idx2name_[index].empty()) s += " ('" + idx2name_[index] + "')";
    return s;
  }

  void check_arrays(std::size_t index, const NDArray& weight, const NDArray& grad) const {
    if (weight.is_none() || grad.is_none())
      throw ValueError(where(index) + ": the " + (weight.is_none() ? "weight" : "gradient") +
                       " is an empty (none) array");
    if (weight.shape() != grad.shape())
      throw ShapeError(where(index) + ": the gradient has shape " + grad.shape().str() + " but the weight " +
                       weight.shape().str() + "; pass the gradient of this weight");
    if (weight.dtype() != DType::float32 && weight.dtype() != DType::float64)
      throw TypeError(where(index) + ": optimizers update float32 and float64 weights, not " +
                      std::string(dtype_name(weight.dtype())) + "; keep parameters in a float type");
    if (!(grad.context() == weight.context()))
      throw DeviceError(where(index) + ": the gradient lives on " + grad.context().str() + " but the weight on " +
                        weight.context().str());
    if (grad.dtype() != weight.dtype())
      throw TypeError(where(index) + ": the gradient is " + std::string(dtype_name(grad.dtype())) +
                      " but the weight " + std::string(dtype_name(weight.dtype())) + "; they must match");
    if (weight.context() != cpu() || grad.context() != cpu())
      throw DeviceError(where(index) + ": optimizers run on cpu() arrays; the weight is on " +
                        weight.context().str() + " and the gradient on " + grad.context().str());
  }

  void check_state(std::size_t index, const NDArray& weight, const Slot& s) const {
    if (s.state.empty()) return;
    const NDArray& st = s.state.front();
    if (st.shape() != weight.shape())
      throw ShapeError(where(index) + ": the optimizer state has shape " + st.shape().str() +
                       " but the weight " + weight.shape().str() + " (states loaded for another model?)");
    if (st.dtype() != weight.dtype())
      throw TypeError(where(index) + ": the optimizer state is " + std::string(dtype_name(st.dtype())) +
                      " but the weight " + std::string(dtype_name(weight.dtype())) +
                      " (states loaded for another model, or the weight changed type?)");
  }

  double mult(const std::map<std::string, double>& m, std::size_t index) const {
    if (index >= idx2name_.size()) return 1.0;
    auto it = m.find(idx2name_[index]);
    return it == m.end() ? 1.0 : it->second;
  }

  static double parse_mult(const std::string& arg, const std::string& key, const std::string& v) {
    try {
      std::size_t used = 0;
      double d = std::stod(v, &used);
      if (used == v.size()) return d;
    } catch (const std::exception&) {
    }
    throw ValueError("optimizer: attribute " + key + " of '" + arg + "' is '" + v + "', not a number");
  }

  void rebuild_mults() {
    lr_mult_ = sym_lr_mult_;
    for (const auto& [k, v] : user_lr_mult_) lr_mult_[k] = v;
    wd_mult_.clear();
    for (const auto& n : idx2name_)
      if (!n.empty() && !n.ends_with("_weight") && !n.ends_with("_gamma")) wd_mult_[n] = 0.0;
    for (const auto& [k, v] : sym_wd_mult_) wd_mult_[k] = v;
    for (const auto& [k, v] : user_wd_mult_) wd_mult_[k] = v;
  }

  static NDArray count_array(std::int64_t v) {
    NDArray a(Shape{1}, cpu(), DType::int64);
    a.data<std::int64_t>()[0] = v;
    return a;
  }
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

inline void check_momentum(const char* who, double m) {
  if (m < 0) throw ValueError(std::string(who) + ": momentum must be 0 (none) or positive, got " + num(m));
}

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
  std::string name() const override { return "sgd"; }
  std::vector<std::string> state_names() const override {
    if (o_.momentum == 0) return {};
    return {"momentum"};
  }
  const SGDOptions& options() const { return o_; }

 protected:
  std::string describe() const override { return "SGD(momentum=" + detail::num(o_.momentum) + ")"; }
  bool has_gpu_kernel() const override { return built_with_cuda; }
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override {
#if SYMGRAD_WITH_CUDA
    if (weight.context().device_type == DeviceType::gpu) {
      cuda::sgd_update(weight.context().device_id, weight.dtype(), weight.size(), weight.raw_data(), grad.raw_data(),
                       state.empty() ? nullptr : state[0].raw_data(), a.lr, a.wd, rescale_grad(), clip_gradient(),
                       o_.momentum);
      return;
    }
#endif
    for_dtype(weight, [&](auto zero) {
      using T = decltype(zero);
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      T* mom = state.empty() ? nullptr : state[0].data<T>();
      const T lr = T(a.lr), lr_wd = T(a.lr) * T(a.wd), lr_rs = T(a.lr) * T(rescale_grad());
      const T rs = T(rescale_grad()), c = T(clip_gradient()), mu = T(o_.momentum);
      const std::int64_t n = weight.size();
      detail::with_flag(clips(), [&](auto clip) {
        detail::with_flag(mom != nullptr, [&](auto has_mom) {
          for (std::int64_t i = 0; i < n; ++i) {
            T step;
            if constexpr (decltype(clip)::value)
              step = lr * detail::clip(rs * g[i], c);
            else
              step = lr_rs * g[i];
            T m;
            if constexpr (decltype(has_mom)::value)
              m = mu * mom[i] - lr_wd * w[i] - step;
            else
              m = T(0) - lr_wd * w[i] - step;
            if constexpr (decltype(has_mom)::value) mom[i] = m;
            w[i] = w[i] + m;
          }
        });
      });
    });
  }

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
  std::string name() const override { return "nag"; }
  std::vector<std::string> state_names() const override {
    if (o_.momentum == 0) return {};
    return {"momentum"};
  }
  const NAGOptions& options() const { return o_; }

 protected:
  std::string describe() const override { return "NAG(momentum=" + detail::num(o_.momentum) + ")"; }
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override {
    for_dtype(weight, [&](auto zero) {
      using T = decltype(zero);
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient()), mu = T(o_.momentum);
      const std::int64_t n = weight.size();
      detail::with_flag(clips(), [&](auto clip) {
        auto scaled = [&](std::int64_t i) {
          if constexpr (decltype(clip)::value)
            return detail::clip(rs * g[i], c);
          else
            return rs * g[i];
        };
        if (state.empty()) {  // MXNet's sgd_update
          const T keep = T(1) - lr * wd, lr_rs = lr * rs;
          for (std::int64_t i = 0; i < n; ++i) {
            if constexpr (decltype(clip)::value)
              w[i] = keep * w[i] - lr * scaled(i);
            else
              w[i] = keep * w[i] - lr_rs * g[i];
          }
          return;
        }
        T* mom = state[0].data<T>();
        for (std::int64_t i = 0; i < n; ++i) {
          const T m = mu * mom[i];
          const T gr = scaled(i);
          w[i] = w[i] - m + (mu + T(1)) * (m - lr * (gr + wd * w[i]));
          mom[i] = m - lr * (gr + wd * w[i]);  // the new weight: MXNet's kernel runs in place
        }
      });
    });
  }

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
  std::string name() const override { return "adam"; }
  std::vector<std::string> state_names() const override { return {"mean", "var"}; }
  const AdamOptions& options() const { return o_; }
  bool has_gpu_kernel() const override { return built_with_cuda; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override {
    const double t = static_cast<double>(a.t);
    const double coef1 = 1. - std::pow(o_.beta1, t), coef2 = 1. - std::pow(o_.beta2, t);
    const double lr_t = a.lr * (std::sqrt(coef2) / coef1);  // bias correction folded into lr, as MXNet
#if SYMGRAD_WITH_CUDA
    if (weight.context().device_type == DeviceType::gpu) {
      cuda::adam_update(weight.context().device_id, weight.dtype(), weight.size(), weight.raw_data(), grad.raw_data(),
                        state[0].raw_data(), state[1].raw_data(), lr_t, a.wd, rescale_grad(), clip_gradient(), o_.beta1,
                        o_.beta2, o_.epsilon);
      return;
    }
#endif
    for_dtype(weight, [&](auto zero) {
      using T = decltype(zero);
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      T* mean = state[0].data<T>();
      T* var = state[1].data<T>();
      const T lr = T(lr_t), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
      const T b1 = T(o_.beta1), b2 = T(o_.beta2), eps = T(o_.epsilon), nb1 = T(1) - b1, nb2 = T(1) - b2;
      const std::int64_t n = weight.size();
      detail::with_flag(clips(), [&](auto clip) {
        for (std::int64_t i = 0; i < n; ++i) {
          T gr = g[i] * rs + w[i] * wd;
          if constexpr (decltype(clip)::value) gr = detail::clip(gr, c);
          mean[i] = b1 * mean[i] + nb1 * gr;
          var[i] = b2 * var[i] + nb2 * gr * gr;
          w[i] = w[i] - lr * mean[i] / (std::sqrt(var[i]) + eps);
        }
      });
    });
  }

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
  std::string name() const override { return "adagrad"; }
  std::vector<std::string> state_names() const override { return {"history"}; }
  const AdaGradOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override {
    for_dtype(weight, [&](auto zero) {
      using T = decltype(zero);
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      T* h = state[0].data<T>();
      const T neg_lr = -T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient()),
              eps = T(o_.eps);
      const std::int64_t n = weight.size();
      detail::with_flag(clips(), [&](auto clip) {
        for (std::int64_t i = 0; i < n; ++i) {
          T gr = g[i] * rs;
          if constexpr (decltype(clip)::value) gr = detail::clip(gr, c);
          h[i] = h[i] + gr * gr;
          const T div = gr / std::sqrt(h[i] + eps);
          w[i] = w[i] + (div + w[i] * wd) * neg_lr;
        }
      });
    });
  }

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
  std::string name() const override { return "rmsprop"; }
  std::vector<std::string> state_names() const override {
    if (o_.centered) return {"n", "g", "delta"};
    return {"n"};
  }
  const RMSPropOptions& options() const { return o_; }

 protected:
  std::string describe() const override {
    return std::string("RMSProp(centered=") + (o_.centered ? "True" : "False") + ")";
  }
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override {
    for_dtype(weight, [&](auto zero) {
      using T = decltype(zero);
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      T* sn = state[0].data<T>();
      T* sg = o_.centered ? state[1].data<T>() : nullptr;
      T* sd = o_.centered ? state[2].data<T>() : nullptr;
      const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
      const T g1 = T(o_.gamma1), g2 = T(o_.gamma2), ng1 = T(1) - g1, eps = T(o_.epsilon),
              cw = T(o_.clip_weights);
      const bool clip_w = o_.clip_weights > 0;
      const std::int64_t n = weight.size();
      detail::with_flag(clips(), [&](auto clip) {
        detail::with_flag(o_.centered, [&](auto centered) {
          for (std::int64_t i = 0; i < n; ++i) {
            T gr = rs * g[i] + wd * w[i];
            if constexpr (decltype(clip)::value) gr = detail::clip(gr, c);
            T nw;
            if constexpr (decltype(centered)::value) {
              sn[i] = ng1 * gr * gr + g1 * sn[i];
              sg[i] = ng1 * gr + g1 * sg[i];
              sd[i] = g2 * sd[i] - (lr * gr / std::sqrt(sn[i] - sg[i] * sg[i] + eps));
              nw = w[i] + sd[i];
            } else {
              sn[i] = ng1 * (gr * gr) + g1 * sn[i];
              nw = w[i] - lr * (gr / std::sqrt(sn[i] + eps));
            }
            w[i] = clip_w ? detail::clip(nw, cw) : nw;
          }
        });
      });
    });
  }

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
  std::string name() const override { return "adadelta"; }
  std::vector<std::string> state_names() const override { return {"acc_g", "acc_delta"}; }
  const AdaDeltaOptions& options() const { return o_; }

 protected:
  void apply(const StepArgs& a, NDArray& weight, const NDArray& grad, std::vector<NDArray>& state) override {
    for_dtype(weight, [&](auto zero) {
      using T = decltype(zero);
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      T* acc_g = state[0].data<T>();
      T* acc_d = state[1].data<T>();
      const T wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
      const T rho = T(o_.rho), nrho = T(1. - o_.rho), eps = T(o_.epsilon);
      const std::int64_t n = weight.size();
      detail::with_flag(clips(), [&](auto clip) {
        for (std::int64_t i = 0; i < n; ++i) {
          T gr = g[i] * rs;
          if constexpr (decltype(clip)::value) gr = detail::clip(gr, c);
          acc_g[i] = acc_g[i] * rho + nrho * gr * gr;
          const T d = std::sqrt(acc_d[i] + eps) / std::sqrt(acc_g[i] + eps) * gr;
          acc_d[i] = acc_d[i] * rho + nrho * d * d;
          w[i] = w[i] - (d + wd * w[i]);
        }
      });
    });
  }

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
  void flag(const std::string& key, bool& dst) {
    if (auto v = take(key)) {
      if (*v != 0 && *v != 1)
        throw ValueError("opt::create: '" + who_ + "' parameter '" + key +
                         "' is a boolean: give 0 or 1, not " + num(*v));
      dst = *v == 1;
    }
  }
  void integer(const std::string& key, std::int64_t& dst) {
    if (auto v = take(key)) {
      if (!std::isfinite(*v) || *v != std::floor(*v))
        throw ValueError("opt::create: '" + who_ + "' parameter '" + key + "' must be a whole number, not " +
                         num(*v));
      dst = static_cast<std::int64_t>(*v);
    }
  }
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
  void finish() const {
    for (const auto& [k, v] : p_) {
      if (std::find(seen_.begin(), seen_.end(), k) != seen_.end()) continue;
      std::string hint;
      if (k == "lr_scheduler")
        hint = " Pass a scheduler as create()'s third argument.";
      else if (k == "param_idx2name")
        hint = " Use set_param_names().";
      else if (k == "sym")
        hint = " Use set_symbol_attrs(symbol.attr_dict()).";
      else
        hint = symgrad::detail::did_you_mean(k, seen_);
      throw ValueError("opt::create: '" + who_ + "' has no parameter '" + k + "'; it takes " +
                       symgrad::detail::quoted_list(seen_) + "." + hint);
    }
  }

 private:
  std::optional<double> take(const std::string& key) {
    seen_.push_back(key);
    auto it = p_.find(key);
    if (it == p_.end()) return std::nullopt;
    return it->second;
  }
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

inline const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = {"sgd", "nag", "adam", "adagrad", "rmsprop", "adadelta"};
  return names;
}

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

}  // namespace symgrad::opt
