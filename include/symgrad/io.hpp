// Data: DataIter, NDArrayIter, MNISTIter (as mx.io) and RecordIO files (sg::recordio). Images
// (im2rec, ImageRecordIter) are in <symgrad/image.hpp>.
#pragma once
#include "io/csv_iter.hpp"
#include "io/data_iter.hpp"
#include "io/mnist_iter.hpp"
#include "io/recordio.hpp"
#include "ndarray.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "io/all-inl.hpp"
#endif
