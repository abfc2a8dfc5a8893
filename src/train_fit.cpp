#define SYMGRAD_UNIT_TRAIN_FIT
#include <symgrad/train/fit-inl.hpp>
