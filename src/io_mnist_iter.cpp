#define SYMGRAD_UNIT_IO_MNIST_ITER
#include <symgrad/io/mnist_iter-inl.hpp>
