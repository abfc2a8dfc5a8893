// Definitions of opt/sgd.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "sgd.hpp"
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_SGD)
namespace SYMGRAD_NS::opt {

SYMGRAD_INLINE std::string SGD::name() const { return "sgd"; }
SYMGRAD_INLINE std::vector<std::string> SGD::state_names() const {
  return detail::momentum_states(o_.momentum);
}
SYMGRAD_INLINE std::string SGD::describe() const { return "SGD(momentum=" + detail::num(o_.momentum) + ")"; }
SYMGRAD_INLINE bool SGD::has_gpu_kernel() const { return built_with_cuda; }
SYMGRAD_INLINE void SGD::apply(const StepArgs& a, NDArray& weight, const NDArray& grad,
                               std::vector<NDArray>& state) {
#if SYMGRAD_WITH_CUDA
  if (weight.context().device_type == DeviceType::gpu) {
    cuda::sgd_update(weight.context().device_id, weight.dtype(), weight.size(), weight.raw_data(),
                     grad.raw_data(), state.empty() ? nullptr : state[0].raw_data(), a.lr, a.wd,
                     rescale_grad(), clip_gradient(), o_.momentum);
    return;
  }
#endif
  for_dtype_and_clip(weight, [&](auto zero, auto clip) {
    using T = decltype(zero);
    T* w = weight.data<T>();
    const T* g = grad.data<T>();
    T* mom = state.empty() ? nullptr : state[0].data<T>();
    const T lr = T(a.lr), lr_wd = T(a.lr) * T(a.wd), lr_rs = T(a.lr) * T(rescale_grad());
    const T rs = T(rescale_grad()), c = T(clip_gradient()), mu = T(o_.momentum);
    const std::int64_t n = weight.size();
    detail::with_flag(mom != nullptr, [&](auto has_mom) {
      for (std::int64_t i = 0; i < n; ++i) {
        T step;
        if constexpr (decltype(clip)::value)
          step = lr * detail::clip(rs * g[i], c);
        else
          step = lr_rs * g[i];
        T m;
        if constexpr (decltype(has_mom)::value)
          m = mu * mom[i] - lr_wd * w[i] - step;
        else
          m = T(0) - lr_wd * w[i] - step;
        if constexpr (decltype(has_mom)::value) mom[i] = m;
        w[i] = w[i] + m;
      }
    });
  });
}
namespace detail {
SYMGRAD_INLINE void read_options(Params& p, SGDOptions& o) {
  p.number("momentum", o.momentum);
  p.flag("lazy_update", o.lazy_update);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::opt
#endif
