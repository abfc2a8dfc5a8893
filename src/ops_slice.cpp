// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_SLICE
#include <symgrad/ops/slice-inl.hpp>
