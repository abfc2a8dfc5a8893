// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_TRANSPOSE
#include <symgrad/ops/transpose-inl.hpp>
