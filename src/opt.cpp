// libsymgrad: optimizers and learning-rate schedules.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_OPT_ADADELTA
#define SYMGRAD_UNIT_OPT_ADAGRAD
#define SYMGRAD_UNIT_OPT_ADAM
#define SYMGRAD_UNIT_OPT_LR_SCHEDULER
#define SYMGRAD_UNIT_OPT_NAG
#define SYMGRAD_UNIT_OPT_OPTIMIZER
#define SYMGRAD_UNIT_OPT_OPTIMIZER_BASE
#define SYMGRAD_UNIT_OPT_RMSPROP
#define SYMGRAD_UNIT_OPT_SGD

#include <symgrad/opt/adadelta-inl.hpp>
#include <symgrad/opt/adagrad-inl.hpp>
#include <symgrad/opt/adam-inl.hpp>
#include <symgrad/opt/lr_scheduler-inl.hpp>
#include <symgrad/opt/nag-inl.hpp>
#include <symgrad/opt/optimizer-inl.hpp>
#include <symgrad/opt/optimizer_base-inl.hpp>
#include <symgrad/opt/rmsprop-inl.hpp>
#include <symgrad/opt/sgd-inl.hpp>
