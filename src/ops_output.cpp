#define SYMGRAD_UNIT_OPS_OUTPUT
#include <symgrad/ops/output-inl.hpp>
