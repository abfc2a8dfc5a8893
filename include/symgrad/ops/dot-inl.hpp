// Operators and kernels of ops/dot.hpp.
#pragma once
#include <memory>
#include <span>

#include "../cpu/gemm.hpp"
#include "dot.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

template <class T>
void dot_gemm(const DotGeometry& g, bool ta, bool tb, const T* a, const T* b, T* c, OpReq req, bool a_is_km,
              bool b_is_nk) {
  // a: (M,K) or, when a_is_km, (K,M); b: (K,N) or, when b_is_nk, (N,K).
  const T beta = req == OpReq::add ? T(1) : T(0);
  const std::int64_t lda = a_is_km ? g.M : g.K, ldb = b_is_nk ? g.K : g.N;
  for (std::int64_t i = 0; i < g.batch; ++i)
    host::gemm<T>(ta, tb, g.M, g.N, g.K, T(1), a + i * g.M * g.K, lda, b + i * g.K * g.N, ldb, beta,
                  c + i * g.M * g.N, g.N);
}

class DotBackward final : public Operator {
 public:
  ~DotBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit DotBackward(DotParam p) : p_(p) {}
  std::string type_name() const override { return p_.batch ? "_backward_batch_dot" : "_backward_dot"; }
  std::vector<std::string> arguments() const override { return {"ograd", "lhs", "rhs"}; }
  std::vector<std::string> outputs() const override { return {"lhs_grad", "rhs_grad"}; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(1));
    c.assign_out(1, c.in(2));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    auto g = dot_rule(in[1].shape(), in[2].shape(), p_);
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T *dy = in[0].data<T>(), *l = in[1].data<T>(), *r = in[2].data<T>();
          const bool ta = p_.transpose_a, tb = p_.transpose_b;
          const T one(1);
          for (std::int64_t i = 0; i < g.batch; ++i) {
            const T* dyi = dy + i * g.M * g.N;
            const T* li = l + i * g.M * g.K;
            const T* ri = r + i * g.K * g.N;
            if (req[0] != OpReq::null) {
              T* dl = out[0].data<T>() + i * g.M * g.K;
              const T beta = req[0] == OpReq::add ? one : T(0);
              if (!ta)  // dL (M,K) = dY (M,N) · op(R)ᵀ
                host::gemm<T>(false, !tb, g.M, g.K, g.N, one, dyi, g.N, ri, tb ? g.K : g.N, beta, dl, g.K);
              else  // L is (K,M): dL = op(R) (K,N) · dYᵀ
                host::gemm<T>(tb, true, g.K, g.M, g.N, one, ri, tb ? g.K : g.N, dyi, g.N, beta, dl, g.M);
            }
            if (req[1] != OpReq::null) {
              T* dr = out[1].data<T>() + i * g.K * g.N;
              const T beta = req[1] == OpReq::add ? one : T(0);
              if (!tb)  // dR (K,N) = op(L)ᵀ (K,M) · dY
                host::gemm<T>(!ta, false, g.K, g.N, g.M, one, li, ta ? g.M : g.K, dyi, g.N, beta, dr, g.N);
              else  // R is (N,K): dR = dYᵀ (N,M) · op(L) (M,K)
                host::gemm<T>(true, ta, g.N, g.K, g.M, one, dyi, g.N, li, ta ? g.M : g.K, beta, dr, g.K);
            }
          }
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    auto g = dot_rule(in[1].shape(), in[2].shape(), p_);
    const int dev = ctx.ctx.device_id;
    const DType t = in[0].dtype();
    const bool ta = p_.transpose_a, tb = p_.transpose_b;
    const void *dy = in[0].raw_data(), *l = in[1].raw_data(), *r = in[2].raw_data();
    const std::int64_t MN = g.M * g.N, MK = g.M * g.K, KN = g.K * g.N;
    if (req[0] != OpReq::null) {
      double beta = req[0] == OpReq::add ? 1.0 : 0.0;
      if (!ta)
        cuda::gemm_batched(dev, t, false, !tb, g.M, g.K, g.N, 1.0, dy, g.N, MN, r, tb ? g.K : g.N, KN, beta,
                           out[0].raw_data(), g.K, MK, g.batch);
      else
        cuda::gemm_batched(dev, t, tb, true, g.K, g.M, g.N, 1.0, r, tb ? g.K : g.N, KN, dy, g.N, MN, beta,
                           out[0].raw_data(), g.M, MK, g.batch);
    }
    if (req[1] != OpReq::null) {
      double beta = req[1] == OpReq::add ? 1.0 : 0.0;
      if (!tb)
        cuda::gemm_batched(dev, t, !ta, false, g.K, g.N, g.M, 1.0, l, ta ? g.M : g.K, MK, dy, g.N, MN, beta,
                           out[1].raw_data(), g.N, KN, g.batch);
      else
        cuda::gemm_batched(dev, t, true, ta, g.N, g.K, g.M, 1.0, dy, g.N, MN, l, ta ? g.M : g.K, MK, beta,
                           out[1].raw_data(), g.K, KN, g.batch);
    }
  }
