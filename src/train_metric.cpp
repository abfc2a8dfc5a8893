// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_TRAIN_METRIC
#include <symgrad/train/metric-inl.hpp>
