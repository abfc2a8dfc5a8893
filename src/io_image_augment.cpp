// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_IO_IMAGE_AUGMENT
#include <symgrad/io/image_augment-inl.hpp>
