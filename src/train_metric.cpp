#define SYMGRAD_UNIT_TRAIN_METRIC
#include <symgrad/train/metric-inl.hpp>
