#define SYMGRAD_UNIT_OPS_LOSS
#include <symgrad/ops/loss-inl.hpp>
