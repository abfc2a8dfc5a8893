// libsymgrad: the layout operators that came with MXNet's model exports (Cast, squeeze,
// reshape_like, reverse, broadcast_to/axis/like, slice_like).
#define SYMGRAD_UNIT_OPS_BROADCAST_TO
#define SYMGRAD_UNIT_OPS_CAST
#define SYMGRAD_UNIT_OPS_FLIP
#define SYMGRAD_UNIT_OPS_SLICE_LIKE
#define SYMGRAD_UNIT_OPS_SQUEEZE

#include <symgrad/ops/broadcast_to-inl.hpp>
#include <symgrad/ops/cast-inl.hpp>
#include <symgrad/ops/flip-inl.hpp>
#include <symgrad/ops/slice_like-inl.hpp>
#include <symgrad/ops/squeeze-inl.hpp>
