// The per-element work of the CUDA kernels, written once for host and device. The library
// (kernels/*.cu) runs each body over a grid; the CPU test suite runs the same bodies in a plain
// loop and compares them with the CPU operators, so the index arithmetic and the math of every
// device kernel are checked on machines without a GPU. Plain C++: no xtensor, no CUDA types.
//
// This header: store() by OpReq, the counter-based uniform draw and atomic_add that the bodies of bodies*.hpp
// build on.
#pragma once
#include <cmath>
#include <cstdint>

#include "../core/hd_math.hpp"
#include "../core/req.hpp"
#include "codes.hpp"

namespace SYMGRAD_NS::cuda {

namespace m = smath;  // float and double math on host and device (core/formulas.hpp)

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
