// Per-element bodies of the CUDA kernels for the optimizers' steps (SGD, Adam); see bodies.hpp.
#pragma once
#include "bodies_base.hpp"

namespace SYMGRAD_NS::cuda {

// ---- optimizer steps (opt/sgd.hpp and opt/adam.hpp have the CPU forms) ----
template <class T>
SYMGRAD_HD T clip_to(T x, T bound) {
  return x > bound ? bound : (x < -bound ? -bound : x);
}
// SGD: mom = momentum·mom − lr·wd·w − lr·clip(rescale·g); w += mom (mom = 0 without momentum).
template <class T>
struct SgdBody {
  T *w, *mom;
  const T* g;
  T lr, lr_wd, rescale, clip, momentum;
  bool clips;
  SYMGRAD_HD void operator()(index_t i) const {
    T step = clips ? lr * clip_to(rescale * g[i], clip) : lr * rescale * g[i];
    T m = (mom ? momentum * mom[i] : T(0)) - lr_wd * w[i] - step;
    if (mom) mom[i] = m;
    w[i] = w[i] + m;
  }
};
// Adam with the bias correction folded into lr, as MXNet.
template <class T>
struct AdamBody {
  T *w, *mean, *var;
  const T* g;
  T lr, wd, rescale, clip, beta1, beta2, eps;
  bool clips;
  SYMGRAD_HD void operator()(index_t i) const {
    T gr = g[i] * rescale + w[i] * wd;
    if (clips) gr = clip_to(gr, clip);
    mean[i] = beta1 * mean[i] + (T(1) - beta1) * gr;
    var[i] = beta2 * var[i] + (T(1) - beta2) * gr * gr;
    w[i] = w[i] - lr * mean[i] / (m::sqrt(var[i]) + eps);
  }
};

}  // namespace SYMGRAD_NS::cuda
