// Definitions of io/data_iter.hpp.
#pragma once
#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include "data_iter.hpp"

namespace SYMGRAD_NS::io {
struct PrefetchingIter::Sync {
  std::mutex m;
  std::condition_variable cv;
  std::thread worker;
};
}  // namespace SYMGRAD_NS::io

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_DATA_ITER)
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

SYMGRAD_INLINE int DataDesc::batch_axis() const {
  auto p = layout.find('N');
  return p == std::string::npos ? 0 : static_cast<int>(p);
}
SYMGRAD_INLINE const DataBatch& DataIter::value() const { return batch_; }
SYMGRAD_INLINE std::int64_t DataIter::num_batches() const { return -1; }
namespace detail {
SYMGRAD_INLINE void shuffle(std::vector<std::int64_t>& v, nd::random::Generator& g) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[g.next() % i]);
}
SYMGRAD_INLINE Shape batch_shape(const Shape& s, std::int64_t batch) {
  Shape r = s;
  r[0] = batch;
  return r;
}
SYMGRAD_INLINE void copy_reusing(const NDArray& src, NDArray& dst) {
  if (dst.is_none() || !(dst.shape() == src.shape()) || dst.dtype() != src.dtype())
    dst = NDArray(src.shape(), cpu(), src.dtype());
  std::memcpy(dst.raw_data(), src.raw_data(), src.nbytes());
}
}  // namespace detail
SYMGRAD_INLINE std::vector<DataDesc> NDArrayIter::provide_data() const { return descs(data_); }
SYMGRAD_INLINE std::vector<DataDesc> NDArrayIter::provide_label() const { return descs(label_); }
SYMGRAD_INLINE void NDArrayIter::reset() {
  if (o_.shuffle) detail::shuffle(order_, gen_);
  const std::int64_t bs = o_.batch_size;
  ended_ = false;
  if (o_.last_batch_handle == "roll_over" && num_data_ - bs < cursor_ && cursor_ < num_data_)
    cursor_ = cursor_ - num_data_ - bs;
  else
    cursor_ = -bs;
}
SYMGRAD_INLINE void NDArrayIter::hard_reset() {
  if (o_.shuffle) detail::shuffle(order_, gen_);
  cursor_ = -o_.batch_size;
  has_cache_ = ended_ = false;
}
SYMGRAD_INLINE bool NDArrayIter::next() {
  const std::int64_t bs = o_.batch_size, n = num_data_;
  if (ended_) return false;
  cursor_ += bs;
  if (cursor_ >= n) return ended_ = true, false;
  rows_.clear();
  int pad = 0;
  if (o_.last_batch_handle == "roll_over" && -bs < cursor_ && cursor_ < 0) {
    rows_ = cache_;  // the rolled-over rows, then the start of this epoch
    has_cache_ = false;
    rows_.insert(rows_.end(), order_.begin(), order_.begin() + std::min(cursor_ + bs, n));
    pad = static_cast<int>(-cursor_);
  } else if (o_.last_batch_handle == "pad" && cursor_ + bs > n) {
    rows_.assign(order_.begin() + cursor_, order_.end());
    pad = static_cast<int>(cursor_ + bs - n);
    for (std::int64_t j = 0; j < pad; ++j) rows_.push_back(order_[static_cast<std::size_t>(j % n)]);
  } else {
    rows_.assign(order_.begin() + cursor_, order_.begin() + std::min(cursor_ + bs, n));
  }
  if (static_cast<std::int64_t>(rows_.size()) != bs) {  // partial: kept for 'roll_over', else dropped
    cache_ = rows_;
    has_cache_ = ended_ = true;
    return false;
  }
  for (std::size_t i = 0; i < data_.size(); ++i) gather(data_[i].second, batch_.data[i]);
  for (std::size_t i = 0; i < label_.size(); ++i) gather(label_[i].second, batch_.label[i]);
  batch_.pad = pad;
  batch_.index = rows_;
  return true;
}
SYMGRAD_INLINE std::int64_t NDArrayIter::num_batches() const {
  const std::int64_t bs = o_.batch_size, n = num_data_;
  if (o_.last_batch_handle == "pad") return (n + bs - 1) / bs;
  bool carried = o_.last_batch_handle == "roll_over" && has_cache_ && -bs < cursor_ + bs && cursor_ + bs < 0;
  return (n + (carried ? static_cast<std::int64_t>(cache_.size()) : 0)) / bs;
}
SYMGRAD_INLINE auto NDArrayIter::single(const NDArray& a, const std::string& name) -> Named {
  if (a.is_none()) return {};
  return {{name, a}};
}
SYMGRAD_INLINE auto NDArrayIter::listed(const std::vector<NDArray>& v, const std::string& name) -> Named {
  if (v.size() == 1) return {{name, v[0]}};
  Named r;
  for (std::size_t i = 0; i < v.size(); ++i) r.emplace_back("_" + std::to_string(i) + "_" + name, v[i]);
  return r;
}
SYMGRAD_INLINE void NDArrayIter::check_inputs() {
  const auto& [first_name, first] = data_[0];
  std::map<std::string, int> seen;
  for (auto* list : {&data_, &label_}) {
    for (auto& [name, a] : *list) {
      if (++seen[name] > 1) throw ValueError("NDArrayIter: two inputs are named '" + name + "'");
      if (a.is_none()) throw ValueError("NDArrayIter: input '" + name + "' is an empty (none) array");
      if (a.ndim() < 1)
        throw ShapeError("NDArrayIter: input '" + name + "' has shape " + a.shape().str() +
                         "; it needs a first (example) dimension");
      if (a.shape()[0] != first.shape()[0])
        throw ShapeError("NDArrayIter: input '" + name + "' has " + std::to_string(a.shape()[0]) +
                         " examples (shape " + a.shape().str() + ") but '" + first_name + "' has " +
                         std::to_string(first.shape()[0]) + " (shape " + first.shape().str() +
                         "); every data and label array needs the same first dimension");
      if (a.context() != cpu()) a = a.copy_to(cpu());
    }
  }
  if (first.shape()[0] < 1) throw ValueError("NDArrayIter: input '" + first_name + "' has no examples");
}
SYMGRAD_INLINE std::vector<DataDesc> NDArrayIter::descs(const Named& list) const {
  std::vector<DataDesc> r;
  for (const auto& [name, a] : list)
    r.push_back({name, detail::batch_shape(a.shape(), o_.batch_size), a.dtype(), "NCHW"});
  return r;
}
SYMGRAD_INLINE void NDArrayIter::gather(const NDArray& src, NDArray& dst) const {
  const std::size_t row = src.nbytes() / static_cast<std::size_t>(src.shape()[0]);
  const char* s = static_cast<const char*>(src.raw_data());
  char* d = static_cast<char*>(dst.raw_data());
  for (std::size_t i = 0; i < rows_.size(); ++i)
    std::memcpy(d + i * row, s + static_cast<std::size_t>(rows_[i]) * row, row);
}
SYMGRAD_INLINE void ResizeIter::reset() {
  cur_ = 0;
  if (reset_internal_) inner_->reset();
}
SYMGRAD_INLINE bool ResizeIter::next() {
  if (cur_ == size_) return false;
  if (!inner_->next()) {
    inner_->reset();
    if (!inner_->next()) return false;  // an inner iterator with no batch at all
  }
  ++cur_;
  return true;
}
SYMGRAD_INLINE const DataBatch& ResizeIter::value() const { return inner_->value(); }
SYMGRAD_INLINE std::vector<DataDesc> ResizeIter::provide_data() const { return inner_->provide_data(); }
SYMGRAD_INLINE std::vector<DataDesc> ResizeIter::provide_label() const { return inner_->provide_label(); }
SYMGRAD_INLINE std::int64_t ResizeIter::num_batches() const { return size_; }
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
    } catch (...) {
      err = std::current_exception();
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
