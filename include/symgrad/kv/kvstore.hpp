// KVStore: MXNet's mx.kv. Workers push gradients to keyed arrays and pull the weights back; with
// an optimizer set, the update runs in the store.
//   auto kv = sg::kv::create("local");             // "device"; "dist_sync" under mpirun
//   kv->init("fc1_weight", w);
//   kv->set_optimizer(sg::opt::create("sgd", {{"learning_rate", 0.1}}));
//   kv->push("fc1_weight", grad);                  // several arrays for one key are summed
//   kv->pull("fc1_weight", w);                     // or kv->pushpull(key, grad, w)
//
// As MXNet:
// * a key is a name or a number (numbers are the optimizer's index for that key; a name is both
//   the index's name for lr_mult / wd_mult and, by its order of init, the index);
// * push without an optimizer stores the sum of what was pushed (over workers too, for dist_*);
//   with one, the store's weight takes one optimizer step with that sum as its gradient;
// * init on dist_* stores rank 0's value everywhere, so pull gives every worker the same weights.
// Differences: the lists' forms take one array per key (use the single-key form with a list of
// arrays to sum several devices' arrays); save_optimizer_states also works for dist_sync, since
// every worker keeps the same optimizer state (rank 0 writes the file).
//
// "dist_sync" and "dist_device_sync" need a build with MPI (-Dmpi=enabled, symgrad-mpi); the
// store is in kv/mpi_store.hpp and create() finds it when SYMGRAD_WITH_MPI is defined. "nccl" is
// that store for gpu(n) keys, summed through NCCL (with the CUDA backend too); with the CUDA
// backend and no MPI it is the local store.
#pragma once
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/world.hpp"
#include "../ndarray/ndarray.hpp"
#include "../opt/optimizer.hpp"

namespace SYMGRAD_NS::kv {

struct KVStoreOptions {
  // dist_*: seconds a worker waits in one collective step for the others before it stops the
  // job with an error (a worker died or hangs). <= 0: SYMGRAD_KV_TIMEOUT from the environment,
  // else 600.
  double timeout_s = 0;
  // dist_*: gradients are summed across workers in messages of about this many bytes.
  std::size_t bucket_bytes = std::size_t{4} << 20;
};

class KVStore {
 public:
  explicit KVStore(std::string type) : type_(std::move(type)) {}
  virtual ~KVStore() = default;
  KVStore(const KVStore&) = delete;
  KVStore& operator=(const KVStore&) = delete;

  const std::string& type() const { return type_; }
  virtual int rank() const;
  virtual int num_workers() const;
  // True for the stores that sum over processes (dist_sync, dist_device_sync, nccl under MPI).
  virtual bool distributed() const;
  // Returns once every worker has called it.
  virtual void barrier();
  // True when every worker passes true (Module::fit ends an epoch when any worker's data does).
  virtual bool all_workers(bool mine);

