// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_PAD
#include <symgrad/ops/pad-inl.hpp>
