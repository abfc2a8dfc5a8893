// Definitions of opt/sgld.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "sgld.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_SGLD)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string SGLD::name() const { return "sgld"; }
SYMGRAD_INLINE std::vector<std::string> SGLD::state_names() const { return {}; }
SYMGRAD_INLINE void SGLD::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                std::vector<NDArray>& /*state*/) {
  const double sd = std::sqrt(a.lr);
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    const T half_lr = T(a.lr / 2), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      w[i] = w[i] - half_lr * (detail::clip_if(clip, g[i] * rs, c) + wd * w[i]);
      w[i] = w[i] + T(sd * gen_.normal01());
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, SGLDOptions& o) {
  std::int64_t seed = 0;
  p.integer("seed", seed);
  if (seed < 0)
    throw ValueError("opt::create: 'sgld' parameter 'seed' must be 0 or more, not " + num(double(seed)));
  o.seed = static_cast<std::uint64_t>(seed);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
