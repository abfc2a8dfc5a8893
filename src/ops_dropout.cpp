#define SYMGRAD_UNIT_OPS_DROPOUT
#include <symgrad/ops/dropout-inl.hpp>
