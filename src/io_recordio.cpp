#define SYMGRAD_UNIT_IO_RECORDIO
#include <symgrad/io/recordio-inl.hpp>
