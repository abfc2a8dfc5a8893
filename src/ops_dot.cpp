// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_DOT
#include <symgrad/ops/dot-inl.hpp>
