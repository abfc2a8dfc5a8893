#define SYMGRAD_UNIT_OPS_CONCAT
#include <symgrad/ops/concat-inl.hpp>
