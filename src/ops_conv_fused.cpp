// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_CONV_FUSED
#include <symgrad/ops/conv_fused-inl.hpp>
