#define SYMGRAD_UNIT_OPS_UPSAMPLING
#include <symgrad/ops/upsampling-inl.hpp>
