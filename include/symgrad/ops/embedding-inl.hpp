// Operators and kernels of ops/embedding.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <span>

#include "elemwise-inl.hpp"
#include "embedding.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<EmbeddingParam> =
    std::tuple{field("input_dim", &EmbeddingParam::input_dim).required().at_least(1),
               field("output_dim", &EmbeddingParam::output_dim).required().at_least(1),
               field("dtype", &EmbeddingParam::dtype), field("sparse_grad", &EmbeddingParam::sparse_grad)};

// Checks every index and returns them as row numbers; the message names the first bad one.
template <class I>
void check_indices(const I* idx, std::int64_t n, std::int64_t limit, const char* what) {
  for (std::int64_t i = 0; i < n; ++i) {
    double v = static_cast<double>(idx[i]);
    if (!(v >= 0) || v >= static_cast<double>(limit) || v != std::floor(v))
      throw KernelInputError{std::string(what) + " holds " + attr::format_number(v) + " at flat position " +
                             std::to_string(i) + ", outside [0, " + std::to_string(limit) + ") (input_dim=" +
                             std::to_string(limit) + "); indices must be whole numbers below input_dim"};
  }
}

class EmbeddingBackward final : public Operator {
 public:
  ~EmbeddingBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit EmbeddingBackward(EmbeddingParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_Embedding"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  std::vector<std::string> outputs() const override { return {"weight_grad"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, Shape{p_.input_dim, p_.output_dim}); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    const std::int64_t D = p_.output_dim;
    dispatch_dtype(in[1].dtype(), [&](auto ti) {
      dispatch_float(in[0].dtype(), "Embedding", [&](auto t) {
        using T = decltype(t);
        using I = decltype(ti);
        const I* idx = in[1].data<I>();
        const T* g = in[0].data<T>();
        T* dw = out[0].data<T>();
        const std::int64_t n = in[1].size();
        check_indices(idx, n, p_.input_dim, "data");
        for (std::int64_t i = 0; i < n; ++i) {
          T* row = dw + static_cast<std::int64_t>(idx[i]) * D;
          const T* src = g + i * D;
          for (std::int64_t j = 0; j < D; ++j) row[j] += src[j];
        }
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    cuda::embedding_grad(ctx.ctx.device_id, in[0].dtype(), in[1].dtype(), in[1].size(), p_.input_dim,
                         p_.output_dim, in[1].raw_data(), in[0].raw_data(), out[0].raw_data(), req[0]);
  }
#endif
 private:
  EmbeddingParam p_;
};

class Embedding final : public ParamOp<EmbeddingParam, "Embedding"> {
 public:
  ~Embedding() override;  // the key function: vtable and kernels are compiled with the unit
  using ParamOp::ParamOp;
  std::vector<std::string> arguments() const override { return {"data", "weight"}; }
  void infer_shape(ShapeCtx& c) const override {
    auto r = embedding_rule(c.in(0), p_);
    c.assign_in(
        1, r.weight,
        "input_dim=" + std::to_string(p_.input_dim) + ", output_dim=" + std::to_string(p_.output_dim));
    c.assign_out(0, r.out);
  }
  void infer_type(TypeCtx& c) const override {
    c.assign_in(1, p_.dtype);
    c.assign_out(0, p_.dtype);
    if (!c.in(0)) c.assign_in(0, p_.dtype);
  }
  bool differentiable(std::size_t i) const override { return i == 1; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<EmbeddingBackward>(p_), n, "backward", {og[0], n->inputs[0]});
    return {NodeEntry{}, out_entry(b)};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const std::int64_t D = p_.output_dim;
    dispatch_dtype(in[0].dtype(), [&](auto ti) {
      dispatch_float(in[1].dtype(), "Embedding", [&](auto t) {
        using T = decltype(t);
        using I = decltype(ti);
        const I* idx = in[0].data<I>();
        const T* w = in[1].data<T>();
        T* y = out[0].data<T>();
        const std::int64_t n = in[0].size();
        check_indices(idx, n, p_.input_dim, "data");
        for (std::int64_t i = 0; i < n; ++i) {
          const T* row = w + static_cast<std::int64_t>(idx[i]) * D;
          if (req[0] == OpReq::write)
            std::copy_n(row, D, y + i * D);
          else
            for (std::int64_t j = 0; j < D; ++j) y[i * D + j] += row[j];
        }
      });
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    bool ok = cuda::embedding(ctx.ctx.device_id, in[1].dtype(), in[0].dtype(), in[0].size(), p_.input_dim,
                              p_.output_dim, in[0].raw_data(), in[1].raw_data(), out[0].raw_data(), req[0]);
    if (!ok)
      throw KernelInputError{"data holds an index that is not an integer in [0, " +
                             std::to_string(p_.input_dim) + ") (input_dim)"};
  }
#endif
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_EMBEDDING)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol embedding(const Symbol& data, const Symbol& weight, const EmbeddingOptions& o) {
  return compose(std::make_shared<ops::Embedding>(o), {data, weight}, o.name);
}
SYMGRAD_INLINE Symbol embedding(const Symbol& data, const EmbeddingOptions& o) {
  return embedding(data, Symbol(), o);
}
SYMGRAD_INLINE Symbol Embedding(const Symbol& data, const EmbeddingOptions& o) { return embedding(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_EMBEDDING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_embedding(OpTable& t) { t["Embedding"] = reg::with_attrs<Embedding>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_EMBEDDING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE EmbeddingBackward::~EmbeddingBackward() = default;
SYMGRAD_INLINE Embedding::~Embedding() = default;
}  // namespace SYMGRAD_NS::ops
#endif
