// libsymgrad: optimizers and learning-rate schedules.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_OPT_ADADELTA
#define SYMGRAD_UNIT_OPT_ADAGRAD
#define SYMGRAD_UNIT_OPT_ADAM
#define SYMGRAD_UNIT_OPT_ADAMAX
#define SYMGRAD_UNIT_OPT_FTML
#define SYMGRAD_UNIT_OPT_FTRL
#define SYMGRAD_UNIT_OPT_LAMB
#define SYMGRAD_UNIT_OPT_LARS
#define SYMGRAD_UNIT_OPT_LR_SCHEDULER
#define SYMGRAD_UNIT_OPT_NADAM
#define SYMGRAD_UNIT_OPT_NAG
#define SYMGRAD_UNIT_OPT_OPTIMIZER
#define SYMGRAD_UNIT_OPT_OPTIMIZER_BASE
#define SYMGRAD_UNIT_OPT_RMSPROP
#define SYMGRAD_UNIT_OPT_SGD
#define SYMGRAD_UNIT_OPT_SIGNUM
#define SYMGRAD_UNIT_OPT_STATES_FILE

#include <symgrad/opt/adadelta-inl.hpp>
#include <symgrad/opt/adagrad-inl.hpp>
#include <symgrad/opt/adam-inl.hpp>
#include <symgrad/opt/adamax-inl.hpp>
#include <symgrad/opt/ftml-inl.hpp>
#include <symgrad/opt/ftrl-inl.hpp>
#include <symgrad/opt/lamb-inl.hpp>
#include <symgrad/opt/lars-inl.hpp>
#include <symgrad/opt/lr_scheduler-inl.hpp>
#include <symgrad/opt/nadam-inl.hpp>
#include <symgrad/opt/nag-inl.hpp>
#include <symgrad/opt/optimizer-inl.hpp>
#include <symgrad/opt/optimizer_base-inl.hpp>
#include <symgrad/opt/rmsprop-inl.hpp>
#include <symgrad/opt/sgd-inl.hpp>
#include <symgrad/opt/signum-inl.hpp>
#include <symgrad/opt/states_file-inl.hpp>
