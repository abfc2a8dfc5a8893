#define SYMGRAD_UNIT_SYMBOL_COMPOSE
#include <symgrad/symbol/compose-inl.hpp>
