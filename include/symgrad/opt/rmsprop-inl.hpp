// Definitions of opt/rmsprop.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "rmsprop.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_RMSPROP)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string RMSProp::name() const { return "rmsprop"; }
SYMGRAD_INLINE std::vector<std::string> RMSProp::state_names() const {
  if (o_.centered) return {"n", "g", "delta"};
  return {"n"};
}
SYMGRAD_INLINE std::string RMSProp::describe() const {
  return std::string("RMSProp(centered=") + (o_.centered ? "True" : "False") + ")";
}
SYMGRAD_INLINE void RMSProp::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                   std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
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
    detail::with_flag(o_.centered, [&](auto centered) {
      for (std::int64_t i = 0; i < n; ++i) {
        const T gr = detail::clip_if(clip, rs * g[i] + wd * w[i], c);
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
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, RMSPropOptions& o) {
  p.number("gamma1", o.gamma1);
  p.number("gamma2", o.gamma2);
  p.number("epsilon", o.epsilon);
  p.flag("centered", o.centered);
  p.number("clip_weights", o.clip_weights);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
