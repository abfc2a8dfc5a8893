// Activation(data, act_type): relu, sigmoid, tanh, softrelu, softsign, elementwise.
// Shape: output = data (both ways). Gradient: dx = dy · f'(x), from the output where MXNet does.
#pragma once
#include <string>
#include <string_view>
#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class ActType { relu, sigmoid, tanh, softrelu, softsign };
// Operator classes (ops/activation-inl.hpp).
class ActivationBackward;
class Activation;

}  // namespace ops

namespace sym {

struct ActivationOptions {
  std::string act_type;  // relu, sigmoid, tanh, softrelu, softsign
  std::string name = {};
};
Symbol activation(const Symbol& data, const ActivationOptions& o);
Symbol Activation(const Symbol& data, const ActivationOptions& o);
Symbol relu(const Symbol& x, std::string_view name = {});
Symbol sigmoid(const Symbol& x, std::string_view name = {});
Symbol tanh(const Symbol& x, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
template <Typed A>
TSym<typename A::shape_type> activation(const A& x, const ActivationOptions& o) {
  return TSym<typename A::shape_type>(activation(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
