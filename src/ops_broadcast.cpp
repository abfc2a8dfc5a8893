#define SYMGRAD_UNIT_OPS_BROADCAST
#include <symgrad/ops/broadcast-inl.hpp>
