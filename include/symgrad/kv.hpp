// KVStore (sg::kv, as mx.kvstore): "local"/"device" in every build, "dist_sync",
// "dist_device_sync" and "nccl" across mpirun workers with the symgrad-mpi dependency.
#pragma once
#include "kv/kvstore.hpp"
#include "ndarray.hpp"
#include "opt.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "kv/all-inl.hpp"
#if defined(SYMGRAD_WITH_MPI) && SYMGRAD_WITH_MPI
#include "kv/mpi_store-inl.hpp"
#endif
#endif
