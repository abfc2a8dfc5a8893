#define SYMGRAD_UNIT_NDARRAY_IO
#include <symgrad/ndarray/io-inl.hpp>
