#define SYMGRAD_UNIT_EXEC_EXECUTOR
#include <symgrad/exec/executor-inl.hpp>
