#define SYMGRAD_UNIT_TRAIN_CURVE
#include <symgrad/train/curve-inl.hpp>
