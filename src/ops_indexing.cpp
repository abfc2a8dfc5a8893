#define SYMGRAD_UNIT_OPS_INDEXING
#include <symgrad/ops/indexing-inl.hpp>
