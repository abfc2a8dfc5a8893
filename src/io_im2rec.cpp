// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_IO_IM2REC
#include <symgrad/io/im2rec-inl.hpp>
