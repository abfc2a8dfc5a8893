#define SYMGRAD_UNIT_TRAIN_CHECKPOINT
#include <symgrad/train/checkpoint-inl.hpp>
