// libsymgrad: callbacks, checkpoints, curves, initializer parsing, the monitor.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_TRAIN_CALLBACK
#define SYMGRAD_UNIT_TRAIN_CHECKPOINT
#define SYMGRAD_UNIT_TRAIN_CURVE
#define SYMGRAD_UNIT_TRAIN_INIT_BASE
#define SYMGRAD_UNIT_TRAIN_MONITOR

#include <symgrad/train/callback-inl.hpp>
#include <symgrad/train/checkpoint-inl.hpp>
#include <symgrad/train/curve-inl.hpp>
#include <symgrad/train/init_base-inl.hpp>
#include <symgrad/train/monitor-inl.hpp>
