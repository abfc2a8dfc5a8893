// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_RESHAPE
#include <symgrad/ops/reshape-inl.hpp>
