// Definitions of opt/ftrl.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "ftrl.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_FTRL)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string Ftrl::name() const { return "ftrl"; }
SYMGRAD_INLINE std::vector<std::string> Ftrl::state_names() const { return {"z", "n"}; }
SYMGRAD_INLINE void Ftrl::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* z = state[0].data<T>();
    T* nn = state[1].data<T>();
    const T lr = T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const T l1 = T(o_.lamda1), beta = T(o_.beta);
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gi = detail::clip_if(clip, g[i] * rs, c);
      z[i] += gi - (std::sqrt(nn[i] + gi * gi) - std::sqrt(nn[i])) * w[i] / lr;
      nn[i] += gi * gi;
      const T sign = T((z[i] > T(0)) - (z[i] < T(0)));
      w[i] = (sign * l1 - z[i]) / ((beta + std::sqrt(nn[i])) / lr + wd) * T(std::fabs(z[i]) > l1);
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, FtrlOptions& o) {
  p.number("lamda1", o.lamda1);
  p.number("beta", o.beta);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
