// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_DECONVOLUTION
#include <symgrad/ops/deconvolution-inl.hpp>
