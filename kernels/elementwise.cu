// Elementwise, broadcast, reduction, softmax and embedding kernels: each runs one body of
// include/symgrad/cuda/bodies.hpp over a grid (a CUB block reduction for large sums).
#include <cub/block/block_reduce.cuh>

#include "common.cuh"

namespace symgrad::cuda {

using detail::device;
using detail::float_types;
using detail::index_types;
using detail::launch;

namespace {

template <class F>
void with_unary(UnaryOp op, F&& f) {
  switch (op) {
#define SG_CASE(X)                                    \
  case UnaryOp::X:                                    \
    f(std::integral_constant<UnaryOp, UnaryOp::X>{}); \
    return;
    // clang-format off
    SG_CASE(identity)
    SG_CASE(negative)
    SG_CASE(square)
    SG_CASE(sqrt)
    SG_CASE(exp)
    SG_CASE(log)
    SG_CASE(abs)
    SG_CASE(relu)
    SG_CASE(sigmoid)
    SG_CASE(tanh)
    SG_CASE(softrelu)
    SG_CASE(softsign)
    SG_CASE(reciprocal)
    SG_CASE(rsqrt)
    SG_CASE(log1p)
    SG_CASE(expm1)
    SG_CASE(sin)
    SG_CASE(cos)
    SG_CASE(sign)
    SG_CASE(clip)
    // clang-format on
#undef SG_CASE
  }
  throw DeviceError("unary kernel: unknown function code " + std::to_string(static_cast<int>(op)));
}
template <class F>
void with_binary(BinaryOp op, F&& f) {
  switch (op) {
#define SG_CASE(X)                                      \
  case BinaryOp::X:                                     \
    f(std::integral_constant<BinaryOp, BinaryOp::X>{}); \
    return;
    // clang-format off
    SG_CASE(add)
    SG_CASE(sub)
    SG_CASE(mul)
    SG_CASE(div)
    SG_CASE(maximum)
    SG_CASE(minimum)
    SG_CASE(power)
    SG_CASE(rsub)
    SG_CASE(rdiv)
    SG_CASE(rpower)
    SG_CASE(equal)
    SG_CASE(not_equal)
    SG_CASE(greater)
    SG_CASE(greater_equal)
    SG_CASE(lesser)
    SG_CASE(lesser_equal)
    // clang-format on
#undef SG_CASE
  }
  throw DeviceError("binary kernel: unknown function code " + std::to_string(static_cast<int>(op)));
}
template <class F>
void with_reduce(ReduceOp op, F&& f) {
  switch (op) {
    case ReduceOp::sum:
      f(std::integral_constant<ReduceOp, ReduceOp::sum>{});
      return;
    case ReduceOp::mean:
      f(std::integral_constant<ReduceOp, ReduceOp::mean>{});
      return;
    case ReduceOp::max:
      f(std::integral_constant<ReduceOp, ReduceOp::max>{});
      return;
    case ReduceOp::min:
      f(std::integral_constant<ReduceOp, ReduceOp::min>{});
      return;
    case ReduceOp::prod:
      f(std::integral_constant<ReduceOp, ReduceOp::prod>{});
      return;
  }
  throw DeviceError("reduce kernel: unknown reduction code");
}

// One block per output: the threads stride over the reduced elements, CUB sums the partials.
template <class T, int Threads>
__global__ void reduce_sum_blocks(ReduceIndex ix, const T* x, T* y, T scale, OpReq req) {
  using BlockReduce = cub::BlockReduce<T, Threads>;
  __shared__ typename BlockReduce::TempStorage tmp;
  index_t o = blockIdx.x;
  index_t base = ix.base(o);
  T acc = T(0);
  for (index_t r = threadIdx.x; r < ix.red_size; r += Threads) acc += x[base + ix.inner(r)];
  T total = BlockReduce(tmp).Sum(acc);
  if (threadIdx.x == 0) store(y + o, total * scale, req);
}

}  // namespace

void unary(int dev, DType t, UnaryOp op, index_t n, const void* x, void* y, OpReq req, double lo, double hi) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "unary", [&](auto z) {
    using T = decltype(z);
    with_unary(op, [&](auto c) {
      launch(
          d, n,
          UnaryBody<decltype(c)::value, T>{static_cast<const T*>(x), static_cast<T*>(y), T(lo), T(hi), req});
    });
  });
}

