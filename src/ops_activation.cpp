// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_ACTIVATION
#include <symgrad/ops/activation-inl.hpp>
