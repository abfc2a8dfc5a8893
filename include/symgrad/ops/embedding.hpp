// Embedding(data, weight; input_dim, output_dim, dtype=float32, sparse_grad=False): rows of
//   weight (input_dim, output_dim) picked by the indices in data; output data.shape + (output_dim,).
//   An index outside [0, input_dim) is an error naming the value and its position (MXNet clips
//   silently). Gradient: rows of dy added into the weight's gradient (repeated indices
//   accumulate); the indices get none, and need no gradient array.
#pragma once
#include <memory>

#include "elemwise.hpp"

namespace symgrad {
namespace ops {

struct EmbeddingParam {
  std::int64_t input_dim = 0;
  std::int64_t output_dim = 0;
  DType dtype = DType::float32;
  bool sparse_grad = false;
};

struct EmbeddingShapes {
  Shape out = Shape::unknown(), weight = Shape::unknown();
};
constexpr EmbeddingShapes embedding_rule(const Shape& data, const EmbeddingParam& p) {
  EmbeddingShapes r;
  r.weight = Shape{p.input_dim, p.output_dim};
  if (!data.rank_known()) return r;
  Shape out = data;
  out.push_back(p.output_dim);
  r.out = out;
  return r;
}

// Checks every index and returns them as row numbers; the message names the first bad one.
template <class I>
void check_indices(const I* idx, std::int64_t n, std::int64_t limit, const char* what) {
  for (std::int64_t i = 0; i < n; ++i) {
    double v = static_cast<double>(idx[i]);
    if (!(v >= 0) || v >= static_cast<double>(limit) || v != std::floor(v))
      throw KernelInputError{std::string(what) + " holds " + attr::format_number(v) + " at flat position " + std::to_string(i) +
                             ", outside [0, " + std::to_string(limit) + ") (input_dim=" + std::to_string(limit) +
                             "); indices must be whole numbers below input_dim"};
  }
}

class EmbeddingBackward final : public Operator {
 public:
  explicit EmbeddingBackward(EmbeddingParam p) : p_(p) {}
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
    cuda::embedding_grad(ctx.ctx.device_id, in[0].dtype(), in[1].dtype(), in[1].size(), p_.input_dim, p_.output_dim,
                         in[1].raw_data(), in[0].raw_data(), out[0].raw_data(), req[0]);
  }
#endif
 private:
  EmbeddingParam p_;
};

class Embedding final : public Operator {
 public:
  explicit Embedding(EmbeddingParam p) : p_(p) { check(); }
  explicit Embedding(const AttrMap& m) {
    attr::Reader r("Embedding", m);
    r.get("input_dim", p_.input_dim);
    r.get("output_dim", p_.output_dim);
    std::string dt = "float32";
    r.get("dtype", dt);
    p_.dtype = dtype_from_name(dt);
    r.get("sparse_grad", p_.sparse_grad);
    r.finish();
    check();
  }
  std::string type_name() const override { return "Embedding"; }
  std::vector<std::string> arguments() const override { return {"data", "weight"}; }
  AttrMap attrs() const override {
    AttrMap m{{"input_dim", attr::format(p_.input_dim)}, {"output_dim", attr::format(p_.output_dim)}};
    if (p_.dtype != DType::float32) m["dtype"] = std::string(dtype_name(p_.dtype));
    if (p_.sparse_grad) m["sparse_grad"] = attr::format(true);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    auto r = embedding_rule(c.in(0), p_);
    c.assign_in(1, r.weight, "input_dim=" + std::to_string(p_.input_dim) + ", output_dim=" + std::to_string(p_.output_dim));
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
          if (req[0] == OpReq::write) std::copy_n(row, D, y + i * D);
          else for (std::int64_t j = 0; j < D; ++j) y[i * D + j] += row[j];
        }
      });
    });
  }
  const EmbeddingParam& param() const { return p_; }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    bool ok = cuda::embedding(ctx.ctx.device_id, in[1].dtype(), in[0].dtype(), in[0].size(), p_.input_dim,
                              p_.output_dim, in[0].raw_data(), in[1].raw_data(), out[0].raw_data(), req[0]);
    if (!ok)
      throw KernelInputError{"data holds an index that is not an integer in [0, " + std::to_string(p_.input_dim) +
                             ") (input_dim)"};
  }
#endif
 private:
  void check() const {
    if (p_.input_dim < 1 || p_.output_dim < 1)
      throw ValueError("Embedding: input_dim and output_dim must be at least 1 (got " + std::to_string(p_.input_dim) +
                       ", " + std::to_string(p_.output_dim) + ")");
  }
  EmbeddingParam p_;
};

}  // namespace ops

namespace sym {
struct EmbeddingOptions {
  std::int64_t input_dim;
  std::int64_t output_dim;
  DType dtype = DType::float32;
  bool sparse_grad = false;
  std::string name = {};
};
inline Symbol embedding(const Symbol& data, const Symbol& weight, const EmbeddingOptions& o) {
  return compose(std::make_shared<ops::Embedding>(ops::EmbeddingParam{o.input_dim, o.output_dim, o.dtype, o.sparse_grad}),
                 {data, weight}, o.name);
}
inline Symbol embedding(const Symbol& data, const EmbeddingOptions& o) { return embedding(data, Symbol(), o); }
inline Symbol Embedding(const Symbol& data, const EmbeddingOptions& o) { return embedding(data, o); }
}  // namespace sym
}  // namespace symgrad

#include "fused.hpp"

namespace symgrad {
namespace ops {
template <class A, std::int64_t In, std::int64_t Out>
struct EmbeddingOut {
  static constexpr Shape value = embedding_rule(A::shape, {In, Out, DType::float32, false}).out;
};
}  // namespace ops
namespace why {
struct embedding_dims_must_be_positive;
}
namespace sym {
// Typed: embedding<input_dim, output_dim>(indices) has the static shape indices + (output_dim,).
template <std::int64_t InputDim, std::int64_t OutputDim, Typed A>
auto embedding(const A& data, std::string_view name = {}) {
  if constexpr (InputDim < 1 || OutputDim < 1) {
    static_shape_error<ops::Embedding, why::embedding_dims_must_be_positive, typename A::shape_type,
                       StaticShape<InputDim, OutputDim>>::raise();
  } else {
    return TSym<to_static_t<ops::EmbeddingOut<A, InputDim, OutputDim>>>(
        embedding(Symbol(data), {.input_dim = InputDim, .output_dim = OutputDim, .name = std::string(name)}));
  }
}
}  // namespace sym
}  // namespace symgrad
