// Definitions of opt/adadelta.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "adadelta.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_ADADELTA)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string AdaDelta::name() const { return "adadelta"; }
SYMGRAD_INLINE std::vector<std::string> AdaDelta::state_names() const { return {"acc_g", "acc_delta"}; }
SYMGRAD_INLINE void AdaDelta::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                    std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* acc_g = state[0].data<T>();
    T* acc_d = state[1].data<T>();
    const T wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const T rho = T(o_.rho), nrho = T(1. - o_.rho), eps = T(o_.epsilon);
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gr = detail::clip_if(clip, g[i] * rs, c);
      acc_g[i] = acc_g[i] * rho + nrho * gr * gr;
      const T d = std::sqrt(acc_d[i] + eps) / std::sqrt(acc_g[i] + eps) * gr;
      acc_d[i] = acc_d[i] * rho + nrho * d * d;
      w[i] = w[i] - (d + wd * w[i]);
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, AdaDeltaOptions& o) {
  p.number("rho", o.rho);
  p.number("epsilon", o.epsilon);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
