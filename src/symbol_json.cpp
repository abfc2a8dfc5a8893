#define SYMGRAD_UNIT_SYMBOL_JSON
#include <symgrad/symbol/json-inl.hpp>
