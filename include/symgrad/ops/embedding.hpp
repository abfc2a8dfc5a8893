// Embedding(data, weight; input_dim, output_dim, dtype=float32, sparse_grad=False): rows of
//   weight (input_dim, output_dim) picked by the indices in data; output data.shape + (output_dim,).
//   An index outside [0, input_dim) is an error naming the value and its position (MXNet clips
//   silently). Gradient: rows of dy added into the weight's gradient (repeated indices
//   accumulate); the indices get none, and need no gradient array.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::EmbeddingOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/embedding-inl.hpp.
struct EmbeddingParam {
  std::int64_t input_dim = 0;
  std::int64_t output_dim = 0;
  DType dtype = DType::float32;
  bool sparse_grad = false;
  std::string name = {};
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
// Operator classes (ops/embedding-inl.hpp).
class EmbeddingBackward;
class Embedding;

}  // namespace ops

namespace sym {

using EmbeddingOptions = ops::EmbeddingParam;
Symbol embedding(const Symbol& data, const Symbol& weight, const EmbeddingOptions& o);
Symbol embedding(const Symbol& data, const EmbeddingOptions& o);
Symbol Embedding(const Symbol& data, const EmbeddingOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
template <class A, std::int64_t In, std::int64_t Out>
struct EmbeddingOut {
  static constexpr Shape value = embedding_rule(A::shape, {.input_dim = In, .output_dim = Out}).out;
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
}  // namespace SYMGRAD_NS
