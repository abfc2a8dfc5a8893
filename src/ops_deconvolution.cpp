#define SYMGRAD_UNIT_OPS_DECONVOLUTION
#include <symgrad/ops/deconvolution-inl.hpp>
