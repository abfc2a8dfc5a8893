// Operators and kernels of ops/pooling.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <span>
#include <tuple>
#include <utility>

#include "../cpu/parallel.hpp"
#include "../cpu/simd.hpp"
#include "convolution-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "param_op.hpp"
#include "params.hpp"
#include "pooling.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<PoolingParam> =
    std::tuple{field("kernel", &PoolingParam::kernel).at_least(1),
               field("pool_type", &PoolingParam::pool_type).always(),
               field("global_pool", &PoolingParam::global_pool),
               field("cudnn_off", &PoolingParam::cudnn_off),
               field("pooling_convention", &PoolingParam::pooling_convention),
               field("stride", &PoolingParam::stride).at_least(1),
               field("pad", &PoolingParam::pad).at_least(0),
               field("p_value", &PoolingParam::p_value).at_least(1),
               field("count_include_pad", &PoolingParam::count_include_pad),
               field("layout", &PoolingParam::layout)};

namespace pool_detail {

struct Geo {
  std::int64_t planes = 0;  // batch * channels
  std::array<std::int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, k{1, 1, 1}, s{1, 1, 1}, p{0, 0, 0};
  std::int64_t in_size() const { return in[0] * in[1] * in[2]; }
  std::int64_t out_size() const { return out[0] * out[1] * out[2]; }
};

inline Geo geometry(const Shape& data, const Shape& out, const PoolingParam& p) {
  Geo g;
  g.planes = data[0] * data[1];
  const int ns = data.ndim() - 2, off = 3 - ns;
  for (int i = 0; i < ns; ++i) {
    const auto j = static_cast<std::size_t>(off + i);
    g.in[j] = data[i + 2];
    g.out[j] = out[i + 2];
    if (p.global_pool) {
      g.k[j] = data[i + 2];
    } else {
      g.k[j] = p.kernel[i];
      g.s[j] = p.st(i);
      g.p[j] = p.pd(i);
    }
  }
  return g;
}

// The window of output position o along one axis: [lo, hi) in the input, and its extent
// clipped to the padded input (for count_include_pad).
struct Range {
  std::int64_t lo, hi, padded;
};
inline Range window(const Geo& g, int axis, std::int64_t o) {
  const auto a = static_cast<std::size_t>(axis);
  std::int64_t start = o * g.s[a] - g.p[a];
  std::int64_t end = std::min(start + g.k[a], g.in[a] + g.p[a]);
  Range r{std::max<std::int64_t>(start, 0), std::min(end, g.in[a]), end - start};
  return r;
}

// Calls f(output index, window ranges) for every output position of one plane.
template <class F>
void for_each_window(const Geo& g, F&& f) {
  std::int64_t o = 0;
  for (std::int64_t o0 = 0; o0 < g.out[0]; ++o0) {
    const Range r0 = window(g, 0, o0);
    for (std::int64_t o1 = 0; o1 < g.out[1]; ++o1) {
      const Range r1 = window(g, 1, o1);
      for (std::int64_t o2 = 0; o2 < g.out[2]; ++o2, ++o) f(o, r0, r1, window(g, 2, o2));
    }
  }
}

template <class T>
T ipow(T x, int p) {
  T r = T(1);
  for (int i = 0; i < p; ++i) r *= x;
  return r;
}
// (Σ x^p)^(1/p), the sign kept for odd p.
template <class T>
T lp_root(T v, int p) {
  if (p == 1) return v;
  if (p == 2) return std::sqrt(v);
  if (p == 3) return std::cbrt(v);
  const T r = std::pow(std::abs(v), T(1) / T(p));
  return v < 0 && p % 2 == 1 ? -r : r;
}
// The fast CPU path: 2-d (or 1-d) max, avg or sum pooling. Each plane is copied into a scratch
// plane padded with the operation's identity (lowest for max, 0 for the sums) up to every window
// the output reads, so windows need no clipping, each row split into its stride's phases (phase q
// holds padded columns q, q + s, q + 2s, ...: tap e of output column o is column o + e / s of
// phase e % s), so rows are reduced a vector of outputs at a time whatever the stride. Same values as the
// generic loops: the same order of additions per output, max as std::max (a NaN input is skipped), the
// average divided by the same count.
// Rows narrower than a vector (global pooling, the last stages) stay with the generic loops.
inline bool fast_fits(const Geo& g, PoolType t) {
  return g.in[0] == 1 && g.k[0] == 1 && g.p[0] == 0 && g.out[2] >= std::int64_t(host::lanes<float>()) &&
         (t == PoolType::max || t == PoolType::avg || t == PoolType::sum);
}
struct Padded {
  std::int64_t rows, phase, cols;  // cols = stride · phase
};
inline Padded padded(const Geo& g) {
  constexpr std::int64_t slack = 16;  // a vector read past the last output column
  const std::int64_t s = g.s[2], wide = std::max(g.in[2] + 2 * g.p[2], (g.out[2] - 1) * s + g.k[2]);
  const std::int64_t phase = std::max((wide + s - 1) / s, g.out[2] + (g.k[2] - 1) / s) + slack;
  return {std::max(g.in[1] + 2 * g.p[1], (g.out[1] - 1) * g.s[1] + g.k[1]), phase, s * phase};
}
inline std::size_t fast_scratch(const Geo& g) {  // elements per thread
  const Padded pd = padded(g);
  return static_cast<std::size_t>(pd.rows * pd.cols);
}
template <class T>
void fast_forward(const Geo& g, PoolType type, bool count_pad, const T* x, T* y, T* scratch,
                  std::size_t scratch_elems) {
  using B = host::Batch<T>;
  constexpr std::int64_t L = static_cast<std::int64_t>(host::lanes<T>());
  const Padded pd = padded(g);
  const bool is_max = type == PoolType::max;
  const T ident = is_max ? std::numeric_limits<T>::lowest() : T(0);
  const std::int64_t IS = g.in_size(), OS = g.out_size(), OH = g.out[1], OW = g.out[2];
  const std::int64_t KH = g.k[1], KW = g.k[2], SH = g.s[1], SW = g.s[2];
  const std::size_t threads =
      std::min({host::num_threads(), scratch_elems / fast_scratch(g),
                std::max<std::size_t>(1, std::size_t(g.planes * IS) / host::kParallelGrain)});
  const std::int64_t nt = static_cast<std::int64_t>(std::min<std::size_t>(threads, std::size_t(g.planes)));
  auto chunk = [&](std::size_t c) {
    T* pad = scratch + std::int64_t(c) * pd.rows * pd.cols;
    std::fill_n(pad, pd.rows * pd.cols, ident);
    for (std::int64_t pl = g.planes * std::int64_t(c) / nt; pl < g.planes * (std::int64_t(c) + 1) / nt;
         ++pl) {
      const T* xp = x + pl * IS;
      T* yp = y + pl * OS;
      for (std::int64_t i = 0; i < g.in[1]; ++i) {
        const T* src = xp + i * g.in[2];
        T* dst = pad + (i + g.p[1]) * pd.cols;
        if (SW == 1) {
          std::copy_n(src, g.in[2], dst + g.p[2]);
          continue;
        }
        for (std::int64_t q = 0; q < SW; ++q) {  // padded column t · SW + q is input column t · SW + q - pad
          const std::int64_t first = q - g.p[2];
          const std::int64_t t0 = first >= 0 ? 0 : (-first + SW - 1) / SW;
          const std::int64_t t1 = (g.in[2] - first + SW - 1) / SW;
          T* d = dst + q * pd.phase;
          for (std::int64_t t = t0; t < t1; ++t) d[t] = src[t * SW + first];
        }
      }
      for (std::int64_t oh = 0; oh < OH; ++oh) {
        const T* top = pad + oh * SH * pd.cols;
        T* yr = yp + oh * OW;
        std::int64_t o = 0;
        for (; o + L <= OW; o += L) {
          B v(ident);
          for (std::int64_t a = 0; a < KH; ++a)
            for (std::int64_t e = 0; e < KW; ++e) {
              const B in = host::load<B>(top + a * pd.cols + (e % SW) * pd.phase + e / SW + o);
              v = is_max ? xsimd::select(v < in, in, v) : v + in;
            }
          host::store(yr + o, v);
        }
        for (; o < OW; ++o) {
          T v = ident;
          for (std::int64_t a = 0; a < KH; ++a)
            for (std::int64_t e = 0; e < KW; ++e) {
              const T in = top[a * pd.cols + (e % SW) * pd.phase + e / SW + o];
              v = is_max ? std::max(v, in) : v + in;
            }
          yr[o] = v;
        }
        if (type != PoolType::avg) continue;
        const Range r1 = window(g, 1, oh);
        for (std::int64_t q = 0; q < OW; ++q) {
          const Range r2 = window(g, 2, q);
          const std::int64_t n = count_pad ? r1.padded * r2.padded : (r1.hi - r1.lo) * (r2.hi - r2.lo);
          yr[q] = n > 0 ? yr[q] / T(n) : T(0);
        }
      }
    }
  };
  if (nt <= 1) return chunk(0);
  host::ThreadPool::instance().run(static_cast<std::size_t>(nt), chunk);
}

#if SYMGRAD_WITH_CUDA
inline cuda::PoolGeo gpu_geo(const Geo& g, const PoolingParam& p) {
  cuda::PoolGeo c;
  for (std::size_t a = 0; a < 3; ++a)
    c.in[a] = g.in[a], c.out[a] = g.out[a], c.k[a] = g.k[a], c.s[a] = g.s[a], c.p[a] = g.p[a];
  c.kind = p.pool_type == PoolType::max   ? cuda::PoolKind::max
           : p.pool_type == PoolType::avg ? cuda::PoolKind::avg
                                          : cuda::PoolKind::sum;
  c.count_pad = p.count_include_pad && !p.global_pool;
  return c;
}
#endif

}  // namespace pool_detail

