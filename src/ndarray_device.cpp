#define SYMGRAD_UNIT_NDARRAY_DEVICE
#include <symgrad/ndarray/device-inl.hpp>
