// Every implementation file of kv/: compiled once into libsymgrad (src/; the MPI store is libsymgrad_mpi), or
// included by the entry headers in header-only mode.
#pragma once
#include "kvstore-inl.hpp"
