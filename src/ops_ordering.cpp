// libsymgrad: topk, sort and argsort.
#define SYMGRAD_UNIT_OPS_ORDERING

#include <symgrad/ops/ordering-inl.hpp>
