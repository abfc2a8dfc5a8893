// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_TRAIN_FIT
#include <symgrad/train/fit-inl.hpp>
