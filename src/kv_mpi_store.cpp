// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_KV_MPI_STORE
#include <symgrad/kv/mpi_store-inl.hpp>
