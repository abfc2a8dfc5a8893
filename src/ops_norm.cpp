// libsymgrad: the normalisation operators (LayerNorm, InstanceNorm, LRN, L2Normalization) and what
// they share, one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_INSTANCE_NORM
#define SYMGRAD_UNIT_OPS_L2_NORMALIZATION
#define SYMGRAD_UNIT_OPS_LAYER_NORM
#define SYMGRAD_UNIT_OPS_LRN
#define SYMGRAD_UNIT_OPS_NORM_COMMON

#include <symgrad/ops/instance_norm-inl.hpp>
#include <symgrad/ops/l2_normalization-inl.hpp>
#include <symgrad/ops/layer_norm-inl.hpp>
#include <symgrad/ops/lrn-inl.hpp>
#include <symgrad/ops/norm_common-inl.hpp>
