// Definitions of opt/adagrad.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "adagrad.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_ADAGRAD)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string AdaGrad::name() const { return "adagrad"; }
SYMGRAD_INLINE std::vector<std::string> AdaGrad::state_names() const { return {"history"}; }
SYMGRAD_INLINE void AdaGrad::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                   std::vector<NDArray>& state) {
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* h = state[0].data<T>();
    const T neg_lr = -T(a.lr), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient()), eps = T(o_.eps);
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gr = detail::clip_if(clip, g[i] * rs, c);
      h[i] = h[i] + gr * gr;
      const T div = gr / std::sqrt(h[i] + eps);
      w[i] = w[i] + (div + w[i] * wd) * neg_lr;
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, AdaGradOptions& o) { p.number("eps", o.eps); }
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