class PoolingBackward final : public Operator {
 public:
  ~PoolingBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit PoolingBackward(PoolingParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_Pooling"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "output"}; }
  std::vector<std::string> outputs() const override { return {"data_grad"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto g = pool_detail::geometry(in[1].shape(), in[0].shape(), p_);
    dispatch_float(in[0].dtype(), "Pooling", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      const T* x = in[1].data<T>();
      const T* y = in[2].data<T>();
      T* dx = out[0].data<T>();
      if (req[0] == OpReq::write) std::fill_n(dx, in[1].size(), T(0));
      const std::int64_t IS = g.in_size(), OS = g.out_size();
      host::ThreadPool::instance().run(static_cast<std::size_t>(g.planes), [&](std::size_t pl) {
        const T* xp = x + std::int64_t(pl) * IS;
        const T* dyp = dy + std::int64_t(pl) * OS;
        const T* yp = y + std::int64_t(pl) * OS;
        T* dxp = dx + std::int64_t(pl) * IS;
        pool_detail::for_each_window(g, [&](std::int64_t o, const pool_detail::Range& r0,
                                            const pool_detail::Range& r1, const pool_detail::Range& r2) {
          if (p_.pool_type == PoolType::max) {
            std::int64_t best = -1;
            T bv = std::numeric_limits<T>::lowest();
            for (std::int64_t a = r0.lo; a < r0.hi; ++a)
              for (std::int64_t b = r1.lo; b < r1.hi; ++b)
                for (std::int64_t c = r2.lo; c < r2.hi; ++c) {
                  const std::int64_t i = (a * g.in[1] + b) * g.in[2] + c;
                  if (best < 0 || xp[i] > bv) best = i, bv = xp[i];
                }
            if (best >= 0) dxp[best] += dyp[o];
            return;
          }
          if (p_.pool_type == PoolType::lp) {
            const T y = yp[o];
            for (std::int64_t a = r0.lo; a < r0.hi; ++a)
              for (std::int64_t b = r1.lo; b < r1.hi; ++b)
                for (std::int64_t c = r2.lo; c < r2.hi; ++c) {
                  const std::int64_t i = (a * g.in[1] + b) * g.in[2] + c;
                  const T d = p_.power() == 1 ? T(1)
                              : y == T(0)     ? T(0)
                                              : pool_detail::ipow(xp[i] / y, p_.power() - 1);
                  dxp[i] += dyp[o] * d;
                }
            return;
          }
          T scale = T(1);
          if (p_.pool_type == PoolType::avg) {
            const std::int64_t n = p_.count_include_pad && !p_.global_pool
                                       ? r0.padded * r1.padded * r2.padded
                                       : (r0.hi - r0.lo) * (r1.hi - r1.lo) * (r2.hi - r2.lo);
            scale = n > 0 ? T(1) / T(n) : T(0);
          }
          const T v = dyp[o] * scale;
          for (std::int64_t a = r0.lo; a < r0.hi; ++a)
            for (std::int64_t b = r1.lo; b < r1.hi; ++b)
              for (std::int64_t c = r2.lo; c < r2.hi; ++c) dxp[(a * g.in[1] + b) * g.in[2] + c] += v;
        });
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override {
    return p_.pool_type == PoolType::lp ? std::string("pool_type='lp' has no CUDA kernel yet")
                                        : std::string();
  }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto g = pool_detail::geometry(in[1].shape(), in[0].shape(), p_);
    cuda::pooling_grad(ctx.ctx.device_id, in[0].dtype(), pool_detail::gpu_geo(g, p_), g.planes,
                       in[0].raw_data(), in[1].raw_data(), out[0].raw_data(), req[0]);
  }
#endif
 private:
  PoolingParam p_;
};

class Pooling final : public ParamOp<PoolingParam, "Pooling"> {
 public:
  ~Pooling() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Pooling(PoolingParam p) : ParamOp(std::move(p)) { check(); }
  explicit Pooling(const AttrMap& m) : ParamOp(m) { check(); }
  void infer_shape(ShapeCtx& c) const override {
    auto r = pooling_rule(c.in(0), p_);
    if (r.error)
      ShapeCtx::fail(c.in_name(0) + " " + c.in(0).str() + " with kernel=" + attr::format(p_.kernel.vec()) +
                     (p_.pad.n ? ", pad=" + attr::format(p_.pad.vec()) : std::string()) + ": " + r.error);
    c.assign_out(0, r.out);
  }
  // The fast path's padded plane per thread (pool_detail::fast_forward).
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>& out,
                              DType t) const override {
    const auto g = pool_detail::geometry(in[0], out[0], p_);
    return pool_detail::fast_fits(g, p_.pool_type)
               ? host::num_threads() * pool_detail::fast_scratch(g) * dtype_size(t)
               : 0;
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<PoolingBackward>(p_), n, "backward",
                       {og[0], n->inputs[0], out_entry(n, 0)});
    return {out_entry(b, 0)};
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto g = pool_detail::geometry(in[0].shape(), out[0].shape(), p_);
    dispatch_float(in[0].dtype(), "Pooling", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      const bool add = req[0] == OpReq::add;
      if (!add && pool_detail::fast_fits(g, p_.pool_type) &&
          ctx.workspace_bytes >= pool_detail::fast_scratch(g) * sizeof(T))
        return pool_detail::fast_forward(g, p_.pool_type, p_.count_include_pad && !p_.global_pool, x, y,
                                         static_cast<T*>(ctx.workspace), ctx.workspace_bytes / sizeof(T));
      const std::int64_t IS = g.in_size(), OS = g.out_size();
      host::ThreadPool::instance().run(static_cast<std::size_t>(g.planes), [&](std::size_t pl) {
        const T* xp = x + std::int64_t(pl) * IS;
        T* yp = y + std::int64_t(pl) * OS;
        pool_detail::for_each_window(g, [&](std::int64_t o, const pool_detail::Range& r0,
                                            const pool_detail::Range& r1, const pool_detail::Range& r2) {
          T v;
          if (p_.pool_type == PoolType::max) {
            v = std::numeric_limits<T>::lowest();
            for (std::int64_t a = r0.lo; a < r0.hi; ++a)
              for (std::int64_t b = r1.lo; b < r1.hi; ++b) {
                const T* row = xp + (a * g.in[1] + b) * g.in[2];
                for (std::int64_t c = r2.lo; c < r2.hi; ++c) v = std::max(v, row[c]);
              }
          } else if (p_.pool_type == PoolType::lp) {
            v = T(0);
            for (std::int64_t a = r0.lo; a < r0.hi; ++a)
              for (std::int64_t b = r1.lo; b < r1.hi; ++b) {
                const T* row = xp + (a * g.in[1] + b) * g.in[2];
                for (std::int64_t c = r2.lo; c < r2.hi; ++c) v += pool_detail::ipow(row[c], p_.power());
              }
            v = pool_detail::lp_root(v, p_.power());
          } else {
            v = T(0);
            for (std::int64_t a = r0.lo; a < r0.hi; ++a)
              for (std::int64_t b = r1.lo; b < r1.hi; ++b) {
                const T* row = xp + (a * g.in[1] + b) * g.in[2];
                for (std::int64_t c = r2.lo; c < r2.hi; ++c) v += row[c];
              }
            if (p_.pool_type == PoolType::avg) {
              const std::int64_t n = p_.count_include_pad && !p_.global_pool
                                         ? r0.padded * r1.padded * r2.padded
                                         : (r0.hi - r0.lo) * (r1.hi - r1.lo) * (r2.hi - r2.lo);
              v = n > 0 ? v / T(n) : T(0);
            }
          }
          yp[o] = add ? yp[o] + v : v;
        });
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override {
    return p_.pool_type == PoolType::lp ? std::string("pool_type='lp' has no CUDA kernel yet")
                                        : std::string();
  }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto g = pool_detail::geometry(in[0].shape(), out[0].shape(), p_);
    cuda::pooling(ctx.ctx.device_id, in[0].dtype(), pool_detail::gpu_geo(g, p_), g.planes, in[0].raw_data(),
                  out[0].raw_data(), req[0]);
  }
#endif
 private:
  void check() const {
    check_spatial_params("Pooling", p_, p_.global_pool);
    if (!p_.global_pool && p_.kernel.n < 1)
      throw ValueError("Pooling: kernel is required unless global_pool is set, e.g. kernel=(2, 2)");
    if (p_.pool_type == PoolType::lp && p_.power() < 1)
      throw ValueError(p_.power() == 0 ? std::string("Pooling: pool_type 'lp' needs p_value, e.g. p_value=2")
                                       : "Pooling: p_value must be a positive integer, got " +
                                             std::to_string(p_.power()));
    if (p_.pooling_convention == PoolConvention::same && p_.pad.n)
      for (int i = 0; i < p_.pad.n; ++i)
        if (p_.pad[i] != 0) throw ValueError("Pooling: pooling_convention 'same' needs pad 0");
  }
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_POOLING)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol pooling(const Symbol& data, const PoolingOptions& o) {
  return compose(std::make_shared<ops::Pooling>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol Pooling(const Symbol& data, const PoolingOptions& o) { return pooling(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_POOLING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_pooling(OpTable& t) { t["Pooling"] = reg::with_attrs<Pooling>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_POOLING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE PoolingBackward::~PoolingBackward() = default;
SYMGRAD_INLINE Pooling::~Pooling() = default;
}  // namespace SYMGRAD_NS::ops
#endif
