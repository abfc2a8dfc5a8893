#define SYMGRAD_UNIT_OPS_COPY_LIKE
#include <symgrad/ops/copy_like-inl.hpp>
