// Typed expressions: the same graph as Symbol, with each value's shape in its C++ type
// (sg::shape<sg::dyn, 2> ...). Shape rules run at compile time on static shapes, so a mismatch
// does not compile, and the compiler's first error line names the operator and both shapes:
//   error: incomplete type 'symgrad::static_shape_error<symgrad::fn::elemwise_sub,
//          symgrad::why::operand_shapes_differ, symgrad::StaticShape<-1, 1>, symgrad::StaticShape<-1, 3> >'
// Every typed expression holds its Symbol (named when it is created, as in MXNet) and converts
// to Symbol. Elementwise subtrees also carry a compiled kernel (ops/fused.hpp).
#pragma once
#include <concepts>
#include <cstdint>
#include <utility>

#include "../core/fixed_string.hpp"
#include "compose.hpp"

namespace SYMGRAD_NS {

template <std::int64_t... D>
struct StaticShape {
  static constexpr Shape value = Shape{D...};
};
// sg::shape<sg::dyn, 784>: a static shape whose first dimension is known only at bind.
template <std::int64_t... D>
inline constexpr StaticShape<D...> shape{};

// StaticShape for a constexpr Shape held as `Holder::value` (results of shape rules).
template <class Holder, class Seq>
struct to_static_impl;
template <class Holder, std::size_t... I>
struct to_static_impl<Holder, std::index_sequence<I...>> {
  using type = StaticShape<Holder::value[static_cast<int>(I)]...>;
};
template <class Holder>
using to_static_t =
    typename to_static_impl<Holder,
                            std::make_index_sequence<static_cast<std::size_t>(Holder::value.ndim())>>::type;

// Reported through an incomplete type so that the first error line shows every argument.
template <class Op, class Why, class... Shapes>
struct static_shape_error;
namespace why {
struct operand_shapes_differ;
struct data_rank_must_be_at_least_1;
struct rank_must_be_known;
struct operands_do_not_broadcast;
struct label_must_be_indices_or_probabilities;
}  // namespace why

struct TypedTag {};
template <class E>
concept Typed = std::derived_from<E, TypedTag>;

// The symbol of a typed expression without attaching its fused kernel (for building parents).
template <Typed E>
const Symbol& symbol_of(const E& e) {
  return e.sym;
}

// A typed value computed by a non-elementwise operator (or a variable): a leaf of fusion.
template <class S>
struct TSym : TypedTag {
  using shape_type = S;
  static constexpr Shape shape = S::value;
  Symbol sym;

  explicit TSym(Symbol s) : sym(std::move(s)) {}
  operator Symbol() const { return sym; }  // NOLINT: implicit by design
};

namespace sym {
// A typed variable: var<"data">(sg::shape<sg::dyn, 2>).
template <fixed_string Name, std::int64_t... D>
TSym<StaticShape<D...>> var(StaticShape<D...>, VarOptions o = {}) {
  o.shape = Shape{D...};
  return TSym<StaticShape<D...>>(var(Name.str(), o));
}
}  // namespace sym

}  // namespace SYMGRAD_NS
