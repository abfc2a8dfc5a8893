// Operators and kernels of ops/convolution.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../cpu/conv_forward-inl.hpp"
#include "../cpu/depthwise-inl.hpp"
#include "../cpu/gemm.hpp"
#include "../cpu/im2col.hpp"
#include "../cpu/parallel.hpp"
#include "../symbol/compose.hpp"
#include "convolution.hpp"
#include "device_kernels-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"
#include "with_weights.hpp"

namespace SYMGRAD_NS::ops {

// The fields Convolution and Deconvolution share, in MXNet's order: the spatial ones before
// num_filter (Deconvolution puts adj and target_shape between them), the rest after.
template <class P>
constexpr auto conv_spatial_fields() {
  return std::tuple{field("kernel", &P::kernel).required().at_least(1),
                    field("stride", &P::stride).at_least(1), field("dilate", &P::dilate).at_least(1),
                    field("pad", &P::pad).at_least(0)};
}
template <class P>
constexpr auto conv_filter_fields() {
  return std::tuple{field("num_filter", &P::num_filter).required().at_least(1),
                    field("num_group", &P::num_group).at_least(1),
                    field("workspace", &P::workspace).at_least(0),
                    field("no_bias", &P::no_bias),
                    field("cudnn_tune", &P::cudnn_tune),
                    field("cudnn_off", &P::cudnn_off),
                    field("layout", &P::layout)};
}

template <>
inline constexpr auto param_fields<ConvolutionParam> = std::tuple_cat(conv_spatial_fields<ConvolutionParam>(),
                                                                      conv_filter_fields<ConvolutionParam>());

// Channels-first layouts as codes (the number of spatial axes); channels-last layouts are errors.
inline int layout_code(std::string_view op, const std::string& l) {
  if (l.empty() || l == "None") return 0;
  if (l == "NCW") return 1;
  if (l == "NCHW") return 2;
  if (l == "NCDHW") return 3;
  throw ValueError(std::string(op) + ": layout '" + l +
                   "' is not supported; the CPU path takes channels first (NCW, NCHW, NCDHW), as MXNet's CPU "
                   "operators do");
}
inline std::string layout_name(int code) { return code == 1 ? "NCW" : code == 2 ? "NCHW" : "NCDHW"; }

// The checks of Convolution, Deconvolution and Pooling parameters: the table's bounds, then a
// kernel of 1 to 3 dimensions (unless `kernel_optional` and it is empty), every other spatial
// parameter with as many values, and a layout for that rank.
template <class P>
void check_spatial_params(std::string_view op, const P& p, bool kernel_optional = false) {
  check_params(op, p);
  const int ns = p.kernel.n;
  if (kernel_optional && ns == 0) return;
  if (ns < 1 || ns > 3)
    throw ValueError(std::string(op) + ": kernel must have 1, 2 or 3 dimensions, e.g. kernel=(3, 3); got " +
                     attr::format(p.kernel.vec()));
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              if constexpr (std::is_same_v<std::remove_cvref_t<decltype(p.*(f.member))>, Spatial>) {
                const Spatial& s = p.*(f.member);
                if (s.n != 0 && s.n != ns)
                  throw ValueError(std::string(op) + ": " + std::string(f.name) + " " +
                                   attr::format(s.vec()) + " must have as many values as kernel " +
                                   attr::format(p.kernel.vec()));
              }
            }(),
            ...);
      },
      param_fields<P>);
  const int layout = layout_code(op, p.layout);
  if (layout && layout != ns)
    throw ValueError(std::string(op) + ": layout '" + p.layout + "' does not match a " + std::to_string(ns) +
                     "-d kernel; use " + layout_name(ns));
}

// Convolution's and Deconvolution's: check_spatial_params and num_group dividing num_filter.
template <class P>
void check_conv_params(std::string_view op, const P& p) {
  check_spatial_params(op, p);
  if (p.num_filter % p.num_group != 0)
    throw ValueError(std::string(op) + ": num_filter (" + std::to_string(p.num_filter) +
                     ") must be divisible by num_group (" + std::to_string(p.num_group) + ")");
}

