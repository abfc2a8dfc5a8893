// Images: JPEG/PNG decoding and encoding, im2rec (lists and records) and ImageRecordIter, from
// libsymgrad_image (the symgrad-image dependency, which needs libjpeg-turbo and libpng).
#pragma once
#include "io.hpp"
#include "io/im2rec.hpp"
#include "io/image.hpp"
#include "io/image_record_iter.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "io/image_all-inl.hpp"
#endif
