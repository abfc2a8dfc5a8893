#define SYMGRAD_UNIT_OPT_OPTIMIZER
#include <symgrad/opt/optimizer-inl.hpp>
