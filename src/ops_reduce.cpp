// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_REDUCE
#include <symgrad/ops/reduce-inl.hpp>
