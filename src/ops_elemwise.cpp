// libsymgrad: one compile unit (see include/symgrad/core/config.hpp): the elementwise operators,
// their Symbol functions, and add_n/_copy/zeros_like.
#define SYMGRAD_UNIT_OPS_ELEMWISE
#define SYMGRAD_UNIT_OPS_ELEMWISE_SYM
#define SYMGRAD_UNIT_OPS_ADD_N
#include <symgrad/ops/add_n-inl.hpp>
#include <symgrad/ops/elemwise-inl.hpp>
#include <symgrad/ops/elemwise_sym-inl.hpp>
