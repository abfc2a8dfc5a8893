// Definitions of opt/lars.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include "lars.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_LARS)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string LARS::name() const { return "lars"; }
SYMGRAD_INLINE std::vector<std::string> LARS::state_names() const {
  return detail::momentum_states(o_.momentum);
}
SYMGRAD_INLINE std::string LARS::describe() const {
  return "LARS(momentum=" + detail::num(o_.momentum) + ")";
}
SYMGRAD_INLINE bool LARS::decayed_by_default(const std::string& name) const {
  return name.ends_with("_weight");
}
SYMGRAD_INLINE std::map<std::string, double> LARS::global_states() const {
  return {{"cur_lr", cur_lr_}, {"last_lr", last_lr_}};
}
SYMGRAD_INLINE void LARS::set_global_states(const std::map<std::string, double>& s) {
  cur_lr_ = s.at("cur_lr");
  last_lr_ = s.at("last_lr");
}
SYMGRAD_INLINE void LARS::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                std::vector<NDArray>& state) {
  const double lr_now = learning_rate();  // before multipliers, at this num_update
  if (!std::isnan(cur_lr_)) last_lr_ = cur_lr_;
  if (std::isnan(cur_lr_)) last_lr_ = lr_now;
  cur_lr_ = lr_now;
  const double mu =
      o_.momentum_correction && last_lr_ != 0 ? o_.momentum * (cur_lr_ / last_lr_) : o_.momentum;
  const std::string name = param_name(a.index);
  const bool scaled = !(name.ends_with("gamma") || name.ends_with("beta") || name.ends_with("bias"));
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* mom = state.empty() ? nullptr : state[0].data<T>();
    const std::int64_t n = weight.size();
    // MXNet keeps the per-array rates and the norms in float32 (multi_sum_sq, multi_lars).
    float lr = static_cast<float>(a.lr);
    if (scaled) {
      double w_sq = 0, g_sq = 0;
      for (std::int64_t i = 0; i < n; ++i) {
        w_sq += double(w[i]) * double(w[i]);
        g_sq += double(g[i]) * double(g[i]);
      }
      const float w_norm = std::sqrt(static_cast<float>(w_sq)), g_sum = static_cast<float>(g_sq);
      if (w_norm > 0.f && g_sum > 0.f)
        lr = lr * static_cast<float>(o_.eta) * w_norm /
             (std::sqrt(g_sum) * static_cast<float>(rescale_grad()) + static_cast<float>(a.wd) * w_norm +
              static_cast<float>(o_.eps));
    }
    const T tlr = T(lr), lr_wd = T(lr) * T(static_cast<float>(a.wd)), rs = T(rescale_grad()),
            c = T(clip_gradient()), tmu = T(mu);
    for (std::int64_t i = 0; i < n; ++i) {
      const T step = tlr * detail::clip_if(clip, rs * g[i], c);
      const T m = (mom ? tmu * mom[i] : T(0)) - lr_wd * w[i] - step;
      if (mom) mom[i] = m;
      w[i] = w[i] + m;
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, LARSOptions& o) {
  p.number("momentum", o.momentum);
  p.flag("lazy_update", o.lazy_update);
  p.number("eta", o.eta);
  p.number("eps", o.eps);
  p.flag("momentum_correction", o.momentum_correction);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
