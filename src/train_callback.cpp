#define SYMGRAD_UNIT_TRAIN_CALLBACK
#include <symgrad/train/callback-inl.hpp>
