#define SYMGRAD_UNIT_IO_DATA_ITER
#include <symgrad/io/data_iter-inl.hpp>
