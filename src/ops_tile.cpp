// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_TILE
#include <symgrad/ops/tile-inl.hpp>
