// libsymgrad: the Executor and symbol JSON loading.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_EXEC_EXECUTOR
#define SYMGRAD_UNIT_EXEC_SYMBOL_JSON

#include <symgrad/exec/executor-inl.hpp>
#include <symgrad/exec/symbol_json-inl.hpp>
