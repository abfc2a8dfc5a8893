// Operators and kernels of ops/dropout.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <utility>

#include "../cpu/strided.hpp"
#include "../cuda/bodies_nn.hpp"
#include "dropout.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<DropoutParam> =
    std::tuple{field("p", &DropoutParam::p).within(0, 1), field("mode", &DropoutParam::mode),
               field("axes", &DropoutParam::axes), field("cudnn_off", &DropoutParam::cudnn_off)};

using cuda::uniform_at;

class DropoutBackward final : public Operator {
 public:
  ~DropoutBackward() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_Dropout"; }
  std::vector<std::string> arguments() const override { return {"ograd", "mask"}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(in[0].dtype(), "Dropout", [&](auto t) {
      using T = decltype(t);
      const T *g = in[0].data<T>(), *m = in[1].data<T>();
      T* dx = out[0].data<T>();
      for_each_req<T>(req[0], static_cast<std::size_t>(in[0].size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(dx + i, host::load<V>(g + i) * host::load<V>(m + i));
      });
    });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    cuda::binary(ctx.ctx.device_id, in[0].dtype(), cuda::BinaryOp::mul, in[0].size(), in[0].raw_data(),
                 in[1].raw_data(), 0.0, out[0].raw_data(), req[0]);
  }
#endif
};  // the same draws on the CPU and the GPU

class Dropout final : public ParamOp<DropoutParam, "Dropout"> {
 public:
  ~Dropout() override;  // the key function: vtable and kernels are compiled with the unit
  using ParamOp::ParamOp;
  std::vector<std::string> outputs() const override { return {"output", "mask"}; }
  std::size_t num_visible_outputs() const override { return 1; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {
        out_entry(grad_node(std::make_shared<DropoutBackward>(), n, "backward", {og[0], out_entry(n, 1)}))};
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const bool active = (ctx.is_train || (p_.mode == DropoutMode::always)) && p_.p > 0;
    dispatch_float(in[0].dtype(), "Dropout", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      T* mask = out[1].data<T>();
      const std::int64_t n = in[0].size();
      if (!active) {
        std::fill_n(mask, n, T(1));
        copy_req(in[0], out[0], req[0]);
        return;
      }
      const T scale = static_cast<T>(scale_of());
      // Counter-based draws: element k's draw is a hash of (a per-call base, k), so the mask
      // needs no buffer and does not depend on how the loop is split.
      const std::uint64_t base = ctx.rng->next();
      auto keep = [&](std::uint64_t k) { return uniform_at(base, k) >= p_.p ? scale : T(0); };
      if (p_.axes.empty()) {
        for (std::int64_t i = 0; i < n; ++i) mask[i] = keep(static_cast<std::uint64_t>(i));
      } else {  // one draw per position of the non-shared axes, broadcast along `axes`
        const Shape& s = in[0].shape();
        Shape drawn = s;
        for (auto a : p_.axes) drawn[static_cast<int>(a < 0 ? a + s.ndim() : a)] = 1;
        auto st = host::broadcast_strides(drawn, s);
        host::StridedLoop<2> loop(s, {host::contiguous_strides(s), st});
        const std::int64_t is = loop.inner_stride(1);
        loop.for_each_row([&](const std::array<std::int64_t, 2>& off, std::int64_t cnt) {
          for (std::int64_t j = 0; j < cnt; ++j)
            mask[off[0] + j] = keep(static_cast<std::uint64_t>(off[1] + j * is));
        });
      }
      for_each_req<T>(req[0], static_cast<std::size_t>(n), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(y + i, host::load<V>(x + i) * host::load<V>(mask + i));
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  // The same masks as forward() for the same generator state.
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (!((ctx.is_train || (p_.mode == DropoutMode::always)) && p_.p > 0)) {
      out[1].fill(1.0);
      copy_req(in[0], out[0], req[0]);
      return;
    }
    cuda::StridedIndex ix;  // ndim 0: the counter is the element's index
    if (!p_.axes.empty()) {
      const Shape& s = in[0].shape();
      on_gpu::check_rank(s.ndim(), "Dropout");
      Shape drawn = s;
      for (auto a : p_.axes) drawn[static_cast<int>(a < 0 ? a + s.ndim() : a)] = 1;
      auto st = host::broadcast_strides(drawn, s);
      ix.ndim = s.ndim();
      for (int d = 0; d < s.ndim(); ++d)
        ix.shape[d] = s[d], ix.src_stride[d] = st[static_cast<std::size_t>(d)];
    }
    const std::uint64_t base = ctx.rng->next();
    cuda::dropout(ctx.ctx.device_id, in[0].dtype(), ix, in[0].size(), in[0].raw_data(), out[0].raw_data(),
                  out[1].raw_data(), base, p_.p, scale_of(), req[0]);
  }
#endif

 private:
  double scale_of() const { return p_.p >= 1 ? 0.0 : 1.0 / (1.0 - p_.p); }
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DROPOUT)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol dropout(const Symbol& data, const DropoutOptions& o) {
  return compose(std::make_shared<ops::Dropout>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol Dropout(const Symbol& data, const DropoutOptions& o) { return dropout(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DROPOUT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_dropout(OpTable& t) { t["Dropout"] = reg::with_attrs<Dropout>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_DROPOUT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE DropoutBackward::~DropoutBackward() = default;
SYMGRAD_INLINE Dropout::~Dropout() = default;
}  // namespace SYMGRAD_NS::ops
#endif
