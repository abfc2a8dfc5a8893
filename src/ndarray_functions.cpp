#define SYMGRAD_UNIT_NDARRAY_FUNCTIONS
#include <symgrad/ndarray/functions-inl.hpp>
