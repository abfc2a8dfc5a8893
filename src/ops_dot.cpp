#define SYMGRAD_UNIT_OPS_DOT
#include <symgrad/ops/dot-inl.hpp>
