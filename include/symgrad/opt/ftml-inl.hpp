// Definitions of opt/ftml.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "ftml.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_FTML)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string FTML::name() const { return "ftml"; }
SYMGRAD_INLINE std::vector<std::string> FTML::state_names() const { return {"d", "v", "z"}; }
SYMGRAD_INLINE void FTML::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* d = state[0].data<T>();
    T* v = state[1].data<T>();
    T* z = state[2].data<T>();
    const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const T b1 = T(o_.beta1), b2 = T(o_.beta2), eps = T(o_.epsilon), t = T(a.t);
    const T coef1 = T(1) - std::pow(b1, t), coef2 = T(1) - std::pow(b2, t);
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gi = detail::clip_if(clip, rs * g[i] + wd * w[i], c);
      v[i] = b2 * v[i] + (T(1) - b2) * gi * gi;
      const T d_t = coef1 / lr * (std::sqrt(v[i] / coef2) + eps);
      z[i] = b1 * z[i] + (T(1) - b1) * gi - (d_t - b1 * d[i]) * w[i];
      d[i] = d_t;
      w[i] = -z[i] / d_t;
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, FTMLOptions& o) {
  p.number("beta1", o.beta1);
  p.number("beta2", o.beta2);
  p.number("epsilon", o.epsilon);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
