#define SYMGRAD_UNIT_OPS_REDUCE
#include <symgrad/ops/reduce-inl.hpp>
