#define SYMGRAD_UNIT_KV_KVSTORE
#include <symgrad/kv/kvstore-inl.hpp>