namespace conv_detail {

// The geometry, columns and sample chunks of cpu/im2col.hpp.
using namespace host::conv;

inline Geo geometry(const Shape& data, const Shape& out, const ConvolutionParam& p) {
  Geo g;
  g.N = data[0];
  g.C = data[1];
  g.F = p.num_filter;
  g.G = p.num_group;
  const int ns = p.nsp(), off = 3 - ns;  // right-align: 1-d uses the last slot
  for (int i = 0; i < ns; ++i) {
    const auto j = static_cast<std::size_t>(off + i);
    g.in[j] = data[i + 2];
    g.out[j] = out[i + 2];
    g.k[j] = p.kernel[i];
    g.s[j] = p.st(i);
    g.d[j] = p.dil(i);
    g.p[j] = p.pd(i);
  }
  return g;
}

#if SYMGRAD_WITH_CUDA
// One sample's group, for the CUDA column kernels.
inline cuda::ConvGeo gpu_geo(const Geo& g) {
  cuda::ConvGeo c;
  c.C = g.cg();
  for (std::size_t a = 0; a < 3; ++a)
    c.in[a] = g.in[a], c.out[a] = g.out[a], c.k[a] = g.k[a], c.s[a] = g.s[a], c.d[a] = g.d[a],
    c.p[a] = g.p[a];
  return c;
}
#endif

inline std::string describe(const ConvolutionParam& p) { return describe_params(p); }

}  // namespace conv_detail

