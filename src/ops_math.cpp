// libsymgrad: the elementwise functions computed one value at a time (erf, the rounding
// functions, smooth_l1, hard_sigmoid) and _arange.
#define SYMGRAD_UNIT_OPS_ARANGE
#define SYMGRAD_UNIT_OPS_MATH_UNARY

#include <symgrad/ops/arange-inl.hpp>
#include <symgrad/ops/math_unary-inl.hpp>
