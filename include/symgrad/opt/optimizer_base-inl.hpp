// Definitions of opt/optimizer_base.hpp.
#pragma once
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include "../core/atomic_file.hpp"
#include "optimizer_base.hpp"
#include "states_file.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_OPTIMIZER_BASE)
namespace SYMGRAD_NS::opt {

namespace detail {
SYMGRAD_INLINE std::string num(double v) { return attr::format_number(v); }
}  // namespace detail
SYMGRAD_INLINE void Optimizer::update(std::size_t index, NDArray& weight, const NDArray& grad) {
  check_arrays(index, weight, grad);
  if (weight.context().device_type != DeviceType::cpu && !has_gpu_kernel())
    throw DeviceError("optimizer '" + name() + "' has no CUDA kernel yet; on " + weight.context().str() +
                      " use 'sgd' or 'adam'");
  auto it = slots_.find(index);
  if (it == slots_.end()) {
    Slot s;
    s.count = begin_num_update_;
    it = slots_.emplace(index, std::move(s)).first;
  }
  if (it->second.state.empty()) {
    for (std::size_t k = 0, n = state_names().size(); k < n; ++k) {
      NDArray z(weight.shape(), weight.context(), weight.dtype());
      z.fill(0);
      it->second.state.push_back(std::move(z));
    }
  } else {
    check_state(index, weight, it->second);
  }
  Slot& slot = it->second;
  for (auto& st : slot.state)  // states loaded from a file live on the host: move them once
    if (!(st.context() == weight.context())) st = st.copy_to(weight.context());
  slot.count += 1;
  num_update_ = std::max(num_update_, slot.count);
  apply({get_lr(index), get_wd(index), slot.count, index}, weight, grad, slot.state);
}
SYMGRAD_INLINE bool Optimizer::has_gpu_kernel() const { return false; }
SYMGRAD_INLINE void Optimizer::set_param_names(const std::vector<std::string>& idx2name) {
  idx2name_ = idx2name;
  rebuild_mults();
}
SYMGRAD_INLINE void Optimizer::set_symbol_attrs(const std::map<std::string, AttrMap>& attr_dict) {
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
SYMGRAD_INLINE void Optimizer::set_lr_mult(const std::map<std::string, double>& m) {
  user_lr_mult_ = m;
  rebuild_mults();
}
SYMGRAD_INLINE void Optimizer::set_wd_mult(const std::map<std::string, double>& m) {
  user_wd_mult_ = m;
  rebuild_mults();
}
SYMGRAD_INLINE void Optimizer::set_learning_rate(double lr) {
  if (lr_scheduler_)
    throw ValueError(name() +
                     ": set_learning_rate cannot change the rate of an optimizer with an lr_scheduler; "
                     "change the scheduler (its base_lr) instead");
  lr_ = lr;
}
SYMGRAD_INLINE std::int64_t Optimizer::update_count(std::size_t index) const {
  auto it = slots_.find(index);
  return it == slots_.end() ? 0 : it->second.count;
}
SYMGRAD_INLINE const std::vector<NDArray>* Optimizer::state(std::size_t index) const {
  auto it = slots_.find(index);
  return it == slots_.end() ? nullptr : &it->second.state;
}
SYMGRAD_INLINE void Optimizer::save_states(const std::string& path, StatesFormat format) const {
  if (format == StatesFormat::mxnet) return save_mxnet_states(path);
  std::map<std::string, NDArray> out;
  auto names = state_names();
  for (const auto& [index, slot] : slots_) {
    std::string p = std::to_string(index) + ":";
    for (std::size_t k = 0; k < slot.state.size(); ++k) out[p + names[k]] = slot.state[k];
    out[p + "update_count"] = count_array(slot.count);
  }
  out["num_update"] = count_array(num_update_);
  for (const auto& [key, v] : global_states()) {
    NDArray a(Shape{1}, cpu(), DType::float64);
    a.data<double>()[0] = v;
    out[key] = a;
  }
  nd::save(path, out);
}
SYMGRAD_INLINE void Optimizer::save_mxnet_states(const std::string& path) const {
  std::map<std::size_t, states_file::State> out;
  const bool tuple = mxnet_state_is_tuple();
  for (const auto& [index, slot] : slots_)
    if (!slot.state.empty() || state_names().empty()) out[index] = {slot.state, tuple};
  const std::string bytes = states_file::dump(out);
  write_file_atomically(
      path, [&](std::ostream& o) { o.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}
SYMGRAD_INLINE void Optimizer::load_states(const std::string& path) {
  std::string data = states_file::read_file(path);
  if (states_file::is_pickle(data)) return load_mxnet_states(path, data);
  if (data.size() < 8 || data.compare(0, 8, std::string("\x12\x01\0\0\0\0\0\0", 8)) != 0)
    throw IOError("'" + path +
                  "' is neither MXNet's optimizer states (a pickle, which starts with byte 0x80) nor "
                  "symgrad's (an NDArray file, which starts with 0x112)");
  data.clear();
  load_symgrad_states(path);
}
SYMGRAD_INLINE void Optimizer::load_mxnet_states(const std::string& path, std::string_view data) {
  auto in = states_file::parse(data, path);
  const auto names = state_names();
  const bool tuple = mxnet_state_is_tuple();
  auto layout = [&] {
    if (names.empty()) return std::string("None");
    if (!tuple) return "one NDArray ('" + names[0] + "')";
    return "a tuple of " + std::to_string(names.size()) + " NDArrays (" +
           symgrad::detail::quoted_list(names) + ")";
  };
  // Counts stay as they are (MXNet keeps them in the optimizer, not in the file).
  std::map<std::size_t, Slot> slots;
  for (const auto& [index, slot] : slots_) slots[index].count = slot.count;
  for (auto& [key, st] : in) {
    std::size_t index = 0;
    std::string where;
    if (const auto* i = std::get_if<std::size_t>(&key)) {
      index = *i;
      where = "index " + std::to_string(index);
    } else {
      const std::string& n = std::get<std::string>(key);
      auto at = std::find(idx2name_.begin(), idx2name_.end(), n);
      if (at == idx2name_.end())
        throw ValueError(
            "'" + path + "' keys a state by the parameter name '" + n + "' (MXNet's kvstore does), but " +
            (idx2name_.empty() ? std::string("this optimizer has no parameter names; call set_param_names")
                               : "this optimizer's parameters are " + symgrad::detail::join(idx2name_)));
      index = static_cast<std::size_t>(at - idx2name_.begin());
      where = "'" + n + "' (index " + std::to_string(index) + ")";
    }
    if (st.arrays.size() != names.size())  // one state may come bare or as a 1-tuple
      throw ValueError("'" + path + "' holds " +
                       (st.arrays.empty() && !st.tuple ? std::string("None")
                        : st.tuple ? "a tuple of " + std::to_string(st.arrays.size()) + " NDArrays"
                                   : std::string("one NDArray")) +
                       " as the state of " + where + ", but " + describe() + " keeps " + layout() +
                       "; was the file written by another optimizer or with other options?");
    for (std::size_t k = 0; k < st.arrays.size(); ++k) {
      const NDArray& a = st.arrays[k];
      if (a.dtype() != DType::float32 && a.dtype() != DType::float64)
        throw IOError("'" + path + "': state '" + names[k] + "' of " + where + " has dtype " +
                      std::string(dtype_name(a.dtype())) + "; states are float32 or float64");
      if (a.shape() != st.arrays[0].shape() || a.dtype() != st.arrays[0].dtype())
        throw IOError("'" + path + "': the states of " + where + " differ in shape or dtype");
    }
    Slot& s = slots[index];
    if (!slots_.count(index)) s.count = begin_num_update_;
    s.state = std::move(st.arrays);
  }
  slots_ = std::move(slots);
}
SYMGRAD_INLINE void Optimizer::load_symgrad_states(const std::string& path) {
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
  auto globals = global_states();
  for (const auto& [key, arr] : in) {
    if (key == "num_update") {
      num_update = read_count(arr, key, bad);
      continue;
    }
    if (auto g = globals.find(key); g != globals.end()) {
      if (arr.size() != 1 || arr.dtype() != DType::float64)
        throw bad("'" + key + "' must be one float64 value, got " + std::string(dtype_name(arr.dtype())) +
                  " of shape " + arr.shape().str());
      g->second = arr.data<double>()[0];
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
    if (std::none_of(seen[index].begin(), seen[index].end(), [](bool b) { return b; })) {
      s.state.clear();  // a count without states: they are made at the next update
      max_count = std::max(max_count, s.count);
      continue;
    }
    for (std::size_t k = 0; k < names.size(); ++k)
      if (!seen[index][k])
        throw ValueError("'" + path + "' lacks state '" + names[k] + "' for index " + std::to_string(index) +
                         ", which " + describe() +
                         " keeps; was the file written by another optimizer or with other options?");
    for (std::size_t k = 1; k < names.size(); ++k)
      if (s.state[k].shape() != s.state[0].shape() || s.state[k].dtype() != s.state[0].dtype())
        throw bad("the states of index " + std::to_string(index) + " differ in shape or dtype");
    max_count = std::max(max_count, s.count);
  }
  slots_ = std::move(slots);
  num_update_ = num_update.value_or(max_count);
  set_global_states(globals);
}
SYMGRAD_INLINE Optimizer::Optimizer(const detail::Common& c)
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
SYMGRAD_INLINE std::string Optimizer::describe() const { return name(); }
SYMGRAD_INLINE std::string Optimizer::param_name(std::size_t index) const {
  return index < idx2name_.size() && !idx2name_[index].empty() ? idx2name_[index] : std::to_string(index);
}
SYMGRAD_INLINE bool Optimizer::decayed_by_default(const std::string& name) const {
  return name.ends_with("_weight") || name.ends_with("_gamma");
}
SYMGRAD_INLINE std::string Optimizer::where(std::size_t index) const {
  std::string s = name() + ".update: index " + std::to_string(index);
  if (index < idx2name_.size() && !idx2name_[index].empty()) s += " ('" + idx2name_[index] + "')";
  return s;
}
SYMGRAD_INLINE void Optimizer::check_arrays(std::size_t index, const NDArray& weight,
                                            const NDArray& grad) const {
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
    throw DeviceError(where(index) + ": the gradient lives on " + grad.context().str() +
                      " but the weight on " + weight.context().str());
  if (grad.dtype() != weight.dtype())
    throw TypeError(where(index) + ": the gradient is " + std::string(dtype_name(grad.dtype())) +
                    " but the weight " + std::string(dtype_name(weight.dtype())) + "; they must match");
  if (weight.context() != cpu() || grad.context() != cpu())
    throw DeviceError(where(index) + ": optimizers run on cpu() arrays; the weight is on " +
                      weight.context().str() + " and the gradient on " + grad.context().str());
}
SYMGRAD_INLINE void Optimizer::check_state(std::size_t index, const NDArray& weight, const Slot& s) const {
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
SYMGRAD_INLINE double Optimizer::mult(const std::map<std::string, double>& m, std::size_t index) const {
  if (index >= idx2name_.size()) return 1.0;
  auto it = m.find(idx2name_[index]);
  return it == m.end() ? 1.0 : it->second;
}
SYMGRAD_INLINE double Optimizer::parse_mult(const std::string& arg, const std::string& key,
                                            const std::string& v) {
  try {
    std::size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size()) return d;
  } catch (const std::exception&) {
  }
  throw ValueError("optimizer: attribute " + key + " of '" + arg + "' is '" + v + "', not a number");
}
SYMGRAD_INLINE void Optimizer::rebuild_mults() {
  lr_mult_ = sym_lr_mult_;
  for (const auto& [k, v] : user_lr_mult_) lr_mult_[k] = v;
  wd_mult_.clear();
  for (const auto& n : idx2name_)
    if (!n.empty() && !decayed_by_default(n)) wd_mult_[n] = 0.0;
  for (const auto& [k, v] : sym_wd_mult_) wd_mult_[k] = v;
  for (const auto& [k, v] : user_wd_mult_) wd_mult_[k] = v;
}
SYMGRAD_INLINE NDArray Optimizer::count_array(std::int64_t v) {
  NDArray a(Shape{1}, cpu(), DType::int64);
  a.data<std::int64_t>()[0] = v;
  return a;
}
namespace detail {
SYMGRAD_INLINE void check_momentum(const char* who, double m) {
  if (m < 0) throw ValueError(std::string(who) + ": momentum must be 0 (none) or positive, got " + num(m));
}
SYMGRAD_INLINE std::vector<std::string> momentum_states(double momentum) {
  if (momentum == 0) return {};
  return {"momentum"};
}
SYMGRAD_INLINE void Params::flag(const std::string& key, bool& dst) {
  if (auto v = take(key)) {
    if (*v != 0 && *v != 1)
      throw ValueError("opt::create: '" + who_ + "' parameter '" + key + "' is a boolean: give 0 or 1, not " +
                       num(*v));
    dst = *v == 1;
  }
}
SYMGRAD_INLINE void Params::integer(const std::string& key, std::int64_t& dst) {
  if (auto v = take(key)) {
    if (!std::isfinite(*v) || *v != std::floor(*v))
      throw ValueError("opt::create: '" + who_ + "' parameter '" + key + "' must be a whole number, not " +
                       num(*v));
    dst = static_cast<std::int64_t>(*v);
  }
}
SYMGRAD_INLINE void Params::finish() const {
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
SYMGRAD_INLINE std::optional<double> Params::take(const std::string& key) {
  seen_.push_back(key);
  auto it = p_.find(key);
  if (it == p_.end()) return std::nullopt;
  return it->second;
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
