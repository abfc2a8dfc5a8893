#define SYMGRAD_UNIT_TRAIN_INITIALIZER
#include <symgrad/train/initializer-inl.hpp>
