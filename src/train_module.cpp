#define SYMGRAD_UNIT_TRAIN_MODULE
#include <symgrad/train/module-inl.hpp>
