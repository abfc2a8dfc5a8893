#define SYMGRAD_UNIT_OPS_RESHAPE
#include <symgrad/ops/reshape-inl.hpp>
