// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_ELEMWISE
#include <symgrad/ops/elemwise-inl.hpp>