  void init(const std::string& key, const NDArray& value) { init(std::vector<std::string>{key}, {value}); }
  void init(int key, const NDArray& value) { init(std::to_string(key), value); }
  // `indices`, if given, are the optimizer's indices of the keys (a Module passes the argument
  // positions, so its optimizer states read the same with or without a store).
  void init(const std::vector<std::string>& keys, const std::vector<NDArray>& values,
            const std::vector<std::size_t>& indices = {}) {
    // Checked here first; a distributed store then compares every worker's keys and problems, so
    // that all workers throw together or none does (none is left waiting in a collective).
    std::exception_ptr problem;
    std::string problem_text;
    std::vector<std::size_t> idx;
    std::vector<std::pair<std::string, std::string>> described;  // key, "shape dtype"
    const auto saved_names = idx2name_;
    const auto saved_next = next_index_;
    try {
      check_lengths("init", keys.size(), values.size());
      if (!indices.empty()) check_lengths("init (indices)", keys.size(), indices.size());
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].empty()) throw ValueError("kvstore init: a key must not be empty");
        if (entries_.count(keys[i]))
          throw ValueError("kvstore init: key '" + keys[i] + "' is already initialized (init each key once)");
        if (values[i].is_none())
          throw ValueError("kvstore init: the value for key '" + keys[i] + "' is an empty array");
        if (values[i].dtype() != DType::float32 && values[i].dtype() != DType::float64)
          throw TypeError("kvstore init: key '" + keys[i] + "' has dtype " +
                          std::string(dtype_name(values[i].dtype())) +
                          "; the store holds float32 or float64 arrays");
        for (std::size_t j = 0; j < i; ++j)
          if (keys[j] == keys[i])
            throw ValueError("kvstore init: key '" + keys[i] + "' appears twice in one init");
        described.emplace_back(keys[i],
                               values[i].shape().str() + " " + std::string(dtype_name(values[i].dtype())));
      }
      if (std::string why = unsupported(keys, values); !why.empty()) throw DeviceError(why);
      idx = assign_indices(keys, indices);
    } catch (const std::exception& e) {
      problem = std::current_exception();
      problem_text = e.what();
      described.clear();
      idx2name_ = saved_names;
      next_index_ = saved_next;
    }
    try {
      check_init(described, problem_text);
    } catch (...) {
      idx2name_ = saved_names;
      next_index_ = saved_next;
      throw;
    }
    if (problem) std::rethrow_exception(problem);
    std::vector<Entry*> fresh;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      Entry& e = entries_[keys[i]];
      e.key = keys[i];
      e.index = idx[i];
      e.stored = values[i].copy();
      e.merged = NDArray(values[i].shape(), values[i].context(), values[i].dtype());
      fresh.push_back(&e);
    }
    scratch_.reserve(entries_.size());
    broadcast_init(fresh);
    if (optimizer_ && !idx2name_.empty()) optimizer_->set_param_names(idx2name_);
  }

  void push(const std::string& key, const NDArray& value) { push(key, std::span<const NDArray>(&value, 1)); }
  // Several arrays for one key (one per device): their sum is pushed.
  void push(const std::string& key, std::span<const NDArray> values);
  void push(const std::vector<std::string>& keys, const std::vector<NDArray>& values);
  void push(int key, const NDArray& value) { push(std::to_string(key), value); }

  void pull(const std::string& key, const NDArray& out) const { copy_out(find(key, "pull"), out, "pull"); }
  void pull(const std::string& key, std::span<const NDArray> outs) const;
  void pull(const std::vector<std::string>& keys, const std::vector<NDArray>& outs) const;
  void pull(int key, const NDArray& out) const { pull(std::to_string(key), out); }

  // push, then pull into `outs` (which may be the pushed arrays themselves).
  void pushpull(const std::string& key, const NDArray& value, const NDArray& out);
  void pushpull(const std::vector<std::string>& keys, const std::vector<NDArray>& values,
                const std::vector<NDArray>& outs);

  // The optimizer applied on push (MXNet's update_on_kvstore). Its parameter names become the
  // store's keys, for lr_mult / wd_mult.
  void set_optimizer(std::shared_ptr<opt::Optimizer> o);
  void set_optimizer(std::unique_ptr<opt::Optimizer> o) {
    set_optimizer(std::shared_ptr<opt::Optimizer>(std::move(o)));
  }
  opt::Optimizer* optimizer() const { return optimizer_.get(); }

  // Rank 0 writes (every worker holds the same states); the file appears complete or not at all.
  // No worker waits for the others here, so calling it on rank 0 alone is fine.
  void save_optimizer_states(const std::string& path) const;
  void load_optimizer_states(const std::string& path);

  bool has_key(const std::string& key) const { return entries_.count(key) != 0; }
  std::vector<std::string> keys() const;
  // Bytes this worker has handed to the transport for summing (0 for local stores).
  virtual std::uint64_t bytes_reduced() const;

 protected:
  struct Entry {
    std::string key;
    std::size_t index = 0;
    NDArray stored;  // the weight (or, without an optimizer, the last sum)
    NDArray merged;  // the sum being applied
    bool pending = false;
  };
  // Sums every entry's `merged` over the workers, in place (nothing to do in one process).
  virtual void reduce(std::span<Entry* const>);
  // Throws on every worker if any worker had a problem (its text) or initializes other keys,
  // shapes or dtypes (`described`: key, "shape dtype"). Nothing to compare in one process.
  virtual void check_init(const std::vector<std::pair<std::string, std::string>>&, const std::string&);
  // Makes rank 0's initial values everyone's.
  virtual void broadcast_init(std::span<Entry* const>);
  // Why this store cannot hold these values (their devices), or "".
  virtual std::string unsupported(const std::vector<std::string>&, const std::vector<NDArray>&);

 private:
  static bool numeric(const std::string& k) {
    return !k.empty() && k.size() <= 9 && std::all_of(k.begin(), k.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  }
  // The optimizer index of each key: the one given, the number of a numeric key, else the next
  // free one (names are also recorded for lr_mult / wd_mult).
  std::vector<std::size_t> assign_indices(const std::vector<std::string>& keys,
                                          const std::vector<std::size_t>& given);
  const Entry& find(const std::string& key, const char* what) const;
  Entry& merge(const std::string& key, std::span<const NDArray> values, const char* what);
  // acc += v; v may be on another device or of another dtype.
  static void add_into(const NDArray& acc, const NDArray& v);
  void apply(std::span<Entry* const> es);
  static void copy_out(const Entry& e, const NDArray& out, const char* what);
  static void check_lengths(const char* what, std::size_t keys, std::size_t values);
  void need_optimizer(const char* what) const {
    if (!optimizer_)
      throw ValueError(std::string("kvstore ") + what + ": no optimizer is set; call set_optimizer first");
  }

  std::string type_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> idx2name_;
  std::size_t next_index_ = 0;
  std::shared_ptr<opt::Optimizer> optimizer_;
  std::vector<Entry*> scratch_;
};

// "local" and "device": one process; arrays of several devices are summed in the store.
class LocalStore : public KVStore {
 public:
  explicit LocalStore(std::string type = "local") : KVStore(std::move(type)) {}
};

// mx.kv.create(name).
std::unique_ptr<KVStore> create(const std::string& type = "local", const KVStoreOptions& o = {});

namespace detail {
// Makes the distributed stores ("dist_sync", "dist_device_sync", "nccl" across workers): set by
// libsymgrad_mpi (kv/mpi_store-inl.hpp) when the program is built with it, else null.
using DistFactory = std::unique_ptr<KVStore> (*)(const std::string& type, const KVStoreOptions& o);
DistFactory& dist_factory();
}  // namespace detail

}  // namespace SYMGRAD_NS::kv

#if defined(SYMGRAD_WITH_MPI) && SYMGRAD_WITH_MPI && !defined(SYMGRAD_HEADER_ONLY)
// Programs built with the symgrad-mpi dependency refer to libsymgrad_mpi, whose store then
// registers itself when the program starts.
extern "C" const char symgrad_mpi_store[];
namespace symgrad::detail {
[[gnu::used]] static const char* const mpi_store_check = ::symgrad_mpi_store;
}  // namespace symgrad::detail
#endif
