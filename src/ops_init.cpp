#define SYMGRAD_UNIT_OPS_INIT
#include <symgrad/ops/init-inl.hpp>
