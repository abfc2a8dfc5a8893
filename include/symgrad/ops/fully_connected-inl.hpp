// Operators and kernels of ops/fully_connected.hpp.
#pragma once
#include <algorithm>
#include <memory>
#include <span>
#include <tuple>
#include <utility>

#include "../cpu/gemm.hpp"
#include "../symbol/compose.hpp"
#include "fully_connected.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<FullyConnectedParam> = std::tuple{
    field("num_hidden", &FullyConnectedParam::num_hidden).required().at_least(1),
    field("no_bias", &FullyConnectedParam::no_bias), field("flatten", &FullyConnectedParam::flatten)};

class FullyConnectedBackward final : public Operator {
 public:
  ~FullyConnectedBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit FullyConnectedBackward(FullyConnectedParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_FullyConnected"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "weight"}; }
  std::vector<std::string> outputs() const override {
    if (p_.no_bias) return {"data_grad", "weight_grad"};
    return {"data_grad", "weight_grad", "bias_grad"};
  }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(1));
    c.assign_out(1, c.in(2));
    if (!p_.no_bias) c.assign_out(2, Shape{p_.num_hidden});
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const NDArray &dy = in[0], &x = in[1], &w = in[2];
    std::int64_t H = p_.num_hidden, M = dy.size() / H, D = w.shape()[1];
    dispatch_float(dy.dtype(), "FullyConnected", [&](auto t) {
      using T = decltype(t);
      if (req[0] != OpReq::null)  // dX (M,D) = dY (M,H) · W (H,D)
        host::gemm<T>(false, false, M, D, H, T(1), dy.data<T>(), H, w.data<T>(), D,
                      req[0] == OpReq::add ? T(1) : T(0), out[0].data<T>(), D);
      if (req[1] != OpReq::null)  // dW (H,D) = dYᵀ (H,M) · X (M,D)
        host::gemm<T>(true, false, H, D, M, T(1), dy.data<T>(), H, x.data<T>(), D,
                      req[1] == OpReq::add ? T(1) : T(0), out[1].data<T>(), D);
      if (!p_.no_bias && req[2] != OpReq::null) {  // db = Σ rows of dY
        T* db = out[2].data<T>();
        if (req[2] == OpReq::write) std::fill_n(db, H, T(0));
        const T* g = dy.data<T>();
        for (std::int64_t i = 0; i < M; ++i) {
          const T* row = g + i * H;
          std::int64_t j = 0;
          if constexpr (host::has_simd<T>) {
            constexpr auto L = static_cast<std::int64_t>(host::lanes<T>());
            for (; j + L <= H; j += L)
              (host::Batch<T>::load_unaligned(db + j) + host::Batch<T>::load_unaligned(row + j))
                  .store_unaligned(db + j);
          }
          for (; j < H; ++j) db[j] += row[j];
        }
      }
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const NDArray &dy = in[0], &x = in[1], &w = in[2];
    const int dev = ctx.ctx.device_id;
    const DType t = dy.dtype();
    std::int64_t H = p_.num_hidden, M = dy.size() / H, D = w.shape()[1];
    if (req[0] != OpReq::null)  // dX (M,D) = dY (M,H) · W (H,D)
      cuda::gemm(dev, t, false, false, M, D, H, 1.0, dy.raw_data(), H, w.raw_data(), D,
                 req[0] == OpReq::add ? 1.0 : 0.0, out[0].raw_data(), D);
    if (req[1] != OpReq::null)  // dW (H,D) = dYᵀ (H,M) · X (M,D)
      cuda::gemm(dev, t, true, false, H, D, M, 1.0, dy.raw_data(), H, x.raw_data(), D,
                 req[1] == OpReq::add ? 1.0 : 0.0, out[1].raw_data(), D);
    if (!p_.no_bias && req[2] != OpReq::null) {  // db = Σ rows of dY
      cuda::ReduceIndex ix;
      ix.nkept = 1, ix.kept_shape[0] = H, ix.kept_stride[0] = 1;
      ix.nred = 1, ix.red_shape[0] = M, ix.red_stride[0] = H, ix.red_size = M;
      cuda::reduce(dev, t, cuda::ReduceOp::sum, ix, H, dy.raw_data(), out[2].raw_data(), 1.0, req[2]);
    }
  }
#endif
 private:
  FullyConnectedParam p_;
};

class FullyConnected final : public Operator {
 public:
  ~FullyConnected() override;  // the key function: vtable and kernels are compiled with the unit
  explicit FullyConnected(FullyConnectedParam p) : p_(std::move(p)) { check_params("FullyConnected", p_); }
  explicit FullyConnected(const AttrMap& m) : p_(read_params<FullyConnectedParam>("FullyConnected", m)) {}
  const FullyConnectedParam& param() const { return p_; }
  std::string type_name() const override { return "FullyConnected"; }
  std::vector<std::string> arguments() const override {
    if (p_.no_bias) return {"data", "weight"};
    return {"data", "weight", "bias"};
  }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    Shape data = c.in(0);
    if (data.rank_known() && c.out(0).rank_known() && c.out(0).ndim() >= 1 && !data.dim_known(0)) {
      // The batch dimension flows back from the output.
      if (p_.flatten)
        data[0] = c.out(0)[0];
      else
        for (int i = 0; i + 1 < data.ndim() && i + 1 < c.out(0).ndim(); ++i)
          if (!data.dim_known(i)) data[i] = c.out(0)[i];
      c.assign_in(0, data);
    }
    auto r = fully_connected_rule(c.in(0), p_);
    if (r.error) ShapeCtx::fail(c.in_name(0) + ": " + r.error);
    c.assign_in(1, r.weight,
                "num_hidden=" + std::to_string(p_.num_hidden) + " and the data shape " + c.in(0).str());
    if (!p_.no_bias) c.assign_in(2, r.bias, "num_hidden=" + std::to_string(p_.num_hidden));
    c.assign_out(0, r.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<FullyConnectedBackward>(p_), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1]});
    std::vector<NodeEntry> g{out_entry(b, 0), out_entry(b, 1)};
    if (!p_.no_bias) g.push_back(out_entry(b, 2));
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const NDArray &x = in[0], &w = in[1];
    std::int64_t H = p_.num_hidden, D = w.shape()[1], M = x.size() / D;
    dispatch_float(x.dtype(), "FullyConnected", [&](auto t) {
      using T = decltype(t);
      T* y = out[0].data<T>();
      T beta = req[0] == OpReq::add ? T(1) : T(0);
      if (!p_.no_bias && req[0] == OpReq::write) {  // start from the bias: one pass less
        const T* b = in[2].data<T>();
        for (std::int64_t i = 0; i < M; ++i) std::copy_n(b, H, y + i * H);
        beta = T(1);
      } else if (!p_.no_bias) {
        const T* b = in[2].data<T>();
        for (std::int64_t i = 0; i < M; ++i)
          for (std::int64_t j = 0; j < H; ++j) y[i * H + j] += b[j];
      }
      host::gemm<T>(false, true, M, H, D, T(1), x.data<T>(), D, w.data<T>(), D, beta, y, H);
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray &x = in[0], &w = in[1];
    const int dev = ctx.ctx.device_id;
    std::int64_t H = p_.num_hidden, D = w.shape()[1], M = x.size() / D;
    // y (+)= X Wᵀ, then y += bias in place (each element read and written by one thread)
    cuda::gemm(dev, x.dtype(), false, true, M, H, D, 1.0, x.raw_data(), D, w.raw_data(), D,
               req[0] == OpReq::add ? 1.0 : 0.0, out[0].raw_data(), H);
    if (!p_.no_bias) on_gpu::add_channel_bias(dev, out[0], in[2], M, H, 1);
  }
#endif
 private:
  FullyConnectedParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_FULLY_CONNECTED)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol fully_connected(const Symbol& data, const Symbol& weight, const Symbol& bias,
                                      const FullyConnectedOptions& o) {
  auto op = std::make_shared<ops::FullyConnected>(o);
  if (o.no_bias) return compose(op, {data, weight}, o.name);
  return compose(op, {data, weight, bias}, o.name);
}
SYMGRAD_INLINE Symbol fully_connected(const Symbol& data, const FullyConnectedOptions& o) {
  return fully_connected(data, Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol FullyConnected(const Symbol& data, const FullyConnectedOptions& o) {
  return fully_connected(data, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_FULLY_CONNECTED)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_fully_connected(OpTable& t) {
  t["FullyConnected"] = reg::with_attrs<FullyConnected>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_FULLY_CONNECTED)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE FullyConnectedBackward::~FullyConnectedBackward() = default;
SYMGRAD_INLINE FullyConnected::~FullyConnected() = default;
}  // namespace SYMGRAD_NS::ops
#endif
