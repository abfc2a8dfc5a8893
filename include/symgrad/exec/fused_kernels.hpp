// The per-element kernels of the typed elementwise expressions (exec/fused.hpp): each typed node
// (symbol/typed_elemwise.hpp) maps to a kernel type that computes its value from the leaves and
// propagates a gradient back to them, on scalars or xsimd batches, in registers.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "../cpu/simd.hpp"
#include "../cpu/strided.hpp"
#include "../ops/functors.hpp"
#include "../symbol/typed_elemwise.hpp"

namespace SYMGRAD_NS::fusion {

// A leaf read with a stride along the loop (0 where it is broadcast), for broadcasting kernels.
template <class T>
struct LeafPtr {
  const T* p;
  std::int64_t s;
};
template <class V, class T>
inline V leaf_load(const T* p, std::size_t i) {
  return host::load<V>(p + i);
}
template <class V, class T>
inline V leaf_load(const LeafPtr<T>& l, std::size_t i) {
  if (l.s == 1) return host::load<V>(l.p + i);
  if (l.s == 0) return host::broadcast<V>(l.p[0]);
  if constexpr (host::is_batch<V>::value) {
    alignas(64) T tmp[V::size];
    for (std::size_t k = 0; k < V::size; ++k) tmp[k] = l.p[static_cast<std::int64_t>(i + k) * l.s];
    return V::load_aligned(tmp);
  } else {
    return l.p[static_cast<std::int64_t>(i) * l.s];
  }
}

struct KLeaf {
  static constexpr int num_leaves = 1;
  static constexpr bool broadcasts = false;  // whether a broadcast_* node is inside
  template <class V>
  struct Cache {
    V y;
  };
  template <int Off, class V, class P>
  Cache<V> forward(const P& p, std::size_t i) const {
    return {leaf_load<V>(p[Off], i)};
  }
  template <int Off, class V, class Acc>
  void backward(const Cache<V>&, const V& g, Acc& acc) const {
    acc[Off] = g;
  }
  template <int Off>
  static std::string describe() {
    return "x" + std::to_string(Off);
  }
};

template <class F, class KA>
struct KUnary {
  static constexpr int num_leaves = KA::num_leaves;
  static constexpr bool broadcasts = KA::broadcasts;
  KA a;
  F fn;
  template <class V, class CA>
  struct Cache {
    CA a;
    V y;
  };
  template <int Off, class V, class P>
  auto forward(const P& p, std::size_t i) const {
    auto ca = a.template forward<Off, V>(p, i);
    V y = fn.f(ca.y);
    return Cache<V, decltype(ca)>{ca, y};
  }
  template <int Off, class V, class C, class Acc>
  void backward(const C& c, const V& g, Acc& acc) const {
    a.template backward<Off, V>(c.a, fn.grad(c.a.y, c.y, g), acc);
  }
  template <int Off>
  static std::string describe() {
    return std::string(F::name) + "(" + KA::template describe<Off>() + ")";
  }
};

template <class F, class KA, class KB, bool Broadcast = false>
struct KBinary {
  static constexpr int num_leaves = KA::num_leaves + KB::num_leaves;
  static constexpr bool broadcasts = Broadcast || KA::broadcasts || KB::broadcasts;
  KA a;
  KB b;
  template <class V, class CA, class CB>
  struct Cache {
    CA a;
    CB b;
    V y;
  };
  template <int Off, class V, class P>
  auto forward(const P& p, std::size_t i) const {
    auto ca = a.template forward<Off, V>(p, i);
    auto cb = b.template forward<Off + KA::num_leaves, V>(p, i);
    V y = F::f(ca.y, cb.y);
    return Cache<V, decltype(ca), decltype(cb)>{ca, cb, y};
  }
  template <int Off, class V, class C, class Acc>
  void backward(const C& c, const V& g, Acc& acc) const {
    a.template backward<Off, V>(c.a, F::grad_a(c.a.y, c.b.y, c.y, g), acc);
    b.template backward<Off + KA::num_leaves, V>(c.b, F::grad_b(c.a.y, c.b.y, c.y, g), acc);
  }
  template <int Off>
  static std::string describe() {
    return std::string(F::name) + "(" + KA::template describe<Off>() + ", " +
           KB::template describe<Off + KA::num_leaves>() + ")";
  }
};

template <class F, class KA>
struct KScalar {
  static constexpr int num_leaves = KA::num_leaves;
  static constexpr bool broadcasts = KA::broadcasts;
  KA a;
  double s;
  template <class V, class CA>
  struct Cache {
    CA a;
    V y;
  };
  template <int Off, class V, class P>
  auto forward(const P& p, std::size_t i) const {
    auto ca = a.template forward<Off, V>(p, i);
    V y = F::f(ca.y, host::broadcast<V>(scalar<V>()));
    return Cache<V, decltype(ca)>{ca, y};
  }
  template <int Off, class V, class C, class Acc>
  void backward(const C& c, const V& g, Acc& acc) const {
    a.template backward<Off, V>(c.a, F::grad(c.a.y, host::broadcast<V>(scalar<V>()), c.y, g), acc);
  }
  template <int Off>
  static std::string describe() {
    return std::string(F::name) + "(" + KA::template describe<Off>() + ")";
  }
  template <class V>
  auto scalar() const {
    if constexpr (host::is_batch<V>::value)
      return static_cast<typename V::value_type>(s);
    else
      return static_cast<V>(s);
  }
};

// Typed node -> kernel type, kernel value, leaves.
template <class E>
struct KernelOf;
template <class S>
struct KernelOf<TSym<S>> {
  using type = KLeaf;
  static type make(const TSym<S>&) { return {}; }
  static void leaves(const TSym<S>& e, std::vector<NodeEntry>& out) { out.push_back(e.sym.entry()); }
};
template <class F, class A>
struct KernelOf<TUnary<F, A>> {
  using type = KUnary<F, typename KernelOf<A>::type>;
  static type make(const TUnary<F, A>& e) { return {KernelOf<A>::make(e.a), e.fn}; }
  static void leaves(const TUnary<F, A>& e, std::vector<NodeEntry>& out) { KernelOf<A>::leaves(e.a, out); }
};
template <class F, class A, class B>
struct KernelOf<TBinary<F, A, B>> {
  using type = KBinary<F, typename KernelOf<A>::type, typename KernelOf<B>::type>;
  static type make(const TBinary<F, A, B>& e) { return {KernelOf<A>::make(e.a), KernelOf<B>::make(e.b)}; }
  static void leaves(const TBinary<F, A, B>& e, std::vector<NodeEntry>& out) {
    KernelOf<A>::leaves(e.a, out);
    KernelOf<B>::leaves(e.b, out);
  }
};
// A broadcast node evaluates like an elementwise one: each leaf is read at its broadcast position.
template <class F, class A, class B, class S>
struct KernelOf<TBroadcast<F, A, B, S>> {
  using type = KBinary<F, typename KernelOf<A>::type, typename KernelOf<B>::type, true>;
  static type make(const TBroadcast<F, A, B, S>& e) {
    return {KernelOf<A>::make(e.a), KernelOf<B>::make(e.b)};
  }
  static void leaves(const TBroadcast<F, A, B, S>& e, std::vector<NodeEntry>& out) {
    KernelOf<A>::leaves(e.a, out);
    KernelOf<B>::leaves(e.b, out);
  }
};
template <class F, class A>
struct KernelOf<TScalar<F, A>> {
  using type = KScalar<F, typename KernelOf<A>::type>;
  static type make(const TScalar<F, A>& e) { return {KernelOf<A>::make(e.a), e.s}; }
  static void leaves(const TScalar<F, A>& e, std::vector<NodeEntry>& out) { KernelOf<A>::leaves(e.a, out); }
};

}  // namespace SYMGRAD_NS::fusion
