#define SYMGRAD_UNIT_NDARRAY_RANDOM
#include <symgrad/ndarray/random-inl.hpp>
