#define SYMGRAD_UNIT_OPS_CONVOLUTION
#include <symgrad/ops/convolution-inl.hpp>
