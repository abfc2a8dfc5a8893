// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_CONCAT
#include <symgrad/ops/concat-inl.hpp>