class ConvolutionBackward final : public WithWeightsBackward<ConvolutionParam> {
 public:
  ~ConvolutionBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit ConvolutionBackward(ConvolutionParam p) : WithWeightsBackward(std::move(p)) {}
  std::string type_name() const override { return "_backward_Convolution"; }
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>&,
                              DType t) const override {
    auto g = conv_detail::geometry(in[1], in[0], p_);
    if (g.cg() == 1)  // GPU columns, or the CPU kernel's flipped filters and padded planes
      return std::max(static_cast<std::size_t>(g.col_rows() * g.out_size()),
                      conv_detail::depthwise_grad_fits(g)
                          ? conv_detail::depthwise_grad_scratch(g, host::lanes<float>(), host::num_threads())
                          : 0) *
             dtype_size(t);
    const auto nt = static_cast<std::int64_t>(conv_detail::sample_threads(g.N));
    // columns per thread, and per-thread weight-gradient sums when the samples are spread
    return static_cast<std::size_t>(nt * g.col_rows() * g.out_size() +
                                    (nt > 1 ? nt * g.F * g.col_rows() : 0)) *
           dtype_size(t);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const NDArray &dy = in[0], &x = in[1], &w = in[2];
    const auto g = conv_detail::geometry(x.shape(), dy.shape(), p_);
    const std::int64_t P = g.out_size(), K = g.col_rows(), Fg = g.fg(), Cg = g.cg();
    dispatch_float(dy.dtype(), "Convolution", [&](auto t) {
      using T = decltype(t);
      T* col = static_cast<T*>(ctx.workspace);
      const T* gy = dy.data<T>();
      const T* xs = x.data<T>();
      const T* ws = w.data<T>();
      const bool want_dx = req[0] != OpReq::null, want_dw = req[1] != OpReq::null;
      if (want_dx && req[0] == OpReq::write) std::fill_n(out[0].data<T>(), x.size(), T(0));
      if (want_dw && req[1] == OpReq::write) std::fill_n(out[1].data<T>(), w.size(), T(0));
      if (Cg == 1) {  // depthwise: direct loops, threads over input planes (dx) and filters (dW)
        const std::int64_t IS = g.in_size(), KS = g.k_size(), S = g.s[2];
        if (want_dx && conv_detail::depthwise_kernel() == conv_detail::DepthwiseKernel::simd &&
            conv_detail::depthwise_grad_fits(g)) {  // the vectorised kernel on dy and the flipped filters
          conv_detail::depthwise_backward_data(
              g, gy, ws, out[0].data<T>(), col,
              std::min<std::size_t>(host::num_threads(), std::size_t(g.N * g.C)));
        } else if (want_dx) {
          T* dx = out[0].data<T>();
          host::ThreadPool::instance().run(static_cast<std::size_t>(g.N * g.C), [&](std::size_t pl) {
            const std::int64_t n = std::int64_t(pl) / g.C, c = std::int64_t(pl) % g.C;
            T* dxp = dx + (n * g.C + c) * IS;
            for (std::int64_t f = c * Fg; f < (c + 1) * Fg; ++f) {
              const T* dyp = gy + (n * g.F + f) * P;
              conv_detail::depthwise_rows(g, [&](std::int64_t orow, std::int64_t irow, std::int64_t wi,
                                                 std::int64_t lo, std::int64_t hi, std::int64_t base) {
                const T wv = ws[f * KS + wi];
                for (std::int64_t o = lo; o < hi; ++o) dxp[irow + o * S + base] += wv * dyp[orow + o];
              });
            }
          });
        }
        if (want_dw) {
          T* dw = out[1].data<T>();
          host::ThreadPool::instance().run(static_cast<std::size_t>(g.F), [&](std::size_t fu) {
            const std::int64_t f = std::int64_t(fu), c = f / Fg;
            for (std::int64_t n = 0; n < g.N; ++n) {
              const T* dyp = gy + (n * g.F + f) * P;
              const T* xp = xs + (n * g.C + c) * IS;
              conv_detail::depthwise_rows(g, [&](std::int64_t orow, std::int64_t irow, std::int64_t wi,
                                                 std::int64_t lo, std::int64_t hi, std::int64_t base) {
                T acc = T(0);
                for (std::int64_t o = lo; o < hi; ++o) acc += dyp[orow + o] * xp[irow + o * S + base];
                dw[f * KS + wi] += acc;
              });
            }
          });
        }
      }
      const std::size_t nt = conv_detail::sample_threads(g.N);
      const std::int64_t WS = g.F * K;  // weight elements
      if (Cg != 1 && (want_dx || want_dw)) {
        conv_detail::for_sample_chunks(nt, [&](std::size_t c) {
          T* colc = col + std::int64_t(c) * K * P;
          T* dw = nt > 1 ? col + std::int64_t(nt) * K * P + std::int64_t(c) * WS : out[1].data<T>();
          if (nt > 1 && want_dw) std::fill_n(dw, WS, T(0));
          const auto [n0, n1] = conv_detail::sample_range(g.N, c, nt);
          for (std::int64_t n = n0; n < n1; ++n)
            for (std::int64_t gr = 0; gr < g.G; ++gr) {
              const T* dyg = gy + (n * g.F + gr * Fg) * P;
              const T* xg = xs + (n * g.C + gr * Cg) * g.in_size();
              const T* wg = ws + gr * Fg * K;
              if (want_dw) {  // dW_g (Fg, K) += dY_g (Fg, P) · colᵀ (P, K)
                conv_detail::im2col(g, xg, colc);
                host::gemm<T>(false, true, Fg, K, P, T(1), dyg, P, colc, P, T(1), dw + gr * Fg * K, K);
              }
              if (want_dx) {  // col (K, P) = W_gᵀ (K, Fg) · dY_g (Fg, P), then col2im
                host::gemm<T>(true, false, K, P, Fg, T(1), wg, K, dyg, P, T(0), colc, P);
                conv_detail::col2im(g, colc, out[0].data<T>() + (n * g.C + gr * Cg) * g.in_size());
              }
            }
        });
        if (nt > 1 && want_dw) {  // the threads' partial weight gradients
          T* dw = out[1].data<T>();
          const T* parts = col + std::int64_t(nt) * K * P;
          for (std::size_t c = 0; c < nt; ++c)
            for (std::int64_t i = 0; i < WS; ++i) dw[i] += parts[std::int64_t(c) * WS + i];
        }
      }
    });
    if (!p_.no_bias)
      dev::sum_channel_bias(in[0], out[2], g.N, g.F, P, req[2]);  // db[f] = Σ over n and pixels
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    // per sample and group: dW_g += dY_g · colᵀ; col = W_gᵀ · dY_g, then col2im into dX
    const NDArray &dy = in[0], &x = in[1], &w = in[2];
    const auto g = conv_detail::geometry(x.shape(), dy.shape(), p_);
    const auto cg = conv_detail::gpu_geo(g);
    const std::int64_t P = g.out_size(), K = g.col_rows(), Fg = g.fg(), Cg = g.cg(), IS = g.in_size();
    const int dev = ctx.ctx.device_id;
    const DType t = dy.dtype();
    const std::size_t es = dtype_size(t);
    auto at = [&](const NDArray& a, std::int64_t elems) {
      return static_cast<char*>(a.raw_data()) + elems * std::int64_t(es);
    };
    const bool want_dx = req[0] != OpReq::null, want_dw = req[1] != OpReq::null;
    if (want_dx && req[0] == OpReq::write) device::zero(ctx.ctx, out[0].raw_data(), out[0].nbytes());
    if (want_dw && req[1] == OpReq::write) device::zero(ctx.ctx, out[1].raw_data(), out[1].nbytes());
    void* col = ctx.workspace;
    for (std::int64_t n = 0; n < g.N && (want_dx || want_dw); ++n)
      for (std::int64_t gr = 0; gr < g.G; ++gr) {
        const void* dyg = at(dy, (n * g.F + gr * Fg) * P);
        if (want_dw) {
          cuda::im2col(dev, t, cg, at(x, (n * g.C + gr * Cg) * IS), col);
          cuda::gemm(dev, t, false, true, Fg, K, P, 1.0, dyg, P, col, P, 1.0, at(out[1], gr * Fg * K), K);
        }
        if (want_dx) {
          cuda::gemm(dev, t, true, false, K, P, Fg, 1.0, at(w, gr * Fg * K), K, dyg, P, 0.0, col, P);
          cuda::col2im_add(dev, t, cg, col, at(out[0], (n * g.C + gr * Cg) * IS));
        }
      }
    if (!p_.no_bias) dev::sum_channel_bias(dy, out[2], g.N, g.F, P, req[2]);  // db[f] = Σ over n and pixels
  }
