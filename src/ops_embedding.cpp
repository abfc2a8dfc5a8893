// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_EMBEDDING
#include <symgrad/ops/embedding-inl.hpp>
