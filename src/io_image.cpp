// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_IO_IMAGE
#include <symgrad/io/image-inl.hpp>
