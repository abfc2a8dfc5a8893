// NCCL for the distributed kvstore on gpu(n) arrays. libnccl.so.2 is opened at first use, not
// linked, so that the library loads (and CPU-only or single-GPU programs run) on machines
// without NCCL; nccl_unavailable_reason() then says what is missing.
//
// Communicators are non-blocking (ncclConfig_t::blocking = 0), so that no call can wait forever
// for a peer that died: every wait polls with a deadline, and past it the communicator is
// aborted and the caller gets a DeviceError.
#include <dlfcn.h>
#include <nccl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "common.cuh"

namespace symgrad::cuda {
namespace {

static_assert(sizeof(NcclId) == sizeof(ncclUniqueId), "NcclId must hold an ncclUniqueId");

struct Nccl {
  bool loaded = false;
  std::string reason;
  int version = 0;
  ncclResult_t (*get_version)(int*) = nullptr;
  const char* (*error_string)(ncclResult_t) = nullptr;
  const char* (*last_error)(ncclComm_t) = nullptr;
  ncclResult_t (*get_unique_id)(ncclUniqueId*) = nullptr;
  ncclResult_t (*comm_init_rank_config)(ncclComm_t*, int, ncclUniqueId, int, ncclConfig_t*) = nullptr;
  ncclResult_t (*comm_get_async_error)(ncclComm_t, ncclResult_t*) = nullptr;
  ncclResult_t (*comm_abort)(ncclComm_t) = nullptr;
  ncclResult_t (*comm_finalize)(ncclComm_t) = nullptr;
  ncclResult_t (*comm_destroy)(ncclComm_t) = nullptr;
  ncclResult_t (*all_reduce)(const void*, void*, size_t, ncclDataType_t, ncclRedOp_t, ncclComm_t,
                             cudaStream_t) = nullptr;
  ncclResult_t (*broadcast)(const void*, void*, size_t, ncclDataType_t, int, ncclComm_t,
                            cudaStream_t) = nullptr;
};

template <class F>
bool bind_symbol(void* lib, const char* name, F& f, std::string& reason) {
  f = reinterpret_cast<F>(dlsym(lib, name));
  if (!f && reason.empty())
    reason = std::string("libnccl.so.2 has no ") + name + " (NCCL 2.14 or newer is needed)";
  return f != nullptr;
}

// Opened once; never closed (communicators may live until exit).
const Nccl& nccl() {
  static const Nccl n = [] {
    Nccl r;
    void* lib = dlopen("libnccl.so.2", RTLD_NOW | RTLD_LOCAL);
    std::string first_error = lib ? "" : dlerror();
    const char* dirs[] = {std::getenv("CUDA_HOME"), std::getenv("CUDA_PATH"), "/usr/local/cuda"};
    for (const char* dir : dirs) {
      if (lib || !dir || !*dir) continue;
      lib = dlopen((std::string(dir) + "/lib64/libnccl.so.2").c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    if (!lib) {
      r.reason = "NCCL is not installed (libnccl.so.2 was not found: " + first_error +
                 "); install the libnccl2 package or the NCCL that comes with the CUDA toolkit, or add its "
                 "directory to LD_LIBRARY_PATH";
      return r;
    }
    bool ok = bind_symbol(lib, "ncclGetVersion", r.get_version, r.reason) &&
              bind_symbol(lib, "ncclGetErrorString", r.error_string, r.reason) &&
              bind_symbol(lib, "ncclGetLastError", r.last_error, r.reason) &&
              bind_symbol(lib, "ncclGetUniqueId", r.get_unique_id, r.reason) &&
              bind_symbol(lib, "ncclCommInitRankConfig", r.comm_init_rank_config, r.reason) &&
              bind_symbol(lib, "ncclCommGetAsyncError", r.comm_get_async_error, r.reason) &&
              bind_symbol(lib, "ncclCommAbort", r.comm_abort, r.reason) &&
              bind_symbol(lib, "ncclCommFinalize", r.comm_finalize, r.reason) &&
              bind_symbol(lib, "ncclCommDestroy", r.comm_destroy, r.reason) &&
              bind_symbol(lib, "ncclAllReduce", r.all_reduce, r.reason) &&
              bind_symbol(lib, "ncclBroadcast", r.broadcast, r.reason);
    if (!ok) return r;
    r.get_version(&r.version);
    if (r.version < 21400) {
      r.reason = "the NCCL found (" + std::to_string(r.version) +
                 ") is older than 2.14, which non-blocking "
                 "communicators need";
      return r;
    }
    r.loaded = true;
    return r;
  }();
  return n;
}

const Nccl& loaded(const char* what) {
  const Nccl& n = nccl();
  if (!n.loaded) throw DeviceError(std::string(what) + ": " + n.reason);
  return n;
}

std::string describe(const Nccl& n, ncclResult_t r, ncclComm_t comm) {
  std::string s = std::string(n.error_string(r));
  const char* last = n.last_error(comm);
  if (last && *last) s += ": " + std::string(last);
  return s;
}

struct Comm {
  ncclComm_t comm = nullptr;
  int dev = 0, rank = 0, nranks = 1;
  bool broken = false;  // aborted after an error or a timeout
};

Comm& comm_of(NcclComm c, const char* what) {
  if (!c) throw DeviceError(std::string(what) + ": the NCCL communicator is null");
  Comm& k = *static_cast<Comm*>(c);
  if (k.broken)
    throw DeviceError(std::string(what) +
                      ": the NCCL communicator was aborted after an earlier error or timeout; "
                      "the job cannot go on");
  return k;
}

[[noreturn]] void abort_with(const Nccl& n, Comm& k, const std::string& why) {
  k.broken = true;
  n.comm_abort(k.comm);
  throw DeviceError(why);
}

std::string waited_text(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

// Waits until the communicator has no call in progress (and, with `stream`, until the stream has
// run what was queued on it), at most timeout_s seconds.
void wait_done(const Nccl& n, Comm& k, cudaStream_t stream, double timeout_s, const char* what) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  for (long spins = 0;; ++spins) {
    ncclResult_t state = ncclSuccess;
    n.comm_get_async_error(k.comm, &state);
    if (state != ncclSuccess && state != ncclInProgress)
      abort_with(n, k,
                 std::string("NCCL ") + what + " failed on rank " + std::to_string(k.rank) + ": " +
                     describe(n, state, k.comm) + " (another worker may have died)");
    if (state == ncclSuccess) {
      if (!stream) return;
      cudaError_t e = cudaStreamQuery(stream);
      if (e == cudaSuccess) return;
      if (e != cudaErrorNotReady) detail::fail(e, what);
    }
    if (spins % 64 != 63) continue;
    double waited = std::chrono::duration<double>(clock::now() - start).count();
    if (waited > timeout_s)
      abort_with(n, k,
                 std::string("NCCL ") + what + ": waited " + waited_text(waited) + " s on rank " +
                     std::to_string(k.rank) + " for the other workers: a worker has died or hangs");
    if (waited > 0.05)
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    else
      std::this_thread::yield();
  }
}

ncclDataType_t nccl_type(DType t, const char* what) {
  if (t == DType::float32) return ncclFloat32;
  if (t == DType::float64) return ncclFloat64;
  throw DeviceError(std::string(what) + ": dtype " + std::string(dtype_name(t)) +
                    " is not summed; use float32 or float64");
}

// Issues a collective, then waits for it (and its stream) with the deadline.
template <class Call>
void collective(NcclComm c, int dev, double timeout_s, const char* what, Call&& call) {
  const Nccl& n = loaded(what);
  Comm& k = comm_of(c, what);
  if (dev != k.dev)
    throw DeviceError(std::string(what) + ": the communicator is on gpu(" + std::to_string(k.dev) +
                      ") but the array is on gpu(" + std::to_string(dev) +
                      "); keep all of a worker's keys on one GPU");
  auto& d = detail::device(dev);
  ncclResult_t r = call(n, k.comm, d.stream);
  if (r != ncclSuccess && r != ncclInProgress)
    abort_with(n, k,
               std::string("NCCL ") + what + " failed on rank " + std::to_string(k.rank) + ": " +
                   describe(n, r, k.comm));
  wait_done(n, k, d.stream, timeout_s, what);
}

}  // namespace

std::string nccl_unavailable_reason() { return nccl().reason; }
int nccl_version() { return nccl().version; }

NcclId nccl_unique_id() {
  const Nccl& n = loaded("ncclGetUniqueId");
  ncclUniqueId id;
  ncclResult_t r = n.get_unique_id(&id);
  if (r != ncclSuccess) throw DeviceError(std::string("ncclGetUniqueId failed: ") + n.error_string(r));
  NcclId out;
  std::memcpy(out.bytes, &id, sizeof id);
  return out;
}

NcclComm nccl_comm_init(int dev, int nranks, int rank, const NcclId& id, double timeout_s) {
  const Nccl& n = loaded("creating the NCCL communicator");
  if (nranks < 1 || rank < 0 || rank >= nranks)
    throw DeviceError("creating the NCCL communicator: rank " + std::to_string(rank) + " of " +
                      std::to_string(nranks) + " is out of range");
  detail::device(dev);  // checks the device and makes it current
  ncclUniqueId uid;
  std::memcpy(&uid, id.bytes, sizeof uid);
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;
  auto k = std::make_unique<Comm>();
  k->dev = dev, k->rank = rank, k->nranks = nranks;
  ncclResult_t r = n.comm_init_rank_config(&k->comm, nranks, uid, rank, &config);
  if (r != ncclSuccess && r != ncclInProgress) {
    std::string why = std::string("creating the NCCL communicator (rank ") + std::to_string(rank) + " of " +
                      std::to_string(nranks) + " on gpu(" + std::to_string(dev) +
                      ")) failed: " + n.error_string(r);
    if (k->comm) n.comm_abort(k->comm);
    throw DeviceError(why);
  }
  wait_done(n, *k, nullptr, timeout_s, "communicator creation");
  return k.release();
}

void nccl_all_reduce(NcclComm c, int dev, DType t, void* data, std::size_t count, double timeout_s) {
  if (count == 0) return;
  ncclDataType_t nt = nccl_type(t, "allreduce");
  collective(c, dev, timeout_s, "allreduce", [&](const Nccl& n, ncclComm_t comm, cudaStream_t s) {
    return n.all_reduce(data, data, count, nt, ncclSum, comm, s);
  });
}

void nccl_broadcast(NcclComm c, int dev, DType t, void* data, std::size_t count, int root, double timeout_s) {
  if (count == 0) return;
  ncclDataType_t nt = nccl_type(t, "broadcast");
  collective(c, dev, timeout_s, "broadcast", [&](const Nccl& n, ncclComm_t comm, cudaStream_t s) {
    return n.broadcast(data, data, count, nt, root, comm, s);
  });
}

// Finalizes (flushing NCCL's work, for at most 10 s) and destroys; aborts when that fails.
void nccl_comm_destroy(NcclComm c) noexcept {
  if (!c) return;
  std::unique_ptr<Comm> k(static_cast<Comm*>(c));
  const Nccl& n = nccl();
  if (!n.loaded || !k->comm || k->broken) return;
  ncclResult_t r = n.comm_finalize(k->comm);
  if (r == ncclSuccess || r == ncclInProgress) {
    try {
      wait_done(n, *k, nullptr, 10.0, "communicator finalize");
    } catch (const DeviceError&) {
      return;  // aborted
    }
    n.comm_destroy(k->comm);
  } else {
    n.comm_abort(k->comm);
  }
}

}  // namespace symgrad::cuda
