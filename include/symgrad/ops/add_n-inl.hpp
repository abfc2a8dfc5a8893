// add_n (ElementWiseSum), _copy and zeros_like (ops/elemwise.hpp): the operators the gradient
// pass adds (sums of gradient entries, copies of shared ones, zeros for unreached arguments),
// and copy_req, which identity-like operators use on any device.
#pragma once
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "../cpu/simd.hpp"
#include "elemwise.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

using host::for_each_req;

// Sum of n inputs (gradient accumulation); MXNet's add_n / ElementWiseSum.
class AddN final : public Operator {
 public:
  ~AddN() override;  // the key function: vtable and kernels are compiled with the unit
  explicit AddN(std::size_t n) : n_(n) {}
  std::string type_name() const override { return "add_n"; }
  std::string name_hint() const override { return "_grad_add"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a;
    for (std::size_t i = 0; i < n_; ++i) a.push_back("arg" + std::to_string(i));
    return a;
  }
  AttrMap attrs() const override { return {{"num_args", std::to_string(n_)}}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>& og) const override {
    return std::vector<NodeEntry>(n_, og[0]);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(out[0].dtype(), "add_n", [&](auto t) {
      using T = decltype(t);
      T* y = out[0].data<T>();
      const T* a = in[0].data<T>();
      const T* b = in[1].data<T>();
      for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()), [&]<OpReq R, class V>(std::size_t i) {
        host::store_req<R>(y + i, host::load<V>(a + i) + host::load<V>(b + i));
      });
      for (std::size_t k = 2; k < in.size(); ++k) {
        const T* c = in[k].data<T>();
        for_each_req<T>(
            OpReq::add, static_cast<std::size_t>(out[0].size()),
            [&]<OpReq R, class V>(std::size_t i) { host::store_req<R>(y + i, host::load<V>(c + i)); });
      }
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    std::vector<const void*> xs;
    for (const auto& a : in) xs.push_back(a.raw_data());
    cuda::sum_n(ctx.ctx.device_id, out[0].dtype(), out[0].size(), xs.data(), static_cast<int>(xs.size()),
                out[0].raw_data(), req[0]);
  }
#endif

 private:
  std::size_t n_;
};

// Copies its input (with the output's request); used to deliver a shared gradient entry.
class Copy final : public Operator {
 public:
  ~Copy() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_copy"; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>& og) const override {
    return {og[0]};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;
  SYMGRAD_FORWARD_ON_ANY_DEVICE
};

// Copy with a request, for any dtype and device (identity forwards and Copy use it).
inline void copy_req(const NDArray& src, const NDArray& dst, OpReq req) {
  if (req == OpReq::null) return;
  if (req == OpReq::write) {
    if (!src.same_storage(dst))
      device::copy(dst.raw_data(), dst.context(), src.raw_data(), src.context(), src.nbytes());
    return;
  }
#if SYMGRAD_WITH_CUDA
  if (dst.context().device_type == DeviceType::gpu) {
    cuda::binary(dst.context().device_id, dst.dtype(), cuda::BinaryOp::add, dst.size(), dst.raw_data(),
                 src.raw_data(), 0.0, dst.raw_data(), OpReq::write);
    return;
  }
#endif
  dispatch_dtype(src.dtype(), [&](auto t) {
    using T = decltype(t);
    const T* s = src.data<T>();
    T* d = dst.data<T>();
    for_each_req<T>(OpReq::add, static_cast<std::size_t>(src.size()), [&]<OpReq R, class V>(std::size_t i) {
      host::store_req<R>(d + i, host::load<V>(s + i));
    });
  });
}
inline void Copy::forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                          std::span<const OpReq> req) const {
  copy_req(in[0], out[0], req[0]);
}

// Fills its output with zeros (the gradient of an argument nothing flows to).
class ZerosLike final : public Operator {
 public:
  ~ZerosLike() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "zeros_like"; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  bool takes_float16() const override { return true; }  // zero bytes are 0.0 in every dtype
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    return {NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray>, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray>, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    if (req[0] == OpReq::write) device::zero(out[0].context(), out[0].raw_data(), out[0].nbytes());
  }
#endif
};

namespace reg {
inline OpPtr add_n(const AttrMap& m, std::size_t n) {
  attr::Reader r("add_n", m);
  std::int64_t k = static_cast<std::int64_t>(n);
  r.get("num_args", k);
  r.finish();
  if (k < 1 || static_cast<std::size_t>(k) != n)
    throw ValueError("add_n: num_args=" + std::to_string(k) + " but the node has " + std::to_string(n) +
                     " inputs");
  return std::make_shared<AddN>(n);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ADD_N)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_add_n(OpTable& t) {
  t["add_n"] = reg::add_n;
  t["ElementWiseSum"] = reg::add_n;
  t["_copy"] = reg::plain<Copy>;
  t["zeros_like"] = reg::plain<ZerosLike>;
}
// Key functions (see the classes above).
SYMGRAD_INLINE AddN::~AddN() = default;
SYMGRAD_INLINE Copy::~Copy() = default;
SYMGRAD_INLINE ZerosLike::~ZerosLike() = default;
}  // namespace SYMGRAD_NS::ops
#endif
