// libsymgrad: data iterators and RecordIO.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_IO_DATA_ITER
#define SYMGRAD_UNIT_IO_MNIST_ITER
#define SYMGRAD_UNIT_IO_RECORDIO

#include <symgrad/io/data_iter-inl.hpp>
#include <symgrad/io/mnist_iter-inl.hpp>
#include <symgrad/io/recordio-inl.hpp>
