// The primitives that the elementwise formulas (core/formulas.hpp) are written in: SYMGRAD_HD
// (host and device, inline), float and double math on host and device (smath::), and the v*
// functions and if_* selections over a value type V, which fm::vec<V> provides: for float and
// double here, for xsimd batches in cpu/simd.hpp.
#pragma once
#include <cmath>

#include "config.hpp"

#if defined(__CUDACC__)
#define SYMGRAD_HD __host__ __device__ __forceinline__
#else
#define SYMGRAD_HD inline
#endif

namespace SYMGRAD_NS {

namespace smath {  // float and double math on host and device
SYMGRAD_HD float exp(float x) { return ::expf(x); }
SYMGRAD_HD double exp(double x) { return ::exp(x); }
SYMGRAD_HD float log(float x) { return ::logf(x); }
SYMGRAD_HD double log(double x) { return ::log(x); }
SYMGRAD_HD float log1p(float x) { return ::log1pf(x); }
SYMGRAD_HD double log1p(double x) { return ::log1p(x); }
SYMGRAD_HD float expm1(float x) { return ::expm1f(x); }
SYMGRAD_HD double expm1(double x) { return ::expm1(x); }
SYMGRAD_HD float sqrt(float x) { return ::sqrtf(x); }
SYMGRAD_HD double sqrt(double x) { return ::sqrt(x); }
SYMGRAD_HD float tanh(float x) { return ::tanhf(x); }
SYMGRAD_HD double tanh(double x) { return ::tanh(x); }
SYMGRAD_HD float sin(float x) { return ::sinf(x); }
SYMGRAD_HD double sin(double x) { return ::sin(x); }
SYMGRAD_HD float cos(float x) { return ::cosf(x); }
SYMGRAD_HD double cos(double x) { return ::cos(x); }
SYMGRAD_HD float pow(float a, float b) { return ::powf(a, b); }
SYMGRAD_HD double pow(double a, double b) { return ::pow(a, b); }
SYMGRAD_HD float erf(float x) { return ::erff(x); }
SYMGRAD_HD double erf(double x) { return ::erf(x); }
SYMGRAD_HD float abs(float x) { return ::fabsf(x); }
SYMGRAD_HD double abs(double x) { return ::fabs(x); }
template <class T>
SYMGRAD_HD T sign(T x) {
  return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
}
template <class T>
SYMGRAD_HD T max(T a, T b) {
  return a > b ? a : b;
}
template <class T>
SYMGRAD_HD T min(T a, T b) {
  return a < b ? a : b;
}
}  // namespace smath

namespace fm {

// The primitives for a scalar V; cpu/simd.hpp specialises vec for xsimd batches.
template <class V>
struct vec {
  SYMGRAD_HD static V exp(V x) { return smath::exp(x); }
  SYMGRAD_HD static V log(V x) { return smath::log(x); }
  SYMGRAD_HD static V log1p(V x) { return smath::log1p(x); }
  SYMGRAD_HD static V expm1(V x) { return smath::expm1(x); }
  SYMGRAD_HD static V sqrt(V x) { return smath::sqrt(x); }
  SYMGRAD_HD static V tanh(V x) { return smath::tanh(x); }
  SYMGRAD_HD static V sin(V x) { return smath::sin(x); }
  SYMGRAD_HD static V cos(V x) { return smath::cos(x); }
  SYMGRAD_HD static V abs(V x) { return smath::abs(x); }
  SYMGRAD_HD static V pow(V a, V b) { return smath::pow(a, b); }
  SYMGRAD_HD static V max(V a, V b) { return a > b ? a : b; }
  SYMGRAD_HD static V min(V a, V b) { return a < b ? a : b; }
  SYMGRAD_HD static V if_gt(V a, V b, V t, V f) { return a > b ? t : f; }
  SYMGRAD_HD static V if_ge(V a, V b, V t, V f) { return a >= b ? t : f; }
  SYMGRAD_HD static V if_lt(V a, V b, V t, V f) { return a < b ? t : f; }
  SYMGRAD_HD static V if_eq(V a, V b, V t, V f) { return a == b ? t : f; }
};
template <class V>
SYMGRAD_HD V vexp(V x) {
  return vec<V>::exp(x);
}
template <class V>
SYMGRAD_HD V vlog(V x) {
  return vec<V>::log(x);
}
template <class V>
SYMGRAD_HD V vlog1p(V x) {
  return vec<V>::log1p(x);
}
template <class V>
SYMGRAD_HD V vexpm1(V x) {
  return vec<V>::expm1(x);
}
template <class V>
SYMGRAD_HD V vsqrt(V x) {
  return vec<V>::sqrt(x);
}
template <class V>
SYMGRAD_HD V vtanh(V x) {
  return vec<V>::tanh(x);
}
template <class V>
SYMGRAD_HD V vsin(V x) {
  return vec<V>::sin(x);
}
template <class V>
SYMGRAD_HD V vcos(V x) {
  return vec<V>::cos(x);
}
template <class V>
SYMGRAD_HD V vabs(V x) {
  return vec<V>::abs(x);
}
template <class V>
SYMGRAD_HD V vpow(V a, V b) {
  return vec<V>::pow(a, b);
}
template <class V>
SYMGRAD_HD V vmax(V a, V b) {
  return vec<V>::max(a, b);
}
template <class V>
SYMGRAD_HD V vmin(V a, V b) {
  return vec<V>::min(a, b);
}
// a > b ? t : f, a >= b ? t : f, a < b ? t : f, a == b ? t : f (lane by lane for batches)
template <class V>
SYMGRAD_HD V if_gt(V a, V b, V t, V f) {
  return vec<V>::if_gt(a, b, t, f);
}
template <class V>
SYMGRAD_HD V if_ge(V a, V b, V t, V f) {
  return vec<V>::if_ge(a, b, t, f);
}
template <class V>
SYMGRAD_HD V if_lt(V a, V b, V t, V f) {
  return vec<V>::if_lt(a, b, t, f);
}
template <class V>
SYMGRAD_HD V if_eq(V a, V b, V t, V f) {
  return vec<V>::if_eq(a, b, t, f);
}
template <class V>
SYMGRAD_HD V vsign(V x) {
  return if_gt(x, V(0), V(1), if_lt(x, V(0), V(-1), V(0)));
}

}  // namespace fm
}  // namespace SYMGRAD_NS
