// "dist_sync" over MPI: every worker (an MPI process of MPI_COMM_WORLD) pushes its gradients,
// they are summed with MPI_Allreduce, and every worker applies the same update to its own copy
// of the weights, so all copies stay equal without a parameter server.
// * Gradients travel in buckets of about KVStoreOptions::bucket_bytes, many small parameters in
//   one message; the bucket buffer is allocated once.
// * init checks that every worker initializes the same keys with the same shapes and dtypes (an
//   error names the key and the ranks, on every rank), then broadcasts rank 0's values.
// * Every collective waits at most timeout_s seconds. A worker that died or hangs makes the
//   others print which step they waited in and stop the job (MPI_Abort), never hang. Open MPI's
//   mpirun also stops the job as soon as one process exits with an error.
// * gpu(n) arrays (a build with the CUDA backend) are summed on the GPU through NCCL, one GPU per
//   worker: the communicator is made at the first init of a GPU key (its id travels over MPI),
//   buckets are packed on the device, and the NCCL calls wait at most timeout_s as well. This is
//   the "nccl" store; "dist_sync" and "dist_device_sync" do the same for GPU keys.
// MPI is started (MPI_THREAD_FUNNELED: only the thread that trains calls MPI) by the first store
// if the program did not, and finalized at exit.
// Implementation of the MPI store (libsymgrad_mpi, or header-only with SYMGRAD_WITH_MPI).
#pragma once
#include <algorithm>
#include <map>
#include <memory>
#include <span>
#include <utility>
// The C API only: the C++ bindings of Open MPI / MPICH are deprecated and warn under -Wextra.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "../core/world.hpp"
#include "kvstore.hpp"
#include "mpi_store.hpp"
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

namespace SYMGRAD_NS::kv {

namespace detail {

// Starts MPI once per process, finalizes it at exit if it started it.
class MpiSession {
 public:
  static MpiSession& instance() {
    static MpiSession s;
    return s;
  }
  ~MpiSession() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (started_ && !finalized) MPI_Finalize();
  }

 private:
  MpiSession() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        throw Error("kvstore dist_sync: MPI_Init_thread failed; start the program with mpirun -np N");
      started_ = true;
      if (provided < MPI_THREAD_FUNNELED)
        throw Error(
            "kvstore dist_sync: this MPI library gives no thread support (MPI_THREAD_FUNNELED), which the "
            "store needs as the library runs worker threads; use Open MPI or MPICH built with threads");
    }
  }
  bool started_ = false;
};

inline MPI_Datatype mpi_type(DType t) { return t == DType::float64 ? MPI_DOUBLE : MPI_FLOAT; }

}  // namespace detail

class DistSyncStore : public KVStore {
 public:
  DistSyncStore(std::string type, const KVStoreOptions& o) : KVStore(std::move(type)), o_(o) {
    detail::MpiSession::instance();
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    timeout_s_ = o.timeout_s > 0 ? o.timeout_s : 600.0;
    if (o.timeout_s <= 0)
      if (const char* v = std::getenv("SYMGRAD_KV_TIMEOUT")) {
        char* end = nullptr;
        double t = std::strtod(v, &end);
        if (end != v && *end == '\0' && t > 0) timeout_s_ = t;
      }
    if (o_.bucket_bytes < 1024) o_.bucket_bytes = 1024;
    comm_ = MPI_COMM_WORLD;  // for the messages of dup itself
    MPI_Comm dup = MPI_COMM_NULL;
    MPI_Request r;
    check(MPI_Comm_idup(MPI_COMM_WORLD, &dup, &r), "creating the store's communicator");
    wait(r, "creating the store's communicator (every worker creates the store)");
    comm_ = dup;
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
    register_world({rank_, size_});
  }
  ~DistSyncStore() override {
#if SYMGRAD_WITH_CUDA
    cuda::nccl_comm_destroy(nccl_);
#endif
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Comm_free(&comm_);
  }

