// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_CONVOLUTION
#include <symgrad/ops/convolution-inl.hpp>
