// Elementwise functions of one array that MXNet's exported models use, computed one value at a
// time on the CPU (no fused, SIMD or CUDA form yet). Shape: the data's. y = f(x); dx = f'(x)·dy.
//   erf           erf(x); dx = 2/√π·e^(−x²)·dy
//   floor, ceil   rounding down, up;          gradient zero (as MXNet)
//   round         to nearest, halves away from zero; rint: to nearest, halves down (MXNet's
//                 definition, not C's: rint(2.5) = 2, rint(-2.5) = -3); gradient zero
//   trunc, fix    toward zero;                gradient zero
//   smooth_l1     (scalar σ = 1) ½(σx)² where |x| < 1/σ², else |x| − ½/σ²;
//                 dx = σ²x·dy inside, sign(x)·dy outside
//   hard_sigmoid  (alpha = 0.2, beta = 0.5) clip(alpha·x + beta, 0, 1); dx = alpha·dy where
//                 0 < alpha·x + beta < 1, else 0
#pragma once
#include <string>
#include <string_view>

#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace sym {
Symbol erf(const Symbol& data, std::string_view name = {});
Symbol floor(const Symbol& data, std::string_view name = {});
Symbol ceil(const Symbol& data, std::string_view name = {});
Symbol round(const Symbol& data, std::string_view name = {});
Symbol rint(const Symbol& data, std::string_view name = {});
Symbol trunc(const Symbol& data, std::string_view name = {});
Symbol fix(const Symbol& data, std::string_view name = {});
// smooth_l1(x, 1.0): the Huber-like loss of Fast R-CNN, σ = scalar.
Symbol smooth_l1(const Symbol& data, double scalar = 1.0, std::string_view name = {});
struct HardSigmoidOptions {
  double alpha = 0.2;
  double beta = 0.5;
  std::string name = {};
};
Symbol hard_sigmoid(const Symbol& data, const HardSigmoidOptions& o = {});

// Typed: the data's static shape; the result is a leaf of fusion (its own operator computes it).
template <Typed A>
auto erf(const A& x, std::string_view name = {}) {
  return TSym<typename A::shape_type>(erf(Symbol(x), name));
}
template <Typed A>
auto floor(const A& x, std::string_view name = {}) {
  return TSym<typename A::shape_type>(floor(Symbol(x), name));
}
template <Typed A>
auto ceil(const A& x, std::string_view name = {}) {
  return TSym<typename A::shape_type>(ceil(Symbol(x), name));
}
template <Typed A>
auto round(const A& x, std::string_view name = {}) {
  return TSym<typename A::shape_type>(round(Symbol(x), name));
}
template <Typed A>
auto rint(const A& x, std::string_view name = {}) {
  return TSym<typename A::shape_type>(rint(Symbol(x), name));
}
template <Typed A>
auto trunc(const A& x, std::string_view name = {}) {
  return TSym<typename A::shape_type>(trunc(Symbol(x), name));
}
template <Typed A>
auto fix(const A& x, std::string_view name = {}) {
  return TSym<typename A::shape_type>(fix(Symbol(x), name));
}
template <Typed A>
auto smooth_l1(const A& x, double scalar = 1.0, std::string_view name = {}) {
  return TSym<typename A::shape_type>(smooth_l1(Symbol(x), scalar, name));
}
template <Typed A>
auto hard_sigmoid(const A& x, const HardSigmoidOptions& o = {}) {
  return TSym<typename A::shape_type>(hard_sigmoid(Symbol(x), o));
}
}  // namespace sym
}  // namespace SYMGRAD_NS