void unary_grad(int dev, DType t, UnaryOp op, index_t n, const void* g, const void* x, const void* y,
                void* dx, OpReq req, double lo, double hi) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "unary backward", [&](auto z) {
    using T = decltype(z);
    with_unary(op, [&](auto c) {
      launch(d, n,
             UnaryGradBody<decltype(c)::value, T>{static_cast<const T*>(g), static_cast<const T*>(x),
                                                  static_cast<const T*>(y), static_cast<T*>(dx), T(lo), T(hi),
                                                  req});
    });
  });
}

void binary(int dev, DType t, BinaryOp op, index_t n, const void* a, const void* b, double bs, void* y,
            OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "binary", [&](auto z) {
    using T = decltype(z);
    with_binary(op, [&](auto c) {
      launch(d, n,
             BinaryBody<decltype(c)::value, T>{static_cast<const T*>(a), static_cast<const T*>(b), T(bs),
                                               static_cast<T*>(y), req});
    });
  });
}

void binary_grad(int dev, DType t, BinaryOp op, index_t n, const void* g, const void* a, const void* b,
                 double bs, const void* y, void* da, OpReq ra, void* db, OpReq rb) {
  if (ra == OpReq::null) da = nullptr;
  if (rb == OpReq::null) db = nullptr;
  if (!da && !db) return;
  auto& d = device(dev);
  float_types(t, "binary backward", [&](auto z) {
    using T = decltype(z);
    with_binary(op, [&](auto c) {
      launch(d, n,
             BinaryGradBody<decltype(c)::value, T>{static_cast<const T*>(g), static_cast<const T*>(a),
                                                   static_cast<const T*>(b), static_cast<const T*>(y), T(bs),
                                                   static_cast<T*>(da), static_cast<T*>(db), ra, rb});
    });
  });
}

void sum_n(int dev, DType t, index_t n, const void* const* xs, int count, void* y, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "add_n", [&](auto z) {
    using T = decltype(z);
    for (int first = 0; first < count; first += 8) {  // 8 inputs per pass; later passes add
      SumBody<T> body{};
      body.count = std::min(8, count - first);
      for (int k = 0; k < body.count; ++k) body.x[k] = static_cast<const T*>(xs[first + k]);
      body.y = static_cast<T*>(y);
      body.req = first == 0 ? req : OpReq::add;
      launch(d, n, body);
    }
  });
}

void fill(int dev, DType t, index_t n, double v, void* y) {
  auto& d = device(dev);
  if (v == 0) {
    detail::check(cudaMemsetAsync(y, 0, static_cast<std::size_t>(n) * dtype_size(t), d.stream), "cudaMemset");
    return;
  }
  index_types(t, "fill", [&](auto z) {
    using T = decltype(z);
    launch(d, n, FillBody<T>{static_cast<T*>(y), static_cast<T>(v)});
  });
}

void cast(int dev, DType from, DType to, index_t n, const void* x, void* y, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  index_types(from, "cast", [&](auto s) {
    index_types(to, "cast", [&](auto z) {
      using S = decltype(s);
      using D = decltype(z);
      launch(d, n, CastBody<S, D>{static_cast<const S*>(x), static_cast<D*>(y), req});
    });
  });
}

void broadcast_binary(int dev, DType t, BinaryOp op, const BroadcastIndex& ix, index_t n, const void* a,
                      const void* b, void* y, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "broadcast", [&](auto z) {
    using T = decltype(z);
    with_binary(op, [&](auto c) {
      launch(d, n,
             BroadcastBody<decltype(c)::value, T>{ix, static_cast<const T*>(a), static_cast<const T*>(b),
                                                  static_cast<T*>(y), req});
    });
  });
}

