// The implementation files of io/ without image codecs: compiled once into libsymgrad (src/),
// or included by the entry headers in header-only mode. The image files (image, im2rec,
// image_record_iter) are libsymgrad_image's (<symgrad/image.hpp>).
#pragma once
#include "bucket_sentence_iter-inl.hpp"
#include "csv_iter-inl.hpp"
#include "data_iter_base-inl.hpp"
#include "libsvm_iter-inl.hpp"
#include "mnist_iter-inl.hpp"
#include "ndarray_iter-inl.hpp"
#include "prefetching_iter-inl.hpp"
#include "recordio-inl.hpp"
#include "resize_iter-inl.hpp"
#include "row_iter-inl.hpp"
