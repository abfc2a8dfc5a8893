#define SYMGRAD_UNIT_OPS_ELEMWISE
#include <symgrad/ops/elemwise-inl.hpp>
