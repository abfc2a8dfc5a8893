// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_NORM
#include <symgrad/ops/norm-inl.hpp>
