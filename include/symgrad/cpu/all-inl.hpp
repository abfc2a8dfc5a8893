// Every implementation file of cpu/: compiled once into libsymgrad (src/), or included by the
// entry headers in header-only mode.
#pragma once
#include "conv_gemm-inl.hpp"
#include "depthwise-inl.hpp"
#include "parallel-inl.hpp"
