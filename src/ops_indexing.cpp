// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_INDEXING
#include <symgrad/ops/indexing-inl.hpp>
