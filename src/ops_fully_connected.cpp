// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_FULLY_CONNECTED
#include <symgrad/ops/fully_connected-inl.hpp>
