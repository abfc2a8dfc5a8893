// Operators and kernels of ops/fully_connected.hpp.
#pragma once
#include <algorithm>
#include <memory>
#include <span>
#include <tuple>
#include <utility>

#include "../symbol/compose.hpp"
#include "device_kernels-inl.hpp"
#include "fully_connected.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"
#include "with_weights.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<FullyConnectedParam> = std::tuple{
    field("num_hidden", &FullyConnectedParam::num_hidden).required().at_least(1),
    field("no_bias", &FullyConnectedParam::no_bias), field("flatten", &FullyConnectedParam::flatten)};

class FullyConnectedBackward final : public WithWeightsBackward<FullyConnectedParam> {
  enum In : std::size_t { ograd, data, weight };
  enum Out : std::size_t { data_grad, weight_grad, bias_grad };

 public:
  ~FullyConnectedBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit FullyConnectedBackward(FullyConnectedParam p) : WithWeightsBackward(std::move(p)) {}
  std::string type_name() const override { return "_backward_FullyConnected"; }
  // One path for every device (ops/device_kernels.hpp).
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const NDArray &dy = in[ograd], &x = in[data], &w = in[weight];
    const std::int64_t H = p_.num_hidden, M = dy.size() / H, D = w.shape()[1];
    auto beta = [&](std::size_t i) { return req[i] == OpReq::add ? 1.0 : 0.0; };
    if (req[data_grad] != OpReq::null)  // dX (M,D) = dY (M,H) · W (H,D)
      dev::gemm(out[data_grad], false, false, M, D, H, dy.raw_data(), H, w.raw_data(), D, beta(data_grad),
                out[data_grad].raw_data(), D);
    if (req[weight_grad] != OpReq::null)  // dW (H,D) = dYᵀ (H,M) · X (M,D)
      dev::gemm(out[weight_grad], true, false, H, D, M, dy.raw_data(), H, x.raw_data(), D, beta(weight_grad),
                out[weight_grad].raw_data(), D);
    if (!p_.no_bias) dev::sum_channel_bias(dy, out[bias_grad], M, H, 1, req[bias_grad]);  // db = Σ rows of dY
  }
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};

class FullyConnected final
    : public WithWeights<FullyConnectedParam, "FullyConnected", FullyConnectedBackward> {
  enum In : std::size_t { data, weight, bias };

 public:
  ~FullyConnected() override;  // the key function: vtable and kernels are compiled with the unit
  using WithWeights::WithWeights;
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
  // One path for every device (ops/device_kernels.hpp): y starts from the bias (written, or
  // added for req add), then y += X Wᵀ.
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray &x = in[data], &w = in[weight];
    const std::int64_t H = p_.num_hidden, D = w.shape()[1], M = x.size() / D;
    double beta = req[0] == OpReq::add ? 1.0 : 0.0;
    if (!p_.no_bias) {
      dev::channel_bias(out[0], in[bias], M, H, 1, req[0]);
      beta = 1.0;
    }
    dev::gemm(out[0], false, true, M, H, D, x.raw_data(), D, w.raw_data(), D, beta, out[0].raw_data(), H);
  }
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_FULLY_CONNECTED)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol fully_connected(const Symbol& data, const Symbol& weight, const Symbol& bias,
                                      const FullyConnectedOptions& o) {
  return ops::compose_with_weights<ops::FullyConnected>(o, data, weight, bias);
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
