// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_LEAKY_RELU
#include <symgrad/ops/leaky_relu-inl.hpp>
