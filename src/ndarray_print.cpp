#define SYMGRAD_UNIT_NDARRAY_PRINT
#include <symgrad/ndarray/print-inl.hpp>