#endif
};

class Convolution final : public WithWeights<ConvolutionParam, "Convolution", ConvolutionBackward> {
 public:
  ~Convolution() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Convolution(ConvolutionParam p) : WithWeights(std::move(p)) {
    check_conv_params("Convolution", p_);
  }
  explicit Convolution(const AttrMap& m) : WithWeights(m) { check_conv_params("Convolution", p_); }
  void infer_shape(ShapeCtx& c) const override {
    auto r = convolution_rule(c.in(0), p_);
    if (r.error)
      ShapeCtx::fail(c.in_name(0) + " " + c.in(0).str() + " with " + conv_detail::describe(p_) + ": " +
                     r.error);
    c.assign_in(1, r.weight, conv_detail::describe(p_) + " and the data shape " + c.in(0).str());
    if (!p_.no_bias) c.assign_in(2, r.bias, "num_filter=" + std::to_string(p_.num_filter));
    c.assign_out(0, r.out);
  }
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>& out,
                              DType t) const override {
    return static_cast<std::size_t>(host::conv::forward_workspace(conv_detail::geometry(in[0], out[0], p_))) *
           dtype_size(t);
  }
  // The columns and GEMMs (or the depthwise kernel) of cpu/conv_forward-inl.hpp; the bias is added in
  // its output pass, per sample.
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto g = conv_detail::geometry(in[0].shape(), out[0].shape(), p_);
    dispatch_float(in[0].dtype(), "Convolution", [&](auto t) {
      using T = decltype(t);
      host::conv::Epilogue<T> epi;
      if (!p_.no_bias) epi.shift = in[2].data<T>();
      host::conv::forward(g, in[0].data<T>(), in[1].data<T>(), out[0].data<T>(), req[0] == OpReq::add,
                          static_cast<T*>(ctx.workspace), epi);
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    // per sample and group: im2col, then Y_g (+)= W_g · col; then the bias
    if (req[0] == OpReq::null) return;
    const NDArray &x = in[0], &w = in[1];
    const auto g = conv_detail::geometry(x.shape(), out[0].shape(), p_);
    const auto cg = conv_detail::gpu_geo(g);
    const std::int64_t P = g.out_size(), K = g.col_rows(), Fg = g.fg(), Cg = g.cg(), IS = g.in_size();
    const int dev = ctx.ctx.device_id;
    const DType t = x.dtype();
    const std::size_t es = dtype_size(t);
    auto at = [&](const NDArray& a, std::int64_t elems) {
      return static_cast<char*>(a.raw_data()) + elems * std::int64_t(es);
    };
    const double beta = req[0] == OpReq::add ? 1.0 : 0.0;
    void* col = ctx.workspace;
    for (std::int64_t n = 0; n < g.N; ++n)
      for (std::int64_t gr = 0; gr < g.G; ++gr) {
        cuda::im2col(dev, t, cg, at(x, (n * g.C + gr * Cg) * IS), col);
        cuda::gemm(dev, t, false, false, Fg, P, K, 1.0, at(w, gr * Fg * K), K, col, P, beta,
                   at(out[0], (n * g.F + gr * Fg) * P), P);
      }
    if (!p_.no_bias) dev::channel_bias(out[0], in[2], g.N, g.F, P, OpReq::add);  // y (N, F, P) += b[f]
  }
#endif
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CONVOLUTION)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol convolution(const Symbol& data, const Symbol& weight, const Symbol& bias,
                                  const ConvolutionOptions& o) {
  return ops::compose_with_weights<ops::Convolution>(o, data, weight, bias);
}
SYMGRAD_INLINE Symbol convolution(const Symbol& data, const ConvolutionOptions& o) {
  return convolution(data, Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol Convolution(const Symbol& data, const ConvolutionOptions& o) {
  return convolution(data, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CONVOLUTION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_convolution(OpTable& t) { t["Convolution"] = reg::with_attrs<Convolution>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CONVOLUTION)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE ConvolutionBackward::~ConvolutionBackward() = default;
SYMGRAD_INLINE Convolution::~Convolution() = default;
}  // namespace SYMGRAD_NS::ops
#endif
