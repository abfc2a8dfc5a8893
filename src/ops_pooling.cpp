#define SYMGRAD_UNIT_OPS_POOLING
#include <symgrad/ops/pooling-inl.hpp>
