// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_IO_IMAGE_RECORD_ITER
#include <symgrad/io/image_record_iter-inl.hpp>
