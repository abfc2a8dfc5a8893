// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_OUTPUT
#include <symgrad/ops/output-inl.hpp>
