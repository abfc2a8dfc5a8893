// Convolution columns, pooling, BatchNorm and strided copies: bodies of
// include/symgrad/cuda/bodies_nn.hpp over a grid.
#include "common.cuh"

namespace symgrad::cuda {

using detail::device;
using detail::float_types;
using detail::launch;

void im2col(int dev, DType t, const ConvGeo& g, const void* x, void* col) {
  auto& d = device(dev);
  float_types(t, "Convolution", [&](auto z) {
    using T = decltype(z);
    launch(d, g.C * g.k_size() * g.out_size(),
           Im2colBody<T>{g, static_cast<const T*>(x), static_cast<T*>(col)});
  });
}

void col2im_add(int dev, DType t, const ConvGeo& g, const void* col, void* dx) {
  auto& d = device(dev);
  float_types(t, "Convolution backward", [&](auto z) {
    using T = decltype(z);
    launch(d, g.C * g.in_size(), Col2imBody<T>{g, static_cast<const T*>(col), static_cast<T*>(dx)});
  });
}

void pooling(int dev, DType t, const PoolGeo& g, index_t planes, const void* x, void* y, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "Pooling", [&](auto z) {
    using T = decltype(z);
    launch(d, planes * g.out_size(), PoolBody<T>{g, static_cast<const T*>(x), static_cast<T*>(y), req});
  });
}

void pooling_grad(int dev, DType t, const PoolGeo& g, index_t planes, const void* dy, const void* x, void* dx,
                  OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  if (req == OpReq::write)
    detail::check(
        cudaMemsetAsync(dx, 0, static_cast<std::size_t>(planes * g.in_size()) * dtype_size(t), d.stream),
        "cudaMemset");
  float_types(t, "Pooling backward", [&](auto z) {
    using T = decltype(z);
    launch(d, planes * g.out_size(),
           PoolGradBody<T>{g, static_cast<const T*>(dy), static_cast<const T*>(x), static_cast<T*>(dx)});
  });
}

void batch_norm(int dev, DType t, const BnGeo& g, const void* x, void* gamma, const void* beta,
                void* moving_mean, void* moving_var, void* mean, void* var, void* y, double eps,
                double momentum, bool batch_stats, bool fix_gamma, OpReq req) {
  auto& d = device(dev);
  float_types(t, "BatchNorm", [&](auto z) {
    using T = decltype(z);
    launch(d, g.C,
           BnStatsBody<T>{g, static_cast<const T*>(x), static_cast<T*>(gamma), static_cast<T*>(moving_mean),
                          static_cast<T*>(moving_var), static_cast<T*>(mean), static_cast<T*>(var), momentum,
                          batch_stats, fix_gamma});
    if (req != OpReq::null)
      launch(d, g.outer * g.C * g.inner,
             BnApplyBody<T>{g, static_cast<const T*>(x), static_cast<const T*>(gamma),
                            static_cast<const T*>(beta), static_cast<const T*>(mean),
                            static_cast<const T*>(var), eps, static_cast<T*>(y), req});
  });
}

void batch_norm_grad(int dev, DType t, const BnGeo& g, const void* dy, const void* x, const void* gamma,
                     const void* mean, const void* var, double* sums, void* dx, OpReq req_x, void* dgamma,
                     OpReq req_gamma, void* dbeta, OpReq req_beta, double eps, bool fix_gamma,
                     bool use_global_stats) {
  auto& d = device(dev);
  float_types(t, "BatchNorm backward", [&](auto z) {
    using T = decltype(z);
    launch(d, g.C,
           BnGradStatsBody<T>{g, static_cast<const T*>(dy), static_cast<const T*>(x),
                              static_cast<const T*>(mean), static_cast<const T*>(var), eps, fix_gamma, sums,
                              static_cast<T*>(dgamma), static_cast<T*>(dbeta), req_gamma, req_beta});
    if (req_x != OpReq::null)
      launch(d, g.outer * g.C * g.inner,
             BnGradApplyBody<T>{g, static_cast<const T*>(dy), static_cast<const T*>(x),
                                static_cast<const T*>(gamma), static_cast<const T*>(mean),
                                static_cast<const T*>(var), sums, eps, fix_gamma, use_global_stats,
                                static_cast<T*>(dx), req_x});
  });
}

void sgd_update(int dev, DType t, index_t n, void* w, const void* g, void* mom, double lr, double wd,
                double rescale, double clip, double momentum) {
  auto& d = device(dev);
  float_types(t, "SGD", [&](auto z) {
    using T = decltype(z);
    launch(d, n,
           SgdBody<T>{static_cast<T*>(w), static_cast<T*>(mom), static_cast<const T*>(g), T(lr),
                      T(lr) * T(wd), T(rescale), T(clip), T(momentum), clip > 0});
  });
}

void adam_update(int dev, DType t, index_t n, void* w, const void* g, void* mean, void* var, double lr,
                 double wd, double rescale, double clip, double beta1, double beta2, double eps) {
  auto& d = device(dev);
  float_types(t, "Adam", [&](auto z) {
    using T = decltype(z);
    launch(
        d, n,
        AdamBody<T>{static_cast<T*>(w), static_cast<T*>(mean), static_cast<T*>(var), static_cast<const T*>(g),
                    T(lr), T(wd), T(rescale), T(clip), T(beta1), T(beta2), T(eps), clip > 0});
  });
}

void dropout(int dev, DType t, const StridedIndex& ix, index_t n, const void* x, void* y, void* mask,
             std::uint64_t base, double p, double scale, OpReq req) {
  if (n == 0) return;
  auto& d = device(dev);
  detail::float_types(t, "Dropout", [&](auto z) {
    using T = decltype(z);
    launch(d, n,
           DropoutBody<T>{ix, static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(mask), base, p,
                          static_cast<T>(scale), req});
  });
}

void leaky_relu(int dev, DType t, const LeakyGeo& g, index_t n, const void* x, const void* gamma, void* y,
                void* mask, OpReq req) {
  if (n == 0) return;
  auto& d = device(dev);
  detail::float_types(t, "LeakyReLU", [&](auto z) {
    using T = decltype(z);
    launch(d, n,
           LeakyBody<T>{g, static_cast<const T*>(x), static_cast<const T*>(gamma), static_cast<T*>(y),
                        static_cast<T*>(mask), req});
  });
}

void leaky_relu_grad(int dev, DType t, const LeakyGeo& g, index_t n, const void* dy, const void* x,
                     const void* y, const void* aux, void* dx, OpReq req_x, void* dgamma) {
  if (n == 0 || (!dx && !dgamma)) return;
  auto& d = device(dev);
  detail::float_types(t, "LeakyReLU", [&](auto z) {
    using T = decltype(z);
    launch(d, n,
           LeakyGradBody<T>{g, static_cast<const T*>(dy), static_cast<const T*>(x), static_cast<const T*>(y),
                            static_cast<const T*>(aux), static_cast<T*>(dx), static_cast<T*>(dgamma), req_x});
  });
}

void strided_copy(int dev, DType t, const StridedIndex& ix, index_t n, const void* x, void* y, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  detail::index_types(t, "copy", [&](auto z) {
    using T = decltype(z);
    launch(d, n, StridedCopyBody<T>{ix, static_cast<const T*>(x), static_cast<T*>(y), req});
  });
}

}  // namespace symgrad::cuda
