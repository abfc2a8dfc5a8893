// Definitions of kv/kvstore.hpp.
#pragma once
#include <algorithm>
#include <cctype>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include "kvstore.hpp"
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_KV_KVSTORE)
namespace SYMGRAD_NS::kv {

SYMGRAD_INLINE int KVStore::rank() const { return 0; }
SYMGRAD_INLINE int KVStore::num_workers() const { return 1; }
SYMGRAD_INLINE bool KVStore::distributed() const { return false; }
SYMGRAD_INLINE void KVStore::barrier() {}
SYMGRAD_INLINE bool KVStore::all_workers(bool mine) { return mine; }
SYMGRAD_INLINE void KVStore::push(const std::string& key, std::span<const NDArray> values) {
  scratch_.clear();
  scratch_.push_back(&merge(key, values, "push"));
  apply(scratch_);
}
SYMGRAD_INLINE void KVStore::push(const std::vector<std::string>& keys, const std::vector<NDArray>& values) {
  check_lengths("push", keys.size(), values.size());
  scratch_.clear();
  try {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      Entry& e = merge(keys[i], {&values[i], 1}, "push");
      if (e.pending)
        throw ValueError("kvstore push: key '" + keys[i] + "' appears twice in one push; give it once");
      e.pending = true;
      scratch_.push_back(&e);
    }
  } catch (...) {
    for (Entry* e : scratch_) e->pending = false;
    throw;
  }
  for (Entry* e : scratch_) e->pending = false;
  apply(scratch_);
}
SYMGRAD_INLINE void KVStore::pull(const std::string& key, std::span<const NDArray> outs) const {
  const Entry& e = find(key, "pull");
  for (const auto& o : outs) copy_out(e, o, "pull");
}
SYMGRAD_INLINE void KVStore::pull(const std::vector<std::string>& keys,
                                  const std::vector<NDArray>& outs) const {
  check_lengths("pull", keys.size(), outs.size());
  for (std::size_t i = 0; i < keys.size(); ++i) pull(keys[i], outs[i]);
}
SYMGRAD_INLINE void KVStore::pushpull(const std::string& key, const NDArray& value, const NDArray& out) {
  push(key, value);
  pull(key, out);
}
SYMGRAD_INLINE void KVStore::pushpull(const std::vector<std::string>& keys,
                                      const std::vector<NDArray>& values, const std::vector<NDArray>& outs) {
  push(keys, values);
  pull(keys, outs);
}
SYMGRAD_INLINE void KVStore::set_optimizer(std::shared_ptr<opt::Optimizer> o) {
  if (!o) throw ValueError("kvstore set_optimizer: the optimizer is null");
  optimizer_ = std::move(o);
  if (!idx2name_.empty()) optimizer_->set_param_names(idx2name_);  // numeric keys keep the optimizer's names
}
SYMGRAD_INLINE void KVStore::save_optimizer_states(const std::string& path) const {
  need_optimizer("save_optimizer_states");
  if (rank() == 0) optimizer_->save_states(path);
}
SYMGRAD_INLINE void KVStore::load_optimizer_states(const std::string& path) {
  need_optimizer("load_optimizer_states");
  optimizer_->load_states(path);
}
SYMGRAD_INLINE std::vector<std::string> KVStore::keys() const {
  std::vector<std::string> k;
  for (const auto& [name, e] : entries_) k.push_back(name);
  return k;
}
SYMGRAD_INLINE std::uint64_t KVStore::bytes_reduced() const { return 0; }
SYMGRAD_INLINE void KVStore::reduce(std::span<Entry* const>) {}
SYMGRAD_INLINE void KVStore::check_init(const std::vector<std::pair<std::string, std::string>>&,
                                        const std::string&) {}
