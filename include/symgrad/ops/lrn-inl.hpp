// Operators and kernels of ops/lrn.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>

#include "../cpu/parallel.hpp"
#include "../symbol/compose.hpp"
#include "lrn.hpp"
#include "norm_common-inl.hpp"
#include "op_table.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<LRNParam> =
    std::tuple{field("alpha", &LRNParam::alpha), field("beta", &LRNParam::beta),
               field("knorm", &LRNParam::knorm), field("nsize", &LRNParam::nsize).required().at_least(1)};

namespace norm_detail {
// LRN over (N, C, S), one task per (n, c) plane: f(n, c, j0, j1), [j0, j1) the channels of c's window.
inline void lrn_planes(const Shape& s, std::int64_t nsize, auto&& f) {
  const std::int64_t N = s[0], C = s[1], h = nsize / 2;
  host::ThreadPool::instance().run(static_cast<std::size_t>(N * C), [&](std::size_t p) {
    const std::int64_t n = std::int64_t(p) / C, c = std::int64_t(p) % C;
    f(n, c, std::max<std::int64_t>(c - h, 0), std::min(c + h + 1, C));
  });
}
}  // namespace norm_detail

class LRNBackward final : public norm_detail::Backward {
 public:
  ~LRNBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LRNBackward(LRNParam p)
      : Backward("_backward_LRN", {"ograd", "data", "tmp_norm"}, {"data_grad"}), p_(std::move(p)) {}
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const Shape& s = in[1].shape();
    const std::int64_t C = s[1], S = s[2] * s[3];
    const double k = 2 * p_.alpha * p_.beta / double(p_.nsize);
    dispatch_float(in[0].dtype(), "LRN", [&](auto t) {
      using T = decltype(t);
      const T *dy = in[0].data<T>(), *x = in[1].data<T>(), *tn = in[2].data<T>();
      T* dx = out[0].data<T>();
      norm_detail::lrn_planes(
          s, p_.nsize, [&](std::int64_t n, std::int64_t c, std::int64_t j0, std::int64_t j1) {
            const std::int64_t o = (n * C + c) * S;
            for (std::int64_t i = 0; i < S; ++i) {
              double acc = 0;
              for (std::int64_t j = j0; j < j1; ++j) {
                const std::int64_t q = (n * C + j) * S + i;
                acc += double(dy[q]) * double(x[q]) * std::pow(double(tn[q]), -p_.beta - 1);
              }
              norm_detail::put(
                  dx[o + i],
                  double(dy[o + i]) * std::pow(double(tn[o + i]), -p_.beta) - k * double(x[o + i]) * acc,
                  req[0]);
            }
          });
    });
  }

 private:
  LRNParam p_;
};

class LRN final : public ParamOp<LRNParam, "LRN"> {
 public:
  ~LRN() override;  // the key function: vtable and kernels are compiled with the unit
  explicit LRN(LRNParam p) : ParamOp(std::move(p)) { check(); }
  explicit LRN(const AttrMap& m) : ParamOp(m) { check(); }
  std::vector<std::string> outputs() const override { return {"output", "tmp_norm"}; }
  std::size_t num_visible_outputs() const override { return 1; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_in(0, c.out(0), "the output");
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() != 4)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has rank " + std::to_string(d.ndim()) +
                     "; LRN needs 4-d data (batch, channel, height, width)");
    if (d.dim_known(1) && d[1] < p_.nsize)
      ShapeCtx::fail(c.in_name(0) + " " + d.str() + " has " + std::to_string(d[1]) +
                     " channels, fewer than nsize=" + std::to_string(p_.nsize) +
                     "; use an nsize of at most the channel count");
    c.assign_out(0, d);
    c.assign_out(1, d);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b =
        grad_node(std::make_shared<LRNBackward>(p_), n, "backward", {og[0], n->inputs[0], out_entry(n, 1)});
    return {out_entry(b, 0)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const Shape& s = in[0].shape();
    const std::int64_t C = s[1], S = s[2] * s[3];
    const double scale = p_.alpha / double(p_.nsize);
    dispatch_float(in[0].dtype(), "LRN", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T *y = out[0].data<T>(), *tn = out[1].data<T>();
      norm_detail::lrn_planes(
          s, p_.nsize, [&](std::int64_t n, std::int64_t c, std::int64_t j0, std::int64_t j1) {
            const std::int64_t o = (n * C + c) * S;
            for (std::int64_t i = 0; i < S; ++i) {
              double acc = 0;
              for (std::int64_t j = j0; j < j1; ++j)
                acc += double(x[(n * C + j) * S + i]) * double(x[(n * C + j) * S + i]);
              const double v = p_.knorm + scale * acc;
              tn[o + i] = T(v);
              if (req[0] != OpReq::null)
                norm_detail::put(y[o + i], double(x[o + i]) * std::pow(v, -p_.beta), req[0]);
            }
          });
    });
  }

 private:
  // The bounds are in the table; the window is centred on each channel.
  void check() const {
    if (p_.nsize % 2 == 0)
      throw ValueError("LRN: nsize must be odd (the window is centred on each channel), got " +
                       std::to_string(p_.nsize));
  }
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LRN)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol lrn(const Symbol& data, const LRNOptions& o) {
  return compose(std::make_shared<ops::LRN>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol LRN(const Symbol& data, const LRNOptions& o) { return lrn(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LRN)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_lrn(OpTable& t) { t["LRN"] = reg::with_attrs<LRN>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_LRN)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE LRNBackward::~LRNBackward() = default;
SYMGRAD_INLINE LRN::~LRN() = default;
}  // namespace SYMGRAD_NS::ops
#endif
