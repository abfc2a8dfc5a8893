// Definitions of io/prefetching_iter.hpp.
#pragma once
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include "prefetching_iter.hpp"

namespace SYMGRAD_NS::io {
struct PrefetchingIter::Sync {
  std::mutex m;
  std::condition_variable cv;
  std::thread worker;
};
}  // namespace SYMGRAD_NS::io

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_PREFETCHING_ITER)
namespace SYMGRAD_NS::io {

SYMGRAD_INLINE PrefetchingIter::PrefetchingIter(std::vector<std::reference_wrapper<DataIter>> iters,
                                                const PrefetchingIterOptions& o)
    : iters_(std::move(iters)), sync_(std::make_unique<Sync>()) {
  if (iters_.empty()) throw ValueError("PrefetchingIter: no inner iterator given");
  provide_data_ = renamed(o.rename_data, true, "rename_data");
  provide_label_ = renamed(o.rename_label, false, "rename_label");
  if (provide_data_.empty() || provide_data_[0].shape.ndim() < 1)
    throw ValueError("PrefetchingIter: the first inner iterator provides no data");
  batch_size_ = provide_data_[0].shape[0];
  num_batches_ = iters_[0].get().num_batches();
  for (auto& b : slots_) b.provide_data = provide_data_, b.provide_label = provide_label_;
  sync_->worker = std::thread([this] { run(); });
  request();
}

namespace detail {
SYMGRAD_INLINE void copy_reusing(const NDArray& src, NDArray& dst) {
  if (dst.is_none() || !(dst.shape() == src.shape()) || dst.dtype() != src.dtype())
    dst = NDArray(src.shape(), cpu(), src.dtype());
  std::memcpy(dst.raw_data(), src.raw_data(), src.nbytes());
}
}  // namespace detail
SYMGRAD_INLINE PrefetchingIter::~PrefetchingIter() {
  {
    std::unique_lock lock(sync_->m);
    stop_ = true;
  }
  sync_->cv.notify_all();
  sync_->worker.join();
}
SYMGRAD_INLINE std::vector<DataDesc> PrefetchingIter::provide_data() const { return provide_data_; }
SYMGRAD_INLINE std::vector<DataDesc> PrefetchingIter::provide_label() const { return provide_label_; }
SYMGRAD_INLINE const DataBatch& PrefetchingIter::value() const { return slots_[front_]; }
SYMGRAD_INLINE std::int64_t PrefetchingIter::num_batches() const { return num_batches_; }
SYMGRAD_INLINE bool PrefetchingIter::next() {
  std::unique_lock lock(sync_->m);
  if (!in_flight_) {
    if (exhausted_) return false;
    request_locked();
  }
  sync_->cv.wait(lock, [this] { return ready_; });
  ready_ = in_flight_ = false;
  if (error_) {
    auto e = std::exchange(error_, nullptr);
    std::rethrow_exception(e);
  }
  if (!has_next_) {
    exhausted_ = true;
    return false;
  }
  front_ = 1 - front_;  // the worker filled the back slot
  request_locked();
  return true;
}
SYMGRAD_INLINE void PrefetchingIter::reset() {
  std::unique_lock lock(sync_->m);
  if (in_flight_) sync_->cv.wait(lock, [this] { return ready_; });
  ready_ = in_flight_ = exhausted_ = false;
  error_ = nullptr;
  for (auto& it : iters_) it.get().reset();
  num_batches_ = iters_[0].get().num_batches();
  request_locked();
}
SYMGRAD_INLINE std::vector<DataDesc> PrefetchingIter::renamed(
    const std::vector<std::map<std::string, std::string>>& maps, bool data, const char* what) const {
  if (!maps.empty() && maps.size() != iters_.size())
    throw ValueError(std::string("PrefetchingIter: ") + what + " has " + std::to_string(maps.size()) +
                     " maps for " + std::to_string(iters_.size()) + " iterators");
  std::vector<DataDesc> r;
  for (std::size_t i = 0; i < iters_.size(); ++i) {
    for (auto d : data ? iters_[i].get().provide_data() : iters_[i].get().provide_label()) {
      if (!maps.empty()) {
        auto it = maps[i].find(d.name);
        if (it == maps[i].end())
          throw NameError(std::string("PrefetchingIter: ") + what + "[" + std::to_string(i) +
                          "] has no entry for '" + d.name +
                          "'; give one new name per input of that iterator");
        d.name = it->second;
      }
      r.push_back(d);
    }
  }
  return r;
}
SYMGRAD_INLINE void PrefetchingIter::request() {
  std::unique_lock lock(sync_->m);
  request_locked();
}
SYMGRAD_INLINE void PrefetchingIter::request_locked() {
  in_flight_ = requested_ = true;
  sync_->cv.notify_all();
}
SYMGRAD_INLINE void PrefetchingIter::run() {
  std::unique_lock lock(sync_->m);
  for (;;) {
    sync_->cv.wait(lock, [this] { return requested_ || stop_; });
    if (stop_) return;
    requested_ = false;
    DataBatch& back = slots_[1 - front_];
    lock.unlock();
    bool has = false;
    std::exception_ptr err;
    try {
      has = fetch(back);
    } catch (const Error&) {
      err = std::current_exception();
    } catch (const std::exception& e) {  // std::bad_alloc and the like reach next() as an sg::Error
      err = std::make_exception_ptr(
          IOError(std::string("PrefetchingIter: the wrapped iterator failed: ") + e.what()));
    }
    lock.lock();
    has_next_ = has;
    error_ = err;
    ready_ = true;
    sync_->cv.notify_all();
  }
}
SYMGRAD_INLINE bool PrefetchingIter::fetch(DataBatch& back) {
  std::size_t nd = 0, nl = 0, ended = 0;
  int pad = 0;
  for (std::size_t i = 0; i < iters_.size(); ++i) {
    DataIter& it = iters_[i].get();
    if (!it.next()) {
      ++ended;
      continue;
    }
    const DataBatch& b = it.value();
    if (i == 0)
      pad = b.pad, back.index = b.index;
    else if (b.pad != pad)
      throw ValueError("PrefetchingIter: inner iterator " + std::to_string(i) + " has pad " +
                       std::to_string(b.pad) + " but iterator 0 has " + std::to_string(pad) +
                       "; the iterators must yield the same examples");
    for (const auto& a : b.data) copy_into(back.data, nd++, a);
    for (const auto& a : b.label) copy_into(back.label, nl++, a);
  }
  if (ended != 0 && ended != iters_.size())
    throw ValueError("PrefetchingIter: " + std::to_string(ended) + " of " + std::to_string(iters_.size()) +
                     " inner iterators ended before the others; they must yield the same number of batches");
  if (ended) return false;
  back.data.resize(nd);
  back.label.resize(nl);
  back.pad = pad;
  return true;
}
SYMGRAD_INLINE void PrefetchingIter::copy_into(std::vector<NDArray>& list, std::size_t i, const NDArray& a) {
  if (list.size() <= i) list.resize(i + 1);
  NDArray src = a.context() == cpu() ? a : a.copy_to(cpu());
  detail::copy_reusing(src, list[i]);
}

}  // namespace SYMGRAD_NS::io
#endif
