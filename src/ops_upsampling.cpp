// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_UPSAMPLING
#include <symgrad/ops/upsampling-inl.hpp>
