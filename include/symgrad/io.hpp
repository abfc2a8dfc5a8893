// Data: DataIter, NDArrayIter, MNISTIter, CSVIter, LibSVMIter (as mx.io), BucketSentenceIter (as
// mx.rnn's) and RecordIO files (sg::recordio). Images (im2rec, ImageRecordIter) are in
// <symgrad/image.hpp>.
#pragma once
#include "io/bucket_sentence_iter.hpp"
#include "io/csv_iter.hpp"
#include "io/data_iter.hpp"
#include "io/libsvm_iter.hpp"
#include "io/mnist_iter.hpp"
#include "io/recordio.hpp"
#include "ndarray.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "io/all-inl.hpp"
#endif