void broadcast_binary_grad(int dev, DType t, BinaryOp op, const BroadcastIndex& ix, index_t n, const void* g,
                           const void* a, const void* b, const void* y, void* da, void* db) {
  if (!da && !db) return;
  auto& d = device(dev);
  float_types(t, "broadcast backward", [&](auto z) {
    using T = decltype(z);
    with_binary(op, [&](auto c) {
      launch(d, n,
             BroadcastGradBody<decltype(c)::value, T>{ix, static_cast<const T*>(g), static_cast<const T*>(a),
                                                      static_cast<const T*>(b), static_cast<const T*>(y),
                                                      static_cast<T*>(da), static_cast<T*>(db)});
    });
  });
}

void reduce_grad(int dev, DType t, ReduceOp op, const ReduceGradIndex& ix, index_t n, const void* g,
                 const void* x, const void* y, void* dx, double inv_count, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "reduce backward", [&](auto z) {
    using T = decltype(z);
    with_reduce(op, [&](auto c) {
      launch(d, n,
             ReduceGradBody<decltype(c)::value, T>{ix, static_cast<const T*>(g), static_cast<const T*>(x),
                                                   static_cast<const T*>(y), static_cast<T*>(dx),
                                                   static_cast<T>(inv_count), req});
    });
  });
}

void reduce(int dev, DType t, ReduceOp op, const ReduceIndex& ix, index_t n_out, const void* x, void* y,
            double scale, OpReq req) {
  if (req == OpReq::null || n_out == 0) return;
  auto& d = device(dev);
  float_types(t, "reduce", [&](auto z) {
    using T = decltype(z);
    // Few outputs over many elements: a block per output. Otherwise a thread per output, whose
    // neighbours read neighbouring elements when the kept axes are the inner ones.
    if ((op == ReduceOp::sum || op == ReduceOp::mean) && ix.red_size >= 256 && n_out <= 65535 &&
        n_out < static_cast<index_t>(d.sm_count) * 64) {
      constexpr int threads = 256;
      reduce_sum_blocks<T, threads><<<static_cast<unsigned>(n_out), threads, 0, d.stream>>>(
          ix, static_cast<const T*>(x), static_cast<T*>(y), static_cast<T>(scale), req);
      detail::check(cudaGetLastError(), "kernel launch");
      return;
    }
    with_reduce(op, [&](auto c) {
      launch(d, n_out,
             ReduceBody<decltype(c)::value, T>{ix, static_cast<const T*>(x), static_cast<T*>(y),
                                               static_cast<T>(scale), req});
    });
  });
}

void softmax(int dev, DType t, const RowIndex& ix, const void* x, void* y, double temperature, bool log,
             OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "softmax", [&](auto z) {
    using T = decltype(z);
    launch(d, ix.outer * ix.inner,
           SoftmaxBody<T>{ix, static_cast<const T*>(x), static_cast<T*>(y), static_cast<T>(1.0 / temperature),
                          log, req});
  });
}

void softmax_grad(int dev, DType t, const RowIndex& ix, const void* g, const void* y, void* dx,
                  double temperature, bool log, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "softmax backward", [&](auto z) {
    using T = decltype(z);
    launch(d, ix.outer * ix.inner,
           SoftmaxGradBody<T>{ix, static_cast<const T*>(g), static_cast<const T*>(y), static_cast<T*>(dx),
                              static_cast<T>(1.0 / temperature), log, req});
  });
}

bool softmax_output_grad(int dev, DType t, DType lt, const RowIndex& ix, const void* p, const void* label,
                         void* dx, double scale, index_t ignore_label, bool use_ignore, double smooth_alpha,
                         bool out_grad, OpReq req) {
  if (req == OpReq::null) return true;
  auto& d = device(dev);
  float_types(t, "SoftmaxOutput backward", [&](auto z) {
    using T = decltype(z);
    index_types(lt, "SoftmaxOutput label", [&](auto l) {
      using L = decltype(l);
      launch(d, ix.outer * ix.inner,
             SoftmaxOutputGradBody<T, L>{ix, static_cast<const T*>(p), static_cast<const L*>(label),
                                         static_cast<T*>(dx), static_cast<T>(scale), ignore_label, use_ignore,
                                         out_grad, smooth_alpha, d.flag, req});
    });
  });
  return !detail::take_flag(d);
}

