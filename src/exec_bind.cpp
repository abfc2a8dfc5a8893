#define SYMGRAD_UNIT_EXEC_BIND
#include <symgrad/exec/bind-inl.hpp>
