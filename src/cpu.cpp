// libsymgrad: the thread pool and the choice of depthwise convolution kernel.
#define SYMGRAD_UNIT_CPU_PARALLEL
#include <symgrad/cpu/parallel-inl.hpp>
#define SYMGRAD_UNIT_CPU_DEPTHWISE
#include <symgrad/cpu/depthwise-inl.hpp>