index_t count_valid(int dev, DType lt, index_t n, const void* label, index_t ignore_label) {
  auto& d = device(dev);
  detail::check(cudaMemsetAsync(d.flag, 0, sizeof(int), d.stream), "cudaMemset");
  index_types(lt, "SoftmaxOutput label", [&](auto l) {
    using L = decltype(l);
    launch(d, n, CountValidBody<L>{static_cast<const L*>(label), ignore_label, d.flag});
  });
  int v = 0;
  detail::check(cudaMemcpyAsync(&v, d.flag, sizeof(int), cudaMemcpyDeviceToHost, d.stream), "cudaMemcpy");
  detail::check(cudaMemsetAsync(d.flag, 0, sizeof(int), d.stream), "cudaMemset");
  detail::check(cudaStreamSynchronize(d.stream), "cudaStreamSynchronize");
  return v;
}

void prob_label_grad(int dev, DType t, DType lt, index_t n, const void* p, const void* label, void* dx,
                     double scale, bool out_grad, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "SoftmaxOutput backward", [&](auto z) {
    using T = decltype(z);
    index_types(lt, "SoftmaxOutput label", [&](auto l) {
      using L = decltype(l);
      launch(d, n,
             ProbLabelGradBody<T, L>{static_cast<const T*>(p), static_cast<const L*>(label),
                                     static_cast<T*>(dx), static_cast<T>(scale), out_grad, req});
    });
  });
}

void regression_grad(int dev, DType t, DType lt, index_t n, const void* y, const void* label, void* dx,
                     double scale, bool mae, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  float_types(t, "RegressionOutput backward", [&](auto z) {
    using T = decltype(z);
    index_types(lt, "RegressionOutput label", [&](auto l) {
      using L = decltype(l);
      launch(d, n,
             RegressionGradBody<T, L>{static_cast<const T*>(y), static_cast<const L*>(label),
                                      static_cast<T*>(dx), static_cast<T>(scale), mae, req});
    });
  });
}

bool embedding(int dev, DType t, DType it, index_t n_idx, index_t input_dim, index_t dim, const void* idx,
               const void* w, void* y, OpReq req) {
  if (req == OpReq::null) return true;
  auto& d = device(dev);
  float_types(t, "Embedding", [&](auto z) {
    using T = decltype(z);
    index_types(it, "Embedding indices", [&](auto i) {
      using I = decltype(i);
      launch(d, n_idx * dim,
             EmbeddingBody<T, I>{static_cast<const I*>(idx), static_cast<const T*>(w), static_cast<T*>(y),
                                 input_dim, dim, d.flag, req});
    });
  });
  return !detail::take_flag(d);
}

void embedding_grad(int dev, DType t, DType it, index_t n_idx, index_t input_dim, index_t dim,
                    const void* idx, const void* g, void* dw, OpReq req) {
  if (req == OpReq::null) return;
  auto& d = device(dev);
  if (req == OpReq::write)
    detail::check(cudaMemsetAsync(dw, 0, static_cast<std::size_t>(input_dim * dim) * dtype_size(t), d.stream),
                  "cudaMemset");
  float_types(t, "Embedding backward", [&](auto z) {
    using T = decltype(z);
    index_types(it, "Embedding indices", [&](auto i) {
      using I = decltype(i);
      launch(d, n_idx * dim,
             EmbeddingGradBody<T, I>{static_cast<const I*>(idx), static_cast<const T*>(g),
                                     static_cast<T*>(dw), input_dim, dim});
    });
  });
}

}  // namespace symgrad::cuda
