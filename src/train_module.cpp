// libsymgrad: Module and BucketingModule.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_TRAIN_BUCKETING_MODULE
#define SYMGRAD_UNIT_TRAIN_MODULE

#include <symgrad/train/bucketing_module-inl.hpp>
#include <symgrad/train/module-inl.hpp>
