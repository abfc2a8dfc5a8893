#define SYMGRAD_UNIT_OPS_EMBEDDING
#include <symgrad/ops/embedding-inl.hpp>