SYMGRAD_INLINE void KVStore::broadcast_init(std::span<Entry* const>) {}
SYMGRAD_INLINE std::string KVStore::unsupported(const std::vector<std::string>&,
                                                const std::vector<NDArray>&) {
  return {};
}
SYMGRAD_INLINE std::vector<std::size_t> KVStore::assign_indices(const std::vector<std::string>& keys,
                                                                const std::vector<std::size_t>& given) {
  std::map<std::size_t, std::string> owner;
  for (const auto& [k, e] : entries_) owner[e.index] = k;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    std::size_t at = !given.empty() ? given[i]
                     : numeric(key) ? static_cast<std::size_t>(std::stoul(key))
                                    : next_index_;
    if (given.empty() && !numeric(key))
      while (owner.count(at)) ++at;
    if (auto o = owner.find(at); o != owner.end())
      throw ValueError("kvstore init: key '" + key + "' would take index " + std::to_string(at) +
                       ", which key '" + o->second + "' has; use numbers or names for all keys");
    owner[at] = key;
    if (!numeric(key)) {
      if (given.empty()) next_index_ = at + 1;
      if (idx2name_.size() <= at) idx2name_.resize(at + 1);
      idx2name_[at] = key;
    }
    out.push_back(at);
  }
  return out;
}
SYMGRAD_INLINE auto KVStore::find(const std::string& key, const char* what) const -> const Entry& {
  auto it = entries_.find(key);
  if (it == entries_.end())
    throw NameError(std::string("kvstore ") + what + ": key '" + key +
                    "' was not initialized; call init(key, value) first");
  return it->second;
}
SYMGRAD_INLINE auto KVStore::merge(const std::string& key, std::span<const NDArray> values, const char* what)
    -> Entry& {
  Entry& e = const_cast<Entry&>(find(key, what));
  if (values.empty())
    throw ValueError(std::string("kvstore ") + what + ": no array given for key '" + key + "'");
  for (const auto& v : values)
    if (v.is_none() || !(v.shape() == e.stored.shape()))
      throw ShapeError(std::string("kvstore ") + what + ": key '" + key + "' holds shape " +
                       e.stored.shape().str() + " but was given " +
                       (v.is_none() ? std::string("an empty array") : v.shape().str()));
  values[0].copy_to(e.merged);
  for (std::size_t i = 1; i < values.size(); ++i) add_into(e.merged, values[i]);
  return e;
}
SYMGRAD_INLINE void KVStore::add_into(const NDArray& acc, const NDArray& v) {
  NDArray c = v;
  if (!(c.context() == acc.context())) c = c.copy_to(acc.context());
  if (c.dtype() != acc.dtype()) c = c.astype(acc.dtype());
#if SYMGRAD_WITH_CUDA
  if (acc.context().device_type == DeviceType::gpu) {
    cuda::binary(acc.context().device_id, acc.dtype(), cuda::BinaryOp::add, acc.size(), acc.raw_data(),
                 c.raw_data(), 0.0, acc.raw_data(), OpReq::write);
    return;
  }
#endif
  dispatch_dtype(acc.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_floating_point_v<T>) {
      T* a = acc.data<T>();
      const T* b = c.data<T>();
      for (std::int64_t i = 0, n = acc.size(); i < n; ++i) a[i] += b[i];
    }
  });
}
SYMGRAD_INLINE void KVStore::apply(std::span<Entry* const> es) {
  reduce(es);
  for (Entry* e : es) {
    if (optimizer_)
      optimizer_->update(e->index, e->stored, e->merged);
    else
      e->merged.copy_to(e->stored);
  }
}
SYMGRAD_INLINE void KVStore::copy_out(const Entry& e, const NDArray& out, const char* what) {
  if (out.is_none() || !(out.shape() == e.stored.shape()))
    throw ShapeError(std::string("kvstore ") + what + ": key '" + e.key + "' holds shape " +
                     e.stored.shape().str() + " but the output is " +
                     (out.is_none() ? std::string("an empty array") : out.shape().str()));
  e.stored.copy_to(const_cast<NDArray&>(out));
}
SYMGRAD_INLINE void KVStore::check_lengths(const char* what, std::size_t keys, std::size_t values) {
  if (keys != values)
    throw ValueError(std::string("kvstore ") + what + ": " + std::to_string(keys) + " keys but " +
                     std::to_string(values) + " arrays; give one array per key");
}

}  // namespace SYMGRAD_NS::kv
namespace SYMGRAD_NS::kv {

namespace detail {
SYMGRAD_INLINE DistFactory& dist_factory() {
  static DistFactory f = nullptr;
  return f;
}
}  // namespace detail

inline std::unique_ptr<KVStore> create_dist(const std::string& type, const KVStoreOptions& o) {
  if (auto f = detail::dist_factory()) return f(type, o);
  throw ValueError(
      "kvstore '" + type +
      "' needs MPI, and this program was built without it: install Open MPI (apt-get install "
      "openmpi-bin libopenmpi-dev), build symgrad with -Dmpi=enabled and use the symgrad-mpi dependency "
      "(it links libsymgrad_mpi), then start the program with mpirun -np N");
}

SYMGRAD_INLINE std::unique_ptr<KVStore> create(const std::string& type, const KVStoreOptions& o) {
  if (type == "local" || type == "device" || type == "local_update_cpu" || type == "local_allreduce_cpu" ||
      type == "local_allreduce_device")
    return std::make_unique<LocalStore>(type);
  if (type == "dist_sync" || type == "dist_device_sync") return create_dist(type, o);
  if (type == "dist_async" || type == "dist_sync_device" || type == "dist")
    throw ValueError(
        "kvstore '" + type +
        "' is not available: symgrad's distributed store is synchronous over MPI; use 'dist_sync'");
  if (type == "nccl") {
#if SYMGRAD_WITH_CUDA
    if (detail::dist_factory()) return create_dist(type, o);  // NCCL across the mpirun workers, one GPU each
    return std::make_unique<LocalStore>(type);  // one process: its GPUs' arrays are summed in the store
#else
    throw DeviceError(
        "kvstore 'nccl' sums gpu(n) arrays through NCCL, and this build has no CUDA backend; for CPU "
        "processes use 'dist_sync' (over MPI) or 'local'");
#endif
  }
  throw ValueError("kvstore: unknown type '" + type +
                   "'; use 'local', 'device', 'dist_sync', 'dist_device_sync' or 'nccl'");
}

}  // namespace SYMGRAD_NS::kv
#endif
