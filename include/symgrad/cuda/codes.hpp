// The codes that name the CUDA kernels' functions, shared with the CPU functors
// (ops/functors.hpp) without the kernel bodies.
#pragma once
#include <cstdint>

#include "../core/config.hpp"

namespace SYMGRAD_NS::cuda {

using index_t = std::int64_t;
inline constexpr int kMaxDims = 8;

// Unary functions (ops/functors.hpp has the CPU forms with the same names).
enum class UnaryOp : int {
  identity,
  negative,
  square,
  sqrt,
  exp,
  log,
  abs,
  relu,
  sigmoid,
  tanh,
  softrelu,
  softsign,
  reciprocal,
  rsqrt,
  log1p,
  expm1,
  sin,
  cos,
  sign,
  clip
};
// Binary functions of two arrays, and of an array and a scalar (x op s; the r* forms are s op x).
enum class BinaryOp : int {
  add,
  sub,
  mul,
  div,
  maximum,
  minimum,
  power,
  rsub,
  rdiv,
  rpower,
  equal,
  not_equal,
  greater,
  greater_equal,
  lesser,
  lesser_equal
};

}  // namespace SYMGRAD_NS::cuda