#endif
 private:
  DotParam p_;
};

class Dot final : public Operator {
 public:
  ~Dot() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Dot(DotParam p) : p_(p) {}
  explicit Dot(const AttrMap& m, bool batch) {
    p_.batch = batch;
    attr::Reader r(batch ? "batch_dot" : "dot", m);
    r.get("transpose_a", p_.transpose_a);
    r.get("transpose_b", p_.transpose_b);
    std::string stype;
    r.get("forward_stype", stype);
    r.finish();
  }
  std::string type_name() const override { return p_.batch ? "batch_dot" : "dot"; }
  std::vector<std::string> arguments() const override { return {"lhs", "rhs"}; }
  AttrMap attrs() const override {
    AttrMap m;
    if (p_.transpose_a) m["transpose_a"] = attr::format(true);
    if (p_.transpose_b) m["transpose_b"] = attr::format(true);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    auto g = dot_rule(c.in(0), c.in(1), p_);
    if (g.error)
      ShapeCtx::fail(std::string(g.error) + ": " + c.in_name(0) + " " + c.in(0).str() + ", " + c.in_name(1) +
                     " " + c.in(1).str() + (p_.transpose_a ? " (transpose_a)" : "") +
                     (p_.transpose_b ? " (transpose_b)" : ""));
    c.assign_out(0, g.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<DotBackward>(p_), n, "backward", {og[0], n->inputs[0], n->inputs[1]});
    return {out_entry(b, 0), out_entry(b, 1)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = dot_rule(in[0].shape(), in[1].shape(), p_);
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          dot_gemm<T>(g, p_.transpose_a, p_.transpose_b, in[0].data<T>(), in[1].data<T>(), out[0].data<T>(),
                      req[0], p_.transpose_a, p_.transpose_b);
        });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto g = dot_rule(in[0].shape(), in[1].shape(), p_);
    const bool ta = p_.transpose_a, tb = p_.transpose_b;
    cuda::gemm_batched(ctx.ctx.device_id, in[0].dtype(), ta, tb, g.M, g.N, g.K, 1.0, in[0].raw_data(),
                       ta ? g.M : g.K, g.M * g.K, in[1].raw_data(), tb ? g.K : g.N, g.K * g.N,
                       req[0] == OpReq::add ? 1.0 : 0.0, out[0].raw_data(), g.N, g.M * g.N, g.batch);
  }
#endif
 private:
  DotParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DOT)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol dot(const Symbol& lhs, const Symbol& rhs, const DotOptions& o) {
  return compose(std::make_shared<ops::Dot>(ops::DotParam{o.transpose_a, o.transpose_b, false}), {lhs, rhs},
                 o.name);
}
SYMGRAD_INLINE Symbol batch_dot(const Symbol& lhs, const Symbol& rhs, const DotOptions& o) {
  return compose(std::make_shared<ops::Dot>(ops::DotParam{o.transpose_a, o.transpose_b, true}), {lhs, rhs},
                 o.name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
template <bool Batch>
OpPtr dot(const AttrMap& m, std::size_t) {
  return std::make_shared<Dot>(m, Batch);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DOT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_dot(OpTable& t) {
  t["dot"] = reg::dot<false>;
  t["batch_dot"] = reg::dot<true>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DOT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE DotBackward::~DotBackward() = default;
SYMGRAD_INLINE Dot::~Dot() = default;
}  // namespace SYMGRAD_NS::ops
#endif
