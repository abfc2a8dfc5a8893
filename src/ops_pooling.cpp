// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_POOLING
#include <symgrad/ops/pooling-inl.hpp>
