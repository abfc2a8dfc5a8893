// mx.io: DataDesc, DataBatch, the DataIter protocol, NDArrayIter, ResizeIter and PrefetchingIter,
// as MXNet 1.9.1's python/mxnet/io/io.py.
//
// One header each: data_iter_base.hpp (DataDesc, DataBatch, the DataIter protocol),
// ndarray_iter.hpp, resize_iter.hpp and prefetching_iter.hpp.
#pragma once
#include "data_iter_base.hpp"
#include "ndarray_iter.hpp"
#include "prefetching_iter.hpp"
#include "resize_iter.hpp"
