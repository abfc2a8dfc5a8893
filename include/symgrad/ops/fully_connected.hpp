// FullyConnected(data, weight, bias; num_hidden, no_bias=False, flatten=True): Y = X·Wᵀ + b.
// Shape: flatten (N, d1..dk) -> (N, H), weight (H, d1·…·dk); else (x1..xm, D) -> (x1..xm, H),
// weight (H, D); bias (H,). Gradient: dX = dY·W, dW = dYᵀ·X, db = Σ_rows dY (three GEMM-sized
// passes in one backward node; outputs nobody needs are skipped).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::FullyConnectedOptions); `name` names the node and is not
// an attribute. The attribute table is in ops/fully_connected-inl.hpp.
struct FullyConnectedParam {
  std::int64_t num_hidden = 0;
  bool no_bias = false;
  bool flatten = true;
  std::string name = {};
};

// The shape rule, usable at compile time. `error` is non-null when the data shape is invalid.
struct FullyConnectedShapes {
  Shape out = Shape::unknown(), weight = Shape::unknown(), bias = Shape::unknown();
  const char* error = nullptr;
};
constexpr FullyConnectedShapes fully_connected_rule(const Shape& data, const FullyConnectedParam& p) {
  FullyConnectedShapes r;
  r.bias = Shape{p.num_hidden};
  if (!data.rank_known()) return r;
  if (data.ndim() < 1) {
    r.error = "data must have at least one dimension";
    return r;
  }
  std::int64_t D = dyn;
  if (p.flatten) {
    D = 1;
    for (int i = 1; i < data.ndim(); ++i) D = (D < 0 || data[i] < 0) ? dyn : D * data[i];
    r.out = Shape{data[0], p.num_hidden};
  } else {
    D = data.back();
    r.out = data;
    r.out[data.ndim() - 1] = p.num_hidden;
  }
  r.weight = Shape{p.num_hidden, D};
  return r;
}
// Operator classes (ops/fully_connected-inl.hpp).
class FullyConnectedBackward;
class FullyConnected;

}  // namespace ops

namespace sym {

using FullyConnectedOptions = ops::FullyConnectedParam;
// fully_connected(x, {.num_hidden = 128}); weight and bias become <name>_weight, <name>_bias
// unless given.
Symbol fully_connected(const Symbol& data, const Symbol& weight, const Symbol& bias,
                       const FullyConnectedOptions& o);
Symbol fully_connected(const Symbol& data, const FullyConnectedOptions& o);
Symbol FullyConnected(const Symbol& data, const FullyConnectedOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
template <class A, std::int64_t N, bool Flatten>
struct FullyConnectedOut {
  static constexpr Shape value = fully_connected_rule(A::shape, {N, false, Flatten}).out;
};
}  // namespace ops
namespace why {
struct data_must_have_at_least_1_dimension;
}
namespace sym {
struct TypedFullyConnectedOptions {
  bool no_bias = false;
  std::string name = {};
};
// Typed: fully_connected<128>(x) has the static shape (batch, 128); num_hidden and flatten are
// template arguments because the output shape depends on them.
template <std::int64_t NumHidden, bool Flatten = true, Typed A>
auto fully_connected(const A& x, const TypedFullyConnectedOptions& o = {}) {
  static_assert(NumHidden >= 1, "fully_connected: num_hidden must be at least 1");
  if constexpr (ops::fully_connected_rule(A::shape, {NumHidden, false, Flatten}).error != nullptr) {
    static_shape_error<ops::FullyConnected, why::data_must_have_at_least_1_dimension,
                       typename A::shape_type>::raise();
  } else {
    using Out = to_static_t<ops::FullyConnectedOut<A, NumHidden, Flatten>>;
    return TSym<Out>(fully_connected(
        Symbol(x), {.num_hidden = NumHidden, .no_bias = o.no_bias, .flatten = Flatten, .name = o.name}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
