// Definitions of opt/adamw.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "adamw.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_ADAMW)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string AdamW::name() const { return "adamw"; }
SYMGRAD_INLINE std::vector<std::string> AdamW::state_names() const { return {"mean", "var"}; }
SYMGRAD_INLINE void AdamW::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                 std::vector<NDArray>& state) {
  const double rescale = rescale_grad();
  if (rescale == 0 || !std::isfinite(rescale)) return;
  double lr_t = a.lr;
  if (o_.correct_bias) {
    const double t = static_cast<double>(a.t);
    lr_t *= std::sqrt(1. - std::pow(o_.beta2, t)) / (1. - std::pow(o_.beta1, t));
  }
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* mean = state[0].data<T>();
    T* var = state[1].data<T>();
    const T lr = T(lr_t), wd = T(a.wd), eta = T(o_.eta), rs = T(rescale), c = T(clip_gradient());
    const T b1 = T(o_.beta1), b2 = T(o_.beta2), eps = T(o_.epsilon), nb1 = T(1) - b1, nb2 = T(1) - b2;
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gr = detail::clip_if(clip, g[i] * rs, c);
      mean[i] = b1 * mean[i] + nb1 * gr;
      var[i] = b2 * var[i] + nb2 * gr * gr;
      w[i] = w[i] - eta * (lr * mean[i] / (std::sqrt(var[i]) + eps) + wd * w[i]);
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, AdamWOptions& o) {
  p.number("beta1", o.beta1);
  p.number("beta2", o.beta2);
  p.number("epsilon", o.epsilon);
  p.number("eta", o.eta);
  p.flag("correct_bias", o.correct_bias);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
