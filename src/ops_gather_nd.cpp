// libsymgrad: gather_nd and scatter_nd.
#define SYMGRAD_UNIT_OPS_GATHER_ND

#include <symgrad/ops/gather_nd-inl.hpp>
