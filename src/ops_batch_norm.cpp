// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_BATCH_NORM
#include <symgrad/ops/batch_norm-inl.hpp>
