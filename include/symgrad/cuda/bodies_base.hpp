// The per-element work of the CUDA kernels, written once for host and device. The library
// (kernels/*.cu) runs each body over a grid; the CPU test suite runs the same bodies in a plain
// loop and compares them with the CPU operators, so the index arithmetic and the math of every
// device kernel are checked on machines without a GPU. Plain C++: no xtensor, no CUDA types.
//
// This header: SYMGRAD_HD (host and device, inline), float and double math (m::), store() by
// OpReq, the counter-based uniform draw and atomic_add that the bodies of bodies*.hpp build on.
#pragma once
#include <cmath>
#include <cstdint>

#include "../core/req.hpp"
#include "codes.hpp"

#if defined(__CUDACC__)
#define SYMGRAD_HD __host__ __device__ __forceinline__
#else
#define SYMGRAD_HD inline
#endif

namespace SYMGRAD_NS::cuda {

namespace m {  // float and double math on host and device
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
}  // namespace m

// Writes v to *p as req says (write or add; null never reaches a kernel).
template <class T>
SYMGRAD_HD void store(T* p, T v, OpReq req) {
  if (req == OpReq::add)
    *p += v;
  else
    *p = v;
}

// A uniform draw in [0, 1) for counter k under `base` (SplitMix64 finaliser): Dropout's masks
// (CPU and GPU draw the same numbers for the same base).
SYMGRAD_HD double uniform_at(std::uint64_t base, std::uint64_t k) {
  std::uint64_t z = base + 0x9E3779B97F4A7C15ull * (k + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// Adds v to *p; atomically on the device, where several threads may hit one element.
template <class T>
SYMGRAD_HD void atomic_add(T* p, T v) {
#if defined(__CUDA_ARCH__)
  atomicAdd(p, v);
#else
  *p += v;
#endif
}

}  // namespace SYMGRAD_NS::cuda
