// LeakyReLU(data, gamma; act_type='leaky', slope=0.25, lower_bound=0.125, upper_bound=0.334), as
// MXNet 1.9.1, elementwise:
//   leaky  y = x > 0 ? x : slope·x                  dx = dy · (y > 0 ? 1 : slope)
//   elu    y = x > 0 ? x : slope·(eˣ − 1)           dx = dy · (y > 0 ? 1 : y + slope)
//   selu   y = λ·(x > 0 ? x : α·(eˣ − 1))           dx = dy · (y > 0 ? λ : y + λ·α)
//   gelu   y = x·Φ(x) = x/2·(1 + erf(x/√2))         dx = dy · (Φ(x) + x·φ(x))
//   prelu  y = x > 0 ? x : γ·x                      dx = dy · (x > 0 ? 1 : γ), dγ = Σ dy · (x > 0 ? 0 : x)
//   rrelu  y = x > 0 ? x : m·x                      dx = dy · (y > 0 ? 1 : m)
// with λ = 1.0507009873554805, α = 1.6732632423543772. As MXNet, leaky, elu, selu and rrelu read
// the sign of the output (a negative slope gives dx = dy where x < 0). Difference: selu's gradient
// for x < 0 is the derivative λ·α·eˣ = y + λ·α; MXNet 1.9.1 computes λ·(y + α), which is not.
// * prelu: gamma is an argument (the others take data only); by default (C,) for data (N, C, ...).
//   Its dims are matched from the right against data axes 1 and 0 (equal size or 1, skipping
//   axes that do not match), so (1,) is one slope for all, (C,) one per channel, (N, C) one per
//   sample and channel. An automatic <name>_gamma gets MXNet's __init__ Constant(0.25).
// * rrelu: two outputs, output and mask (both listed, as in MXNet). Training draws m uniform in
//   [lower_bound, upper_bound) per element from the executor's generator (as Dropout does) and
//   returns it as the mask; inference uses m = (lower_bound + upper_bound) / 2 and writes it to
//   the mask (MXNet leaves the mask unwritten there, and its CPU training forward fails).
#pragma once
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"
#include "choice.hpp"
#include "dropout.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class LeakyType { leaky, prelu, elu, selu, gelu, rrelu };

template <>
inline constexpr std::array<std::string_view, 6> enum_names<LeakyType>{"leaky", "prelu", "elu",
                                                                       "selu",  "gelu",  "rrelu"};

// The parameters in MXNet's order (sym::LeakyReLUOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/leaky_relu-inl.hpp.
struct LeakyReLUParam {
  Choice<LeakyType> act_type = LeakyType::leaky;  // or by name: .act_type = "prelu"
  double slope = 0.25;                            // leaky and elu
  double lower_bound = 0.125;                     // rrelu
  double upper_bound = 0.334;                     // rrelu
  std::string name = {};
};
// Operator classes (ops/leaky_relu-inl.hpp).
class LeakyReLUBackward;
class LeakyReLU;

}  // namespace ops

namespace sym {

using LeakyReLUOptions = ops::LeakyReLUParam;
// leaky_relu(x, {.act_type = "prelu", .name = "lr"}); prelu's gamma becomes <name>_gamma unless
// given. rrelu has two outputs (output, mask): take [0] to use the activation.
Symbol leaky_relu(const Symbol& data, const Symbol& gamma, const LeakyReLUOptions& o);
Symbol leaky_relu(const Symbol& data, const LeakyReLUOptions& o = {});
Symbol LeakyReLU(const Symbol& data, const LeakyReLUOptions& o = {});
Symbol LeakyReLU(const Symbol& data, const Symbol& gamma, const LeakyReLUOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct prelu_needs_a_channel_axis;
}
namespace sym {
struct TypedLeakyReLUOptions {
  double slope = 0.25;
  double lower_bound = 0.125;
  double upper_bound = 0.334;
  std::string name = {};
};
// Typed: leaky_relu<"elu">(x, {.slope = 1}) keeps the static shape of its data; the act_type is a
// template argument, checked at compile time, as is prelu's channel axis (gamma is (C,)). rrelu
// gives its output only (the mask stays in the graph).
template <fixed_string ActType = "leaky", Typed A>
auto leaky_relu(const A& x, const TypedLeakyReLUOptions& o = {}) {
  constexpr std::string_view t = ActType.view();
  static_assert(t == "leaky" || t == "prelu" || t == "elu" || t == "selu" || t == "gelu" || t == "rrelu",
                "leaky_relu: act_type must be leaky, prelu, elu, selu, gelu or rrelu");
  if constexpr (t == "prelu" && A::shape.ndim() < 2) {
    static_shape_error<ops::LeakyReLU, why::prelu_needs_a_channel_axis, typename A::shape_type>::raise();
  } else {
    Symbol s = leaky_relu(Symbol(x), {.act_type = ActType.str(),
                                      .slope = o.slope,
                                      .lower_bound = o.lower_bound,
                                      .upper_bound = o.upper_bound,
                                      .name = o.name});
    return TSym<typename A::shape_type>(t == "rrelu" ? s[0] : s);
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
