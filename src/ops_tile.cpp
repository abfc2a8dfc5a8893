#define SYMGRAD_UNIT_OPS_TILE
#include <symgrad/ops/tile-inl.hpp>
