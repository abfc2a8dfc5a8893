// Definitions of opt/lamb.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "lamb.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_LAMB)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string LAMB::name() const { return "lamb"; }
SYMGRAD_INLINE std::vector<std::string> LAMB::state_names() const { return {"mean", "var"}; }
SYMGRAD_INLINE void LAMB::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* m = state[0].data<T>();
    T* v = state[1].data<T>();
    const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const T b1 = T(o_.beta1), b2 = T(o_.beta2), eps = T(o_.epsilon), t = T(a.t);
    const T m_div = o_.bias_correction ? T(1) - std::pow(b1, t) : T(1);
    const T v_div = o_.bias_correction ? T(1) - std::pow(b2, t) : T(1);
    const std::int64_t n = weight.size();
    // The step direction r is recomputed from m, v and w in the second pass rather than stored,
    // so that an update allocates nothing.
    auto r = [&](std::int64_t i) {
      if (o_.bias_correction) return (m[i] / m_div) / (std::sqrt(v[i] / v_div) + eps) + wd * w[i];
      return m[i] / (std::sqrt(v[i]) + eps) + wd * w[i];
    };
    double w_sq = 0, r_sq = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      const T gi = detail::clip_if(clip, g[i] * rs, c);
      m[i] = b1 * m[i] + (T(1) - b1) * gi;
      v[i] = b2 * v[i] + (T(1) - b2) * gi * gi;
      const T ri = r(i);
      w_sq += double(w[i]) * double(w[i]);
      r_sq += double(ri) * double(ri);
    }
    // MXNet's sums of squares and norms are float32 whatever the weight's type.
    float r1 = std::sqrt(static_cast<float>(w_sq)), r2 = std::sqrt(static_cast<float>(r_sq));
    if (o_.lower_bound && *o_.lower_bound > 0) r1 = std::max(r1, static_cast<float>(*o_.lower_bound));
    if (o_.upper_bound && *o_.upper_bound > 0) r1 = std::min(r1, static_cast<float>(*o_.upper_bound));
    const T ratio = r1 == 0.0f || r2 == 0.0f ? T(1) : T(r1 / r2);
    const T step = lr * ratio;
    for (std::int64_t i = 0; i < n; ++i) w[i] -= step * r(i);
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, LAMBOptions& o) {
  p.number("beta1", o.beta1);
  p.number("beta2", o.beta2);
  p.number("epsilon", o.epsilon);
  p.optional("lower_bound", o.lower_bound);
  p.optional("upper_bound", o.upper_bound);
  p.flag("bias_correction", o.bias_correction);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
