// Typed elementwise expressions: nodes that keep their operands' types, so that a chain such as
// square(y - label) can be compiled into one kernel (exec/fused.hpp) when it becomes a Symbol.
// Each node is also an ordinary graph node with its MXNet name, built when it is created.
// The operators that make these nodes are in ops/elemwise_typed.hpp.
#pragma once
#include "typed.hpp"

namespace SYMGRAD_NS {

template <class F, class A>
struct TUnary : TypedTag {
  using shape_type = typename A::shape_type;
  static constexpr Shape shape = A::shape;
  A a;
  Symbol sym;
  F fn = {};
  operator Symbol() const;  // NOLINT: implicit by design
};

template <class A, class B>
struct MergedShape {
  static constexpr Shape value = merge(A::shape, B::shape).shape;
};

template <class F, class A, class B>
struct TBinary : TypedTag {
  using shape_type = to_static_t<MergedShape<A, B>>;
  static constexpr Shape shape = shape_type::value;
  A a;
  B b;
  Symbol sym;
  operator Symbol() const;  // NOLINT
};

// broadcast_*(a, b): NumPy broadcasting of the two static shapes (S, from the operator's rule).
template <class F, class A, class B, class S>
struct TBroadcast : TypedTag {
  using shape_type = S;
  static constexpr Shape shape = shape_type::value;
  A a;
  B b;
  Symbol sym;
  operator Symbol() const;  // NOLINT
};

template <class F, class A>
struct TScalar : TypedTag {
  using shape_type = typename A::shape_type;
  static constexpr Shape shape = A::shape;
  A a;
  double s;
  Symbol sym;
  operator Symbol() const;  // NOLINT
};

}  // namespace SYMGRAD_NS
