#define SYMGRAD_UNIT_OPS_SLICE
#include <symgrad/ops/slice-inl.hpp>
