// Definitions of opt/nadam.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include "nadam.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_NADAM)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string Nadam::name() const { return "nadam"; }
SYMGRAD_INLINE std::vector<std::string> Nadam::state_names() const { return {"mean", "var"}; }
SYMGRAD_INLINE std::map<std::string, double> Nadam::global_states() const {
  return {{"m_schedule", m_schedule_}};
}
SYMGRAD_INLINE void Nadam::set_global_states(const std::map<std::string, double>& s) {
  auto it = s.find("m_schedule");
  m_schedule_ = it == s.end() ? 1.0 : it->second;
}
SYMGRAD_INLINE void Nadam::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                 std::vector<NDArray>& state) {
  // MXNet's scalars are Python floats, rounded to the weight's type where they meet an array.
  const double t = static_cast<double>(a.t), b1 = o_.beta1, b2 = o_.beta2;
  const double mu_t = b1 * (1. - 0.5 * std::pow(0.96, t * o_.schedule_decay));
  const double mu_next = b1 * (1. - 0.5 * std::pow(0.96, (t + 1) * o_.schedule_decay));
  m_schedule_ *= mu_t;
  const double m_schedule_next = m_schedule_ * mu_next;
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* m = state[0].data<T>();
    T* v = state[1].data<T>();
    const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const T tb1 = T(b1), nb1 = T(1. - b1), tb2 = T(b2), nb2 = T(1. - b2), eps = T(o_.epsilon);
    const T g_div = T(1. - m_schedule_), m_div = T(1. - m_schedule_next), v_div = T(1. - std::pow(b2, t));
    const T k_g = T(1. - mu_t), k_m = T(mu_next);
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gi = detail::clip_if(clip, g[i] * rs + wd * w[i], c);
      m[i] = m[i] * tb1 + nb1 * gi;
      v[i] = v[i] * tb2 + nb2 * gi * gi;
      const T m_bar = k_g * (gi / g_div) + k_m * (m[i] / m_div);
      w[i] = w[i] - lr * m_bar / (std::sqrt(v[i] / v_div) + eps);
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, NadamOptions& o) {
  p.number("beta1", o.beta1);
  p.number("beta2", o.beta2);
  p.number("epsilon", o.epsilon);
  p.number("schedule_decay", o.schedule_decay);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