  int rank() const override { return rank_; }
  int num_workers() const override { return size_; }
  bool distributed() const override { return true; }
  void barrier() override {
    MPI_Request r;
    check(MPI_Ibarrier(comm_, &r), "barrier");
    wait(r, "barrier");
  }
  std::uint64_t bytes_reduced() const override { return bytes_; }
  bool all_workers(bool mine) override {
    int v = mine ? 1 : 0;
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MIN, comm_, &r), "allreduce");
    wait(r, "agreeing whether every worker has a batch");
    return v == 1;
  }
  double timeout_s() const { return timeout_s_; }

 protected:
  void reduce(std::span<Entry* const> es) override {
    for_buckets(es, [&](std::span<Entry* const> b, DType t, std::size_t count) {
      const Context ctx = b[0]->merged.context();
      const bool gpu = ctx.device_type == DeviceType::gpu;
      if (size_ == 1 && !gpu) return;
      // One entry: summed where it lies; several: packed into one message.
      void* data = b.size() == 1 ? b[0]->merged.raw_data() : staging(count * dtype_size(t), ctx);
      if (b.size() > 1) pack(b, t, data, [](Entry* e) -> const NDArray& { return e->merged; });
      if (gpu) {
#if SYMGRAD_WITH_CUDA
        nccl_call("summing the gradients (NCCL allreduce)",
                  [&] { cuda::nccl_all_reduce(nccl_, ctx.device_id, t, data, count, timeout_s_); });
#endif
      } else {
        MPI_Request r;
        check(MPI_Iallreduce(MPI_IN_PLACE, data, static_cast<int>(count), detail::mpi_type(t), MPI_SUM, comm_,
                             &r),
              "allreduce");
        wait(r, "summing the gradients (allreduce)");
      }
      if (b.size() > 1) unpack(b, t, data, [](Entry* e) -> NDArray& { return e->merged; });
      bytes_ += count * dtype_size(t);
    });
  }

  void broadcast_init(std::span<Entry* const> es) override {
    for_buckets(es, [&](std::span<Entry* const> b, DType t, std::size_t count) {
      const Context ctx = b[0]->stored.context();
      const bool gpu = ctx.device_type == DeviceType::gpu;
      if (size_ == 1 && !gpu) return;
      void* data = staging(count * dtype_size(t), ctx);
      if (rank_ == 0) pack(b, t, data, [](Entry* e) -> const NDArray& { return e->stored; });
      if (gpu) {
#if SYMGRAD_WITH_CUDA
        open_nccl(ctx.device_id);
        nccl_call("broadcasting rank 0's initial values (NCCL broadcast)",
                  [&] { cuda::nccl_broadcast(nccl_, ctx.device_id, t, data, count, 0, timeout_s_); });
#endif
      } else {
        MPI_Request r;
        check(MPI_Ibcast(data, static_cast<int>(count), detail::mpi_type(t), 0, comm_, &r), "broadcast");
        wait(r, "broadcasting rank 0's initial values");
      }
      unpack(b, t, data, [](Entry* e) -> NDArray& { return e->stored; });
    });
  }

  // GPU keys need NCCL and one GPU per worker; "nccl" holds GPU keys only.
  std::string unsupported(const std::vector<std::string>& keys, const std::vector<NDArray>& values) override {
    int dev = nccl_dev_;
    for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i) {
      const Context c = values[i].context();
      if (c.device_type != DeviceType::gpu) {
        if (type() == "nccl")
          return "kvstore nccl sums gpu(n) arrays through NCCL, but key '" + keys[i] + "' is on " + c.str() +
                 "; bind the module on gpu(n), or use kvstore 'dist_sync' for CPU arrays";
        continue;
      }
#if SYMGRAD_WITH_CUDA
      if (std::string why = cuda::nccl_unavailable_reason(); !why.empty())
        return "kvstore " + type() + ": key '" + keys[i] + "' is on " + c.str() +
               ", and GPU arrays are summed across the workers through NCCL, which cannot be used here: " +
               why;
#endif
      if (dev >= 0 && c.device_id != dev)
        return "kvstore " + type() + ": key '" + keys[i] + "' is on " + c.str() +
               " but this worker's other keys are on gpu(" + std::to_string(dev) +
               "); each worker sums its keys on one GPU (start one process per GPU)";
      dev = c.device_id;
    }
    return {};
  }

  // Every rank sends its problem (or none) and its "key shape dtype" list, length-prefixed; all
  // ranks decide from the same data, so they throw the same error or go on together.
  void check_init(const std::vector<std::pair<std::string, std::string>>& described,
                  const std::string& problem) override {
    std::string mine = field(problem.empty() ? "ok" : "error") + field(problem);
    for (const auto& [key, what] : described) mine += field(key) + field(what);
    std::vector<std::string> all = allgather(mine, "init (exchanging the keys)");
    std::vector<std::vector<std::string>> fields(all.size());
    for (std::size_t k = 0; k < all.size(); ++k) fields[k] = split_fields(all[k]);
    for (std::size_t k = 0; k < fields.size(); ++k)
      if (fields[k].size() >= 2 && fields[k][0] == "error")
        throw ValueError("kvstore " + type() + " init failed on rank " + std::to_string(k) + ": " +
                         fields[k][1]);
    auto table = [&](std::size_t k) {
      std::vector<std::pair<std::string, std::string>> t;
      for (std::size_t i = 2; i + 1 < fields[k].size(); i += 2)
        t.emplace_back(fields[k][i], fields[k][i + 1]);
      return t;
    };
    const auto zero = table(0);
    std::map<std::string, std::string> zero_map(zero.begin(), zero.end());
    for (std::size_t k = 1; k < fields.size(); ++k) {
      const auto other = table(k);
      std::map<std::string, std::string> other_map(other.begin(), other.end());
      const std::string rk = "rank " + std::to_string(k);
      for (const auto& [key, what] : zero) {
        auto it = other_map.find(key);
        if (it == other_map.end())
          throw ValueError("kvstore " + type() + " init: key '" + key +
                           "' is initialized on rank 0 but not on " + rk +
                           "; every worker must init the same keys (the same model)");
        if (it->second != what)
          throw ValueError("kvstore " + type() + " init: key '" + key + "' is " + what + " on rank 0 but " +
                           it->second + " on " + rk + "; every worker must build the same model");
      }
      for (const auto& [key, what] : other)
        if (!zero_map.count(key))
          throw ValueError("kvstore " + type() + " init: key '" + key + "' is initialized on " + rk +
                           " but not on rank 0; every worker must init the same keys (the same model)");
      if (other != zero)
        throw ValueError("kvstore " + type() + " init: rank 0 and " + rk +
                         " initialize the same keys in different orders; init them in the same order");
    }
  }

 private:
  // Consecutive entries of one dtype, up to bucket_bytes (an entry larger than that is a bucket
  // of its own).
  template <class F>
  void for_buckets(std::span<Entry* const> es, F&& f) {
    std::size_t i = 0;
    while (i < es.size()) {
      DType t = es[i]->stored.dtype();
      Context ctx = es[i]->stored.context();
      std::size_t bytes = 0, count = 0, j = i;
      while (j < es.size() && es[j]->stored.dtype() == t && es[j]->stored.context() == ctx) {
        std::size_t n = static_cast<std::size_t>(es[j]->stored.size());
        if (j > i && bytes + n * dtype_size(t) > o_.bucket_bytes) break;
        bytes += n * dtype_size(t), count += n, ++j;
      }
      if (count > static_cast<std::size_t>(INT32_MAX))
        throw ValueError("kvstore " + type() + ": key '" + es[i]->key + "' has more than 2^31 elements");
      f(es.subspan(i, j - i), t, count);
      i = j;
    }
  }
  // A buffer of at least `bytes` in host or device memory, kept for the next buckets.
  void* staging(std::size_t bytes, Context ctx) {
    const std::size_t want = std::max(bytes, std::min(o_.bucket_bytes, std::size_t{1} << 30));
    if (ctx.device_type == DeviceType::cpu) {
      if (buffer_.size() < bytes) buffer_.resize(want);
      return buffer_.data();
    }
    if (gpu_buffer_.is_none() || static_cast<std::size_t>(gpu_buffer_.size()) < bytes)
      gpu_buffer_ = NDArray(Shape{static_cast<std::int64_t>(want)}, ctx, DType::uint8);
    return gpu_buffer_.raw_data();
  }
  // Copies the entries' arrays into one buffer (on their device), and back.
  template <class Source>
  void pack(std::span<Entry* const> b, DType t, void* buffer, Source&& source) {
    std::size_t off = 0;
    for (Entry* e : b) {
      const NDArray& src = source(e);
      std::size_t n = static_cast<std::size_t>(src.size()) * dtype_size(t);
      device::copy(static_cast<unsigned char*>(buffer) + off, src.context(), src.raw_data(), src.context(),
                   n);
      off += n;
    }
  }
  template <class Target>
  void unpack(std::span<Entry* const> b, DType t, const void* buffer, Target&& target) {
    std::size_t off = 0;
    for (Entry* e : b) {
      NDArray& dst = target(e);
      std::size_t n = static_cast<std::size_t>(dst.size()) * dtype_size(t);
      device::copy(dst.raw_data(), dst.context(), static_cast<const unsigned char*>(buffer) + off,
                   dst.context(), n);
      off += n;
    }
  }

