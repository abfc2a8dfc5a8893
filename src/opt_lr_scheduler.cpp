#define SYMGRAD_UNIT_OPT_LR_SCHEDULER
#include <symgrad/opt/lr_scheduler-inl.hpp>
