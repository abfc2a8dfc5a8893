// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_TRAIN_MODULE
#include <symgrad/train/module-inl.hpp>
