// libsymgrad: optimizers and learning-rate schedules.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_OPT_LR_SCHEDULER
#define SYMGRAD_UNIT_OPT_OPTIMIZER

#include <symgrad/opt/lr_scheduler-inl.hpp>
#include <symgrad/opt/optimizer-inl.hpp>
