#define SYMGRAD_UNIT_TRAIN_INIT_BASE
#include <symgrad/train/init_base-inl.hpp>
