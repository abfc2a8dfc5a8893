// Definitions of opt/adamax.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "adamax.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_ADAMAX)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string Adamax::name() const { return "adamax"; }
SYMGRAD_INLINE std::vector<std::string> Adamax::state_names() const { return {"mean", "var"}; }
SYMGRAD_INLINE void Adamax::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                  std::vector<NDArray>& state) {
  // MXNet's scalars are Python floats, rounded to the weight's type where they meet an array.
  const double lr_t = a.lr / (1. - std::pow(o_.beta1, static_cast<double>(a.t)));
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* m = state[0].data<T>();
    T* u = state[1].data<T>();
    const T lr = T(lr_t), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const T b1 = T(o_.beta1), nb1 = T(1. - o_.beta1), b2 = T(o_.beta2);
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gi = detail::clip_if(clip, g[i] * rs + wd * w[i], c);
      m[i] = m[i] * b1 + nb1 * gi;
      u[i] = std::max(b2 * u[i], std::fabs(gi));
      w[i] = w[i] - lr * m[i] / u[i];
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, AdamaxOptions& o) {
  p.number("beta1", o.beta1);
  p.number("beta2", o.beta2);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
