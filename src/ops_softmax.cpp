// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_SOFTMAX
#include <symgrad/ops/softmax-inl.hpp>
