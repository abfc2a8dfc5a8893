// dot(lhs, rhs; transpose_a=False, transpose_b=False): matrix product over lhs's last axis and
//   rhs's first (with transpose_a: lhs's first axis; transpose_b: rhs's last). Output:
//   lhs's other dims + rhs's other dims; 1-D · 1-D gives (1,).
// batch_dot(lhs, rhs; transpose_a, transpose_b): (B..., M, K) · (B..., K, N) -> (B..., M, N).
// Gradient: the two products with dY (one backward node, GEMMs through BLAS).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

struct DotParam {
  bool transpose_a = false;
  bool transpose_b = false;
  bool batch = false;
};

// The GEMM view: out = op(L)·op(R) with L (batch, ra, ca), R (batch, rb, cb).
struct DotGeometry {
  Shape out = Shape::unknown();
  std::int64_t batch = 1, M = 0, N = 0, K = 0;
  const char* error = nullptr;
};

constexpr std::int64_t prod_dims(const Shape& s, int from, int to) {
  std::int64_t n = 1;
  for (int i = from; i < to; ++i) n = (n < 0 || s[i] < 0) ? dyn : n * s[i];
  return n;
}

constexpr DotGeometry dot_rule(const Shape& l, const Shape& r, const DotParam& p) {
  DotGeometry g;
  if (!l.rank_known() || !r.rank_known()) return g;
  if (p.batch) {
    if (l.ndim() < 3 || l.ndim() != r.ndim())
      return {Shape::unknown(), 1, 0, 0, 0, "batch_dot needs two inputs of the same rank >= 3"};
    int n = l.ndim();
    Shape out;
    for (int i = 0; i < n - 2; ++i) {
      if (l[i] >= 0 && r[i] >= 0 && l[i] != r[i])
        return {Shape::unknown(), 1, 0, 0, 0, "the batch dimensions differ"};
      out.push_back(l[i] >= 0 ? l[i] : r[i]);
    }
    std::int64_t m = p.transpose_a ? l[n - 1] : l[n - 2], kl = p.transpose_a ? l[n - 2] : l[n - 1];
    std::int64_t kr = p.transpose_b ? r[n - 1] : r[n - 2], nn = p.transpose_b ? r[n - 2] : r[n - 1];
    if (kl >= 0 && kr >= 0 && kl != kr)
      return {Shape::unknown(), 1, 0, 0, 0, "the contracted dimensions differ"};
    out.push_back(m);
    out.push_back(nn);
    return {out, prod_dims(out, 0, n - 2), m, nn, kl >= 0 ? kl : kr, nullptr};
  }
  if (l.ndim() < 1 || r.ndim() < 1) return {Shape::unknown(), 1, 0, 0, 0, "dot needs inputs of rank >= 1"};
  std::int64_t kl = p.transpose_a ? l[0] : l[l.ndim() - 1];
  std::int64_t kr = p.transpose_b ? r[r.ndim() - 1] : r[0];
  if (kl >= 0 && kr >= 0 && kl != kr)
    return {Shape::unknown(), 1, 0, 0, 0, "the contracted dimensions differ"};
  Shape out;
  for (int i = p.transpose_a ? 1 : 0; i < (p.transpose_a ? l.ndim() : l.ndim() - 1); ++i) out.push_back(l[i]);
  for (int i = p.transpose_b ? 0 : 1; i < (p.transpose_b ? r.ndim() - 1 : r.ndim()); ++i) out.push_back(r[i]);
  std::int64_t M = p.transpose_a ? prod_dims(l, 1, l.ndim()) : prod_dims(l, 0, l.ndim() - 1);
  std::int64_t N = p.transpose_b ? prod_dims(r, 0, r.ndim() - 1) : prod_dims(r, 1, r.ndim());
  if (out.ndim() == 0) out.push_back(1);
  return {out, 1, M, N, kl >= 0 ? kl : kr, nullptr};
}
// Operator classes (ops/dot-inl.hpp).
class DotBackward;
class Dot;

}  // namespace ops

namespace sym {

struct DotOptions {
  bool transpose_a = false;
  bool transpose_b = false;
  std::string name = {};
};
Symbol dot(const Symbol& lhs, const Symbol& rhs, const DotOptions& o = {});
Symbol batch_dot(const Symbol& lhs, const Symbol& rhs, const DotOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct contracted_dimensions_differ;
}
namespace ops {
template <class A, class B, bool Ta, bool Tb, bool Batch>
struct DotOut {
  static constexpr DotGeometry g = dot_rule(A::shape, B::shape, {Ta, Tb, Batch});
  static constexpr Shape value = g.out;
};
}  // namespace ops
namespace sym {
// Typed: dot<>(a, b), dot<true, false>(a, b) ... checked at compile time.
template <bool Ta = false, bool Tb = false, Typed A, Typed B>
auto dot(const A& a, const B& b, std::string_view name = {}) {
  using H = ops::DotOut<A, B, Ta, Tb, false>;
  if constexpr (H::g.error != nullptr) {
    static_shape_error<ops::Dot, why::contracted_dimensions_differ, typename A::shape_type,
                       typename B::shape_type>::raise();
  } else {
    return TSym<to_static_t<H>>(
        dot(Symbol(a), Symbol(b), {.transpose_a = Ta, .transpose_b = Tb, .name = std::string(name)}));
  }
}
template <bool Ta = false, bool Tb = false, Typed A, Typed B>
auto batch_dot(const A& a, const B& b, std::string_view name = {}) {
  using H = ops::DotOut<A, B, Ta, Tb, true>;
  if constexpr (H::g.error != nullptr) {
    static_shape_error<ops::Dot, why::contracted_dimensions_differ, typename A::shape_type,
                       typename B::shape_type>::raise();
  } else {
    return TSym<to_static_t<H>>(
        batch_dot(Symbol(a), Symbol(b), {.transpose_a = Ta, .transpose_b = Tb, .name = std::string(name)}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
