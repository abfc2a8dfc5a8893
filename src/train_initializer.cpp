// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_TRAIN_INITIALIZER
#include <symgrad/train/initializer-inl.hpp>
