#define SYMGRAD_UNIT_OPS_ACTIVATION
#include <symgrad/ops/activation-inl.hpp>
