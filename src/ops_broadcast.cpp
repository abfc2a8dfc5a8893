// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_BROADCAST
#include <symgrad/ops/broadcast-inl.hpp>
