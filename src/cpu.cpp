// libsymgrad: the thread pool.
#define SYMGRAD_UNIT_CPU_PARALLEL
#include <symgrad/cpu/parallel-inl.hpp>
