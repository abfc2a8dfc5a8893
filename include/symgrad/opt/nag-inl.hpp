// Definitions of opt/nag.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "nag.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_NAG)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string NAG::name() const { return "nag"; }
SYMGRAD_INLINE std::vector<std::string> NAG::state_names() const {
  return detail::momentum_states(o_.momentum);
}
SYMGRAD_INLINE std::string NAG::describe() const { return "NAG(momentum=" + detail::num(o_.momentum) + ")"; }
SYMGRAD_INLINE void NAG::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                               std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient()), mu = T(o_.momentum);
    const std::int64_t n = weight.size();
    if (state.empty()) {  // MXNet's sgd_update
      const T keep = T(1) - lr * wd, lr_rs = lr * rs;
      for (std::int64_t i = 0; i < n; ++i) {
        if constexpr (decltype(clip)::value)
          w[i] = keep * w[i] - lr * detail::clip(rs * g[i], c);
        else
          w[i] = keep * w[i] - lr_rs * g[i];
      }
      return;
    }
    T* mom = state[0].data<T>();
    for (std::int64_t i = 0; i < n; ++i) {
      const T m = mu * mom[i];
      const T gr = detail::clip_if(clip, rs * g[i], c);
      w[i] = w[i] - m + (mu + T(1)) * (m - lr * (gr + wd * w[i]));
      mom[i] = m - lr * (gr + wd * w[i]);  // the new weight: MXNet's kernel runs in place
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, NAGOptions& o) { p.number("momentum", o.momentum); }
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
