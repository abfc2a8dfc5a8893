// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_EXEC_BIND
#include <symgrad/exec/bind-inl.hpp>
