// Definitions of opt/signum.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "signum.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_SIGNUM)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string Signum::name() const { return "signum"; }
SYMGRAD_INLINE std::vector<std::string> Signum::state_names() const {
  return detail::momentum_states(o_.momentum);
}
SYMGRAD_INLINE std::string Signum::describe() const {
  return "Signum(momentum=" + detail::num(o_.momentum) + ")";
}
SYMGRAD_INLINE void Signum::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                  std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const std::int64_t n = weight.size();
    auto sign = [](T x) { return T((x > T(0)) - (x < T(0))); };
    if (state.empty()) {  // signsgd_update
      for (std::int64_t i = 0; i < n; ++i) w[i] = (T(1) - lr * wd) * w[i] - lr * sign(g[i]);
      return;
    }
    T* mom = state[0].data<T>();
    const T mu = T(o_.momentum), nmu = T(1) - mu, keep = T(1) - lr * T(o_.wd_lh);
    for (std::int64_t i = 0; i < n; ++i) {
      mom[i] = mu * mom[i] - nmu * wd * w[i] - nmu * detail::clip_if(clip, rs * g[i], c);
      w[i] = keep * w[i] + lr * sign(mom[i]);
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, SignumOptions& o) {
  p.number("momentum", o.momentum);
  p.number("wd_lh", o.wd_lh);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
