// libsymgrad: data iterators and RecordIO.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_IO_BUCKET_SENTENCE_ITER
#define SYMGRAD_UNIT_IO_CSV_ITER
#define SYMGRAD_UNIT_IO_DATA_ITER_BASE
#define SYMGRAD_UNIT_IO_LIBSVM_ITER
#define SYMGRAD_UNIT_IO_MNIST_ITER
#define SYMGRAD_UNIT_IO_NDARRAY_ITER
#define SYMGRAD_UNIT_IO_PREFETCHING_ITER
#define SYMGRAD_UNIT_IO_RECORDIO
#define SYMGRAD_UNIT_IO_RESIZE_ITER
#define SYMGRAD_UNIT_IO_ROW_ITER

#include <symgrad/io/bucket_sentence_iter-inl.hpp>
#include <symgrad/io/csv_iter-inl.hpp>
#include <symgrad/io/data_iter_base-inl.hpp>
#include <symgrad/io/libsvm_iter-inl.hpp>
#include <symgrad/io/mnist_iter-inl.hpp>
#include <symgrad/io/ndarray_iter-inl.hpp>
#include <symgrad/io/prefetching_iter-inl.hpp>
#include <symgrad/io/recordio-inl.hpp>
#include <symgrad/io/resize_iter-inl.hpp>
#include <symgrad/io/row_iter-inl.hpp>
