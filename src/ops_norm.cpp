#define SYMGRAD_UNIT_OPS_NORM
#include <symgrad/ops/norm-inl.hpp>
