// libsymgrad: the thread pool and the choices of convolution kernels (depthwise, GEMM).
#define SYMGRAD_UNIT_CPU_PARALLEL
#include <symgrad/cpu/parallel-inl.hpp>
#define SYMGRAD_UNIT_CPU_DEPTHWISE
#include <symgrad/cpu/depthwise-inl.hpp>
#define SYMGRAD_UNIT_CPU_CONV_GEMM
#include <symgrad/cpu/conv_gemm-inl.hpp>
