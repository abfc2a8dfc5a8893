// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_KV_KVSTORE
#include <symgrad/kv/kvstore-inl.hpp>
