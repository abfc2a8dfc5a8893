#define SYMGRAD_UNIT_OPS_PAD
#include <symgrad/ops/pad-inl.hpp>
