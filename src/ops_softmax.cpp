#define SYMGRAD_UNIT_OPS_SOFTMAX
#include <symgrad/ops/softmax-inl.hpp>
