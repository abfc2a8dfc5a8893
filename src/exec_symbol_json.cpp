#define SYMGRAD_UNIT_EXEC_SYMBOL_JSON
#include <symgrad/exec/symbol_json-inl.hpp>
