// LayerNorm, InstanceNorm and L2Normalization: a thread per group (per channel for the
// parameter gradients), running the bodies of cuda/bodies_norm.hpp.
#include "common.cuh"

namespace symgrad::cuda {

using detail::device;
using detail::launch;

void moments_norm(int dev, DType t, const NormGeo& n, const void* x, const void* gamma, const void* beta,
                  void* y, void* mean, void* stat, OpReq req) {
  auto& d = device(dev);
  detail::float_types(t, n.layer ? "LayerNorm" : "InstanceNorm", [&](auto z) {
    using T = decltype(z);
    launch(
        d, n.groups(),
        MomentsBody<T>{n, static_cast<const T*>(x), static_cast<const T*>(gamma), static_cast<const T*>(beta),
                       static_cast<T*>(y), static_cast<T*>(mean), static_cast<T*>(stat), req});
  });
}

void moments_norm_grad(int dev, DType t, const NormGeo& n, const void* dy, const void* x, const void* gamma,
                       const void* mean, const void* stat, void* dx, OpReq req_x, void* dgamma,
                       OpReq req_gamma, void* dbeta, OpReq req_beta) {
  auto& d = device(dev);
  detail::float_types(t, n.layer ? "LayerNorm" : "InstanceNorm", [&](auto z) {
    using T = decltype(z);
    const T *g = static_cast<const T*>(dy), *xs = static_cast<const T*>(x), *mu = static_cast<const T*>(mean),
            *st = static_cast<const T*>(stat);
    if (dx && req_x != OpReq::null)
      launch(d, n.groups(),
             MomentsGradBody<T>{n, g, xs, static_cast<const T*>(gamma), mu, st, static_cast<T*>(dx), req_x});
    T* dg = req_gamma != OpReq::null ? static_cast<T*>(dgamma) : nullptr;
    T* db = req_beta != OpReq::null ? static_cast<T*>(dbeta) : nullptr;
    if (dg || db) launch(d, n.C, MomentsParamGradBody<T>{n, g, xs, mu, st, dg, db, req_gamma, req_beta});
  });
}

void l2_normalization(int dev, DType t, const NormGeo& n, const void* x, void* y, void* norm, OpReq req) {
  auto& d = device(dev);
  detail::float_types(t, "L2Normalization", [&](auto z) {
    using T = decltype(z);
    launch(d, n.groups(),
           L2NormBody<T>{n, static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(norm), req});
  });
}

void l2_normalization_grad(int dev, DType t, const NormGeo& n, const void* dy, const void* y,
                           const void* norm, void* dx, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  detail::float_types(t, "L2Normalization", [&](auto z) {
    using T = decltype(z);
    launch(d, n.groups(),
           L2NormGradBody<T>{n, static_cast<const T*>(dy), static_cast<const T*>(y),
                             static_cast<const T*>(norm), static_cast<T*>(dx), req});
  });
}

}  // namespace symgrad::cuda
