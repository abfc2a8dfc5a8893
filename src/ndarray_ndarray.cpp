#define SYMGRAD_UNIT_NDARRAY_NDARRAY
#include <symgrad/ndarray/ndarray-inl.hpp>
