#define SYMGRAD_UNIT_SYMBOL_SYMBOL
#include <symgrad/symbol/symbol-inl.hpp>
