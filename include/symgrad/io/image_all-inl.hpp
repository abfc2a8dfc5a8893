// The implementation files of io/ that need libjpeg-turbo and libpng: compiled once into
// libsymgrad_image (src/), or included by <symgrad/image.hpp> in header-only mode.
#pragma once
#include "im2rec-inl.hpp"
#include "image-inl.hpp"
#include "image_augment-inl.hpp"
#include "image_record_iter-inl.hpp"
