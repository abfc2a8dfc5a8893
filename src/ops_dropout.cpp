// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_DROPOUT
#include <symgrad/ops/dropout-inl.hpp>