#if SYMGRAD_WITH_CUDA
  // The NCCL communicator of all workers on gpu(dev), made once: rank 0's id travels over MPI.
  void open_nccl(int dev) {
    if (nccl_) return;
    cuda::NcclId id{};
    if (rank_ == 0) nccl_call("making the NCCL id", [&] { id = cuda::nccl_unique_id(); });
    MPI_Request r;
    check(MPI_Ibcast(id.bytes, static_cast<int>(sizeof id.bytes), MPI_BYTE, 0, comm_, &r), "broadcast");
    wait(r, "sending the NCCL id to the workers");
    nccl_call("creating the NCCL communicator",
              [&] { nccl_ = cuda::nccl_comm_init(dev, size_, rank_, id, timeout_s_); });
    nccl_dev_ = dev;
  }
  // An NCCL failure or timeout leaves the others waiting: it stops the job, as MPI's do.
  template <class F>
  void nccl_call(const char* what, F&& f) {
    try {
      f();
    } catch (const DeviceError& e) {
      stop(std::string(what) + ": " + e.what());
    }
  }
#endif

  static std::string field(const std::string& x) { return std::to_string(x.size()) + ":" + x; }
  static std::vector<std::string> split_fields(const std::string& s) {
    std::vector<std::string> out;
    std::size_t p = 0;
    while (p < s.size()) {
      std::size_t colon = s.find(':', p);
      std::size_t n = std::stoul(s.substr(p, colon - p));
      out.push_back(s.substr(colon + 1, n));
      p = colon + 1 + n;
    }
    return out;
  }
  // Every rank's string, in rank order.
  std::vector<std::string> allgather(const std::string& mine, const char* what) {
    int len = static_cast<int>(mine.size());
    std::vector<int> lens(static_cast<std::size_t>(size_)), offs(static_cast<std::size_t>(size_));
    MPI_Request r;
    check(MPI_Iallgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, comm_, &r), "allgather");
    wait(r, what);
    int total = 0;
    for (std::size_t k = 0; k < lens.size(); ++k) offs[k] = total, total += lens[k];
    std::string all(static_cast<std::size_t>(total), '\0');
    check(MPI_Iallgatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), offs.data(), MPI_CHAR, comm_,
                          &r),
          "allgatherv");
    wait(r, what);
    std::vector<std::string> out;
    for (std::size_t k = 0; k < lens.size(); ++k)
      out.push_back(all.substr(static_cast<std::size_t>(offs[k]), static_cast<std::size_t>(lens[k])));
    return out;
  }

  void check(int rc, const char* what) {
    if (rc == MPI_SUCCESS) return;
    char msg[MPI_MAX_ERROR_STRING];
    int n = 0;
    MPI_Error_string(rc, msg, &n);
    stop(std::string(what) + " failed: " + std::string(msg, static_cast<std::size_t>(n)));
  }
  // Polls the request until it completes or the timeout passes.
  void wait(MPI_Request& r, const char* what) {
    using clock = std::chrono::steady_clock;
    auto start = clock::now();
    // MPI_Test drives the collective forward (its rounds progress only inside MPI calls), so it
    // is called back to back at first; after 50 ms of waiting some worker is busy or stuck, and
    // the polling slows down to leave the cores to it.
    for (long spins = 0;; ++spins) {
      int done = 0;
      check(MPI_Test(&r, &done, MPI_STATUS_IGNORE), what);
      if (done) return;
      if (spins % 64 != 63) continue;
      double waited = std::chrono::duration<double>(clock::now() - start).count();
      if (waited > 0.05)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      else
        std::this_thread::yield();
      if (waited > timeout_s_) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f", waited);
        stop(std::string("waited ") + buf + " s in " + what +
             " for the other workers: a worker has died or hangs (or the workers have different numbers of "
             "batches). "
             "The limit is SYMGRAD_KV_TIMEOUT seconds (KVStoreOptions::timeout_s)");
      }
    }
  }
  [[noreturn]] void stop(const std::string& why) {
    std::fprintf(stderr, "symgrad kvstore %s, rank %d of %d: %s. Stopping all workers.\n", type().c_str(),
                 rank_, size_, why.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    std::abort();
  }

  KVStoreOptions o_;
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  double timeout_s_ = 600;
  std::vector<unsigned char> buffer_;
  NDArray gpu_buffer_;  // the device's packing buffer (GPU keys)
  int nccl_dev_ = -1;   // the GPU of this worker's keys
#if SYMGRAD_WITH_CUDA
  cuda::NcclComm nccl_ = nullptr;
#endif
  std::uint64_t bytes_ = 0;
};

inline std::unique_ptr<KVStore> make_dist_store(const std::string& type, const KVStoreOptions& o) {
  return std::make_unique<DistSyncStore>(type, o);
}

}  // namespace SYMGRAD_NS::kv

// The store registers itself with kv::create when libsymgrad_mpi is loaded (or, header-only, in
// each file built with SYMGRAD_WITH_MPI); programs built with symgrad-mpi refer to the symbol.
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_KV_MPI_STORE)
namespace SYMGRAD_NS::kv::detail {
namespace {
[[maybe_unused]] const bool dist_store_registered = (dist_factory() = &make_dist_store, true);
}  // namespace
}  // namespace SYMGRAD_NS::kv::detail
#endif
#if defined(SYMGRAD_UNIT_KV_MPI_STORE)
extern "C" {
extern const char symgrad_mpi_store[];
const char symgrad_mpi_store[] = "dist_sync over MPI";
}
#endif
