// The process's place among the workers of a data-parallel job: its rank and the number of
// workers. A distributed store registers them when it is created; before that (or in a build
// without MPI) they come from the launcher's environment: Open MPI's OMPI_COMM_WORLD_RANK /
// OMPI_COMM_WORLD_SIZE, PMI_RANK / PMI_SIZE (MPICH, Intel MPI) or SLURM_PROCID / SLURM_NTASKS
// (srun). A process that no launcher started is worker 0 of 1.
//
// Data iterators take their default num_parts / part_index from here, so that under
// `mpirun -np N` each worker reads its own part without being told. Pass num_parts = 1 to make
// every process read all of the data.
#pragma once
#include <cstdlib>
#include <string>

#include "error.hpp"

namespace SYMGRAD_NS::kv {

struct World {
  int rank = 0;
  int size = 1;
};

namespace detail {

inline World& registered_world() {
  static World w{-1, -1};
  return w;
}

inline int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long x = std::strtol(v, &end, 10);
  if (*end != '\0' || x < 0 || x > 1 << 24) return fallback;
  return static_cast<int>(x);
}

}  // namespace detail

// What the launcher says, ignoring any store.
inline World launcher_world() {
  for (auto [rank, size] : {std::pair{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                            std::pair{"PMI_RANK", "PMI_SIZE"}, std::pair{"SLURM_PROCID", "SLURM_NTASKS"}}) {
    int n = detail::env_int(size, 0), r = detail::env_int(rank, -1);
    if (n >= 1 && r >= 0 && r < n) return {r, n};
  }
  return {0, 1};
}

// The registered world of a distributed store, else the launcher's.
inline World world() {
  const World& w = detail::registered_world();
  return w.size >= 1 ? w : launcher_world();
}

inline void register_world(World w) { detail::registered_world() = w; }

// Resolves an iterator's num_parts / part_index: -1 means "this process's share" (world()).
inline std::pair<int, int> resolve_parts(int num_parts, int part_index, const std::string& who) {
  World w = world();
  int parts = num_parts < 0 ? w.size : num_parts;
  int index = part_index >= 0 ? part_index : (parts == w.size ? w.rank : 0);
  if (parts < 1 || index >= parts)
    throw ValueError(who + ": part_index must lie in [0, num_parts); got part_index " +
                     std::to_string(index) + " and num_parts " + std::to_string(parts) +
                     (num_parts < 0 || part_index < 0
                          ? " (defaults from the launcher: worker " + std::to_string(w.rank) + " of " +
                                std::to_string(w.size) + ")"
                          : std::string()));
  return {parts, index};
}

}  // namespace SYMGRAD_NS::kv
