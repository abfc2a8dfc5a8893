#define SYMGRAD_UNIT_SYMBOL_SYMBOL_INFER
#include <symgrad/symbol/symbol_infer-inl.hpp>
