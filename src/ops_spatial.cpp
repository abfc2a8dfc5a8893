// libsymgrad: the resizing operators of MXNet's model exports (Crop, BilinearResize2D,
// AdaptiveAvgPooling2D).
#define SYMGRAD_UNIT_OPS_ADAPTIVE_AVG_POOLING
#define SYMGRAD_UNIT_OPS_BILINEAR_RESIZE
#define SYMGRAD_UNIT_OPS_CROP

#include <symgrad/ops/adaptive_avg_pooling-inl.hpp>
#include <symgrad/ops/bilinear_resize-inl.hpp>
#include <symgrad/ops/crop-inl.hpp>
