#define SYMGRAD_UNIT_OPS_TRANSPOSE
#include <symgrad/ops/transpose-inl.hpp>
