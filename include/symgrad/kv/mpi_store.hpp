// The distributed stores over MPI ("dist_sync", "dist_device_sync", "nccl" across workers) are
// made by kv::create (kv/kvstore.hpp) in programs built with the symgrad-mpi dependency; their
// implementation is kv/mpi_store-inl.hpp (libsymgrad_mpi). This header also brings MPI's C API.
#pragma once
// The C API only: the C++ bindings of Open MPI / MPICH are deprecated and warn under -Wextra.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include "kvstore.hpp"
