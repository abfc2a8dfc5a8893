#define SYMGRAD_UNIT_OPS_REGISTRY
#include <symgrad/ops/registry-inl.hpp>
