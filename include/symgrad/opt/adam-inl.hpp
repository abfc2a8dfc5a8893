// Definitions of opt/adam.hpp.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>
#include "adam.hpp"
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_ADAM)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string Adam::name() const { return "adam"; }
SYMGRAD_INLINE std::vector<std::string> Adam::state_names() const { return {"mean", "var"}; }
SYMGRAD_INLINE bool Adam::has_gpu_kernel() const { return built_with_cuda; }
SYMGRAD_INLINE void Adam::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                                std::vector<NDArray>& state) {
  const double t = static_cast<double>(a.t);
  const double coef1 = 1. - std::pow(o_.beta1, t), coef2 = 1. - std::pow(o_.beta2, t);
  const double lr_t = a.lr * (std::sqrt(coef2) / coef1);  // bias correction folded into lr, as MXNet
#if SYMGRAD_WITH_CUDA
  if (weight.context().device_type == DeviceType::gpu) {
    cuda::adam_update(weight.context().device_id, weight.dtype(), weight.size(), weight.raw_data(),
                      grad.raw_data(), state[0].raw_data(), state[1].raw_data(), lr_t, a.wd, rescale_grad(),
                      clip_gradient(), o_.beta1, o_.beta2, o_.epsilon);
    return;
  }
#endif
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* mean = state[0].data<T>();
    T* var = state[1].data<T>();
    const T lr = T(lr_t), wd = T(a.wd), rs = T(rescale_grad()), c = T(clip_gradient());
    const T b1 = T(o_.beta1), b2 = T(o_.beta2), eps = T(o_.epsilon), nb1 = T(1) - b1, nb2 = T(1) - b2;
    const std::int64_t n = weight.size();
    for (std::int64_t i = 0; i < n; ++i) {
      const T gr = detail::clip_if(clip, g[i] * rs + w[i] * wd, c);
      mean[i] = b1 * mean[i] + nb1 * gr;
      var[i] = b2 * var[i] + nb2 * gr * gr;
      w[i] = w[i] - lr * mean[i] / (std::sqrt(var[i]) + eps);
    }
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, AdamOptions& o) {
  p.number("beta1", o.beta1);
  p.number("beta2", o.beta2);
  p.number("epsilon", o.epsilon);
  p.flag("lazy_update", o.lazy_update);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
