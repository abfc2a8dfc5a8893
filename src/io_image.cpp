#define SYMGRAD_UNIT_IO_IMAGE
#include <symgrad/io/image-inl.hpp>
