// The normalisation layers, one header each: LayerNorm (ops/layer_norm.hpp), InstanceNorm
// (ops/instance_norm.hpp), LRN (ops/lrn.hpp) and L2Normalization (ops/l2_normalization.hpp).
// What their implementations share is in ops/norm_common-inl.hpp.
#pragma once
#include "instance_norm.hpp"
#include "l2_normalization.hpp"
#include "layer_norm.hpp"
#include "lrn.hpp"
