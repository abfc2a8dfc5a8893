// mx.io: DataDesc, DataBatch, the DataIter protocol, NDArrayIter, ResizeIter and PrefetchingIter,
// as MXNet 1.9.1's python/mxnet/io/io.py.
//
// Protocol: `while (it.next()) { const DataBatch& b = it.value(); ... } it.reset();`. next()
// returns false at the end of an epoch (MXNet raises StopIteration). The arrays of value() are
// reused by the next call to next() or reset(): copy() what must outlive the step.
//
// Deliberate differences from MXNet:
// * NDArrayIter does not copy or permute its arrays: a shuffle permutes an index and each batch
//   gathers its rows, so the batch holds the same values as MXNet's for the same permutation. The
//   permutation comes from a seeded generator (`.seed`), not from numpy's global state.
// * NDArrayIter fills DataBatch::index with the row numbers of the batch (MXNet leaves it None).
// * Calling next() again after the end of an epoch changes nothing (MXNet moves its cursor on, so
//   a 'roll_over' iterator then forgets the examples it was to carry into the next epoch).
// * 'roll_over' with batch_size larger than the data set is rejected at construction (MXNet fails
//   in the second epoch slicing past the end of the arrays).
// * PrefetchingIter copies each prefetched batch into its own double buffer, so inner iterators
//   may reuse their arrays; one worker thread serves all the inner iterators.
#pragma once
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../ndarray/ndarray.hpp"
#include "../ndarray/random.hpp"
#include "../kv/world.hpp"

namespace symgrad::io {

// The name, shape (batch axis included), dtype and layout of one input, as mx.io.DataDesc.
struct DataDesc {
  std::string name;
  Shape shape;
  DType dtype = DType::float32;
  std::string layout = "NCHW";

  // Position of 'N' in the layout (0 when the layout has none, as MXNet's get_batch_axis).
  int batch_axis() const {
    auto p = layout.find('N');
    return p == std::string::npos ? 0 : static_cast<int>(p);
  }
  // "DataDesc[data,(32, 2),float32,NCHW]", as MXNet's repr.
  std::string str() const {
    return "DataDesc[" + name + "," + shape.str() + "," + std::string(dtype_name(dtype)) + "," + layout + "]";
  }
  friend bool operator==(const DataDesc&, const DataDesc&) = default;
};

// One batch: data and label arrays in provide_data / provide_label order; `pad` filler examples
// at the end; `index` the example numbers when the iterator knows them.
struct DataBatch {
  std::vector<NDArray> data, label;
  int pad = 0;
  std::vector<std::int64_t> index;
  std::vector<DataDesc> provide_data, provide_label;
};

class DataIter {
 public:
  explicit DataIter(std::int64_t batch_size = 0) : batch_size_(batch_size) {}
  DataIter(const DataIter&) = delete;
  DataIter& operator=(const DataIter&) = delete;
  virtual ~DataIter() = default;

  virtual void reset() = 0;
  // Advances to the next batch; false at the end of the epoch.
  virtual bool next() = 0;
  // The current batch (after next() returned true).
  virtual const DataBatch& value() const { return batch_; }
  virtual std::vector<DataDesc> provide_data() const = 0;
  virtual std::vector<DataDesc> provide_label() const = 0;
  std::int64_t batch_size() const { return batch_size_; }
  // Batches in the current epoch, -1 when unknown.
  virtual std::int64_t num_batches() const { return -1; }

 protected:
  std::int64_t batch_size_;
  DataBatch batch_;
};

namespace detail {

// Fisher-Yates over a seeded generator: the same order for the same seed on every machine.
inline void shuffle(std::vector<std::int64_t>& v, nd::random::Generator& g) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[g.next() % i]);
}

// A batch-sized array for `a`: its shape with the first dimension replaced by `batch`.
inline Shape batch_shape(const Shape& s, std::int64_t batch) {
  Shape r = s;
  r[0] = batch;
  return r;
}

// Copies `src` into `dst`, reallocating `dst` only when its shape or dtype differ.
inline void copy_reusing(const NDArray& src, NDArray& dst) {
  if (dst.is_none() || !(dst.shape() == src.shape()) || dst.dtype() != src.dtype())
    dst = NDArray(src.shape(), cpu(), src.dtype());
  std::memcpy(dst.raw_data(), src.raw_data(), src.nbytes());
}

}  // namespace detail

struct NDArrayIterOptions {
  std::int64_t batch_size = 1;
  bool shuffle = false;
  std::string last_batch_handle = "pad";  // "pad", "discard" or "roll_over"
  std::string data_name = "data";
  std::string label_name = "softmax_label";
  std::uint64_t seed = 0;  // for shuffle
  // Part part_index of num_parts equal contiguous parts of the examples (as MNISTIter's); -1:
  // this process's share under an MPI launcher (kv::world()), else all of them.
  int num_parts = -1;
  int part_index = -1;
};

// Batches over in-memory arrays (first dimension = examples), as mx.io.NDArrayIter. A single array
// is named data_name / label_name; a list of arrays _0_<name>, _1_<name> ...; named arrays keep
// their names. Inputs are then sorted by name, which is also their order in the batch.
class NDArrayIter : public DataIter {
 public:
  using Named = std::vector<std::pair<std::string, NDArray>>;

  NDArrayIter(const NDArray& data, const NDArray& label = {}, const NDArrayIterOptions& o = {})
      : NDArrayIter(single(data, o.data_name), single(label, o.label_name), o) {}
  NDArrayIter(const std::vector<NDArray>& data, const std::vector<NDArray>& label,
              const NDArrayIterOptions& o = {})
      : NDArrayIter(listed(data, o.data_name), listed(label, o.label_name), o) {}
  NDArrayIter(Named data, Named label, const NDArrayIterOptions& o = {})
      : DataIter(o.batch_size), o_(o), gen_(o.seed) {
    if (o.batch_size < 1)
      throw ValueError("NDArrayIter: batch_size must be at least 1, got " + std::to_string(o.batch_size));
    if (o.last_batch_handle != "pad" && o.last_batch_handle != "discard" &&
        o.last_batch_handle != "roll_over")
      throw ValueError(
          "NDArrayIter: last_batch_handle must be \"pad\", \"discard\" or \"roll_over\", got \"" +
          o.last_batch_handle + "\"");
    if (data.empty()) throw ValueError("NDArrayIter: no data arrays given");
    auto by_name = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::sort(data.begin(), data.end(), by_name);
    std::sort(label.begin(), label.end(), by_name);
    data_ = std::move(data);
    label_ = std::move(label);
    check_inputs();
    num_data_ = data_[0].second.shape()[0];
    auto [parts, part] = kv::resolve_parts(o.num_parts, o.part_index, "NDArrayIter");
    first_ = num_data_ * part / parts;
    num_data_ = num_data_ * (part + 1) / parts - first_;
    if (num_data_ == 0)
      throw ValueError("NDArrayIter: part " + std::to_string(part) + " of " + std::to_string(parts) +
                       " holds no examples; give more examples than parts");
    if (o.last_batch_handle == "roll_over" && o.batch_size > num_data_)
      throw ValueError("NDArrayIter: last_batch_handle \"roll_over\" needs batch_size (" +
                       std::to_string(o.batch_size) + ") <= the number of examples (" +
                       std::to_string(num_data_) + "); use \"pad\" instead");
    for (const auto& [n, a] : data_)
      batch_.data.emplace_back(detail::batch_shape(a.shape(), o.batch_size), cpu(), a.dtype());
    for (const auto& [n, a] : label_)
      batch_.label.emplace_back(detail::batch_shape(a.shape(), o.batch_size), cpu(), a.dtype());
    batch_.provide_data = provide_data();
    batch_.provide_label = provide_label();
    order_.resize(static_cast<std::size_t>(num_data_));
    std::iota(order_.begin(), order_.end(), first_);
    cursor_ = -o.batch_size;
    reset();
  }

  std::vector<DataDesc> provide_data() const override { return descs(data_); }
  std::vector<DataDesc> provide_label() const override { return descs(label_); }

  // Reshuffles when shuffle is on; with 'roll_over' the examples left over from the last, partial
  // batch start the next epoch.
  void reset() override {
    if (o_.shuffle) detail::shuffle(order_, gen_);
    const std::int64_t bs = o_.batch_size;
    ended_ = false;
    if (o_.last_batch_handle == "roll_over" && num_data_ - bs < cursor_ && cursor_ < num_data_)
      cursor_ = cursor_ - num_data_ - bs;
    else
      cursor_ = -bs;
  }
  // Starts over, dropping any rolled-over examples.
  void hard_reset() {
    if (o_.shuffle) detail::shuffle(order_, gen_);
    cursor_ = -o_.batch_size;
    has_cache_ = ended_ = false;
  }

  bool next() override {
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

  std::int64_t num_batches() const override {
    const std::int64_t bs = o_.batch_size, n = num_data_;
    if (o_.last_batch_handle == "pad") return (n + bs - 1) / bs;
    bool carried =
        o_.last_batch_handle == "roll_over" && has_cache_ && -bs < cursor_ + bs && cursor_ + bs < 0;
    return (n + (carried ? static_cast<std::int64_t>(cache_.size()) : 0)) / bs;
  }
  std::int64_t num_data() const { return num_data_; }

 private:
  static Named single(const NDArray& a, const std::string& name) {
    if (a.is_none()) return {};
    return {{name, a}};
  }
  static Named listed(const std::vector<NDArray>& v, const std::string& name) {
    if (v.size() == 1) return {{name, v[0]}};
    Named r;
    for (std::size_t i = 0; i < v.size(); ++i) r.emplace_back("_" + std::to_string(i) + "_" + name, v[i]);
    return r;
  }
  void check_inputs() {
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
  std::vector<DataDesc> descs(const Named& list) const {
    std::vector<DataDesc> r;
    for (const auto& [name, a] : list)
      r.push_back({name, detail::batch_shape(a.shape(), o_.batch_size), a.dtype(), "NCHW"});
    return r;
  }
  void gather(const NDArray& src, NDArray& dst) const {
    const std::size_t row = src.nbytes() / static_cast<std::size_t>(src.shape()[0]);
    const char* s = static_cast<const char*>(src.raw_data());
    char* d = static_cast<char*>(dst.raw_data());
    for (std::size_t i = 0; i < rows_.size(); ++i)
      std::memcpy(d + i * row, s + static_cast<std::size_t>(rows_[i]) * row, row);
  }

  NDArrayIterOptions o_;
  Named data_, label_;
  std::int64_t num_data_ = 0, cursor_ = 0, first_ = 0;  // first_: the part's first example
  std::vector<std::int64_t> order_, rows_, cache_;
  bool has_cache_ = false, ended_ = false;
  nd::random::Generator gen_;
};

// Makes an iterator yield exactly `size` batches per epoch, resetting it when it runs out, as
// mx.io.ResizeIter. Holds a reference: `inner` must outlive this iterator (or pass a shared_ptr).
class ResizeIter : public DataIter {
 public:
  ResizeIter(DataIter& inner, std::int64_t size, bool reset_internal = true)
      : ResizeIter(std::shared_ptr<DataIter>(&inner, [](DataIter*) {}), size, reset_internal) {}
  ResizeIter(std::shared_ptr<DataIter> inner, std::int64_t size, bool reset_internal = true)
      : DataIter(inner->batch_size()),
        inner_(std::move(inner)),
        size_(size),
        reset_internal_(reset_internal) {
    if (size < 0) throw ValueError("ResizeIter: size must be >= 0, got " + std::to_string(size));
  }
  void reset() override {
    cur_ = 0;
    if (reset_internal_) inner_->reset();
  }
  bool next() override {
    if (cur_ == size_) return false;
    if (!inner_->next()) {
      inner_->reset();
      if (!inner_->next()) return false;  // an inner iterator with no batch at all
    }
    ++cur_;
    return true;
  }
  const DataBatch& value() const override { return inner_->value(); }
  std::vector<DataDesc> provide_data() const override { return inner_->provide_data(); }
  std::vector<DataDesc> provide_label() const override { return inner_->provide_label(); }
  std::int64_t num_batches() const override { return size_; }

 private:
  std::shared_ptr<DataIter> inner_;
  std::int64_t size_, cur_ = 0;
  bool reset_internal_;
};

struct PrefetchingIterOptions {
  // One map per inner iterator, old name -> new name (as MXNet's rename_data / rename_label).
  std::vector<std::map<std::string, std::string>> rename_data = {}, rename_label = {};
};

// Prepares the next batch on a background thread while the caller works on the current one, as
// mx.io.PrefetchingIter. With several inner iterators a batch joins their data and labels in
// order; they must agree on pad and end together. An exception thrown by an inner iterator is
// rethrown by the next() that would have returned its batch. The inner iterators are referenced,
// not owned, and must not be used directly while this iterator lives.
class PrefetchingIter : public DataIter {
 public:
  explicit PrefetchingIter(DataIter& inner, const PrefetchingIterOptions& o = {})
      : PrefetchingIter(std::vector<std::reference_wrapper<DataIter>>{inner}, o) {}
  explicit PrefetchingIter(std::vector<std::reference_wrapper<DataIter>> iters,
                           const PrefetchingIterOptions& o = {})
      : iters_(std::move(iters)) {
    if (iters_.empty()) throw ValueError("PrefetchingIter: no inner iterator given");
    provide_data_ = renamed(o.rename_data, true, "rename_data");
    provide_label_ = renamed(o.rename_label, false, "rename_label");
    if (provide_data_.empty() || provide_data_[0].shape.ndim() < 1)
      throw ValueError("PrefetchingIter: the first inner iterator provides no data");
    batch_size_ = provide_data_[0].shape[0];
    num_batches_ = iters_[0].get().num_batches();
    for (auto& b : slots_) b.provide_data = provide_data_, b.provide_label = provide_label_;
    worker_ = std::thread([this] { run(); });
    request();
  }
  ~PrefetchingIter() override {
    {
      std::unique_lock lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  std::vector<DataDesc> provide_data() const override { return provide_data_; }
  std::vector<DataDesc> provide_label() const override { return provide_label_; }
  const DataBatch& value() const override { return slots_[front_]; }
  std::int64_t num_batches() const override { return num_batches_; }

  bool next() override {
    std::unique_lock lock(m_);
    if (!in_flight_) {
      if (exhausted_) return false;
      request_locked();
    }
    cv_.wait(lock, [this] { return ready_; });
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

  // Waits for the batch being prefetched (dropping it), resets the inner iterators and starts
  // prefetching the new epoch.
  void reset() override {
    std::unique_lock lock(m_);
    if (in_flight_) cv_.wait(lock, [this] { return ready_; });
    ready_ = in_flight_ = exhausted_ = false;
    error_ = nullptr;
    for (auto& it : iters_) it.get().reset();
    num_batches_ = iters_[0].get().num_batches();
    request_locked();
  }

 private:
  std::vector<DataDesc> renamed(const std::vector<std::map<std::string, std::string>>& maps, bool data,
                                const char* what) const {
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
  void request() {
    std::unique_lock lock(m_);
    request_locked();
  }
  void request_locked() {
    in_flight_ = requested_ = true;
    cv_.notify_all();
  }
  // Worker: on each request, advance every inner iterator and copy into the back slot.
  void run() {
    std::unique_lock lock(m_);
    for (;;) {
      cv_.wait(lock, [this] { return requested_ || stop_; });
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
      cv_.notify_all();
    }
  }
  bool fetch(DataBatch& back) {
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
      throw ValueError(
          "PrefetchingIter: " + std::to_string(ended) + " of " + std::to_string(iters_.size()) +
          " inner iterators ended before the others; they must yield the same number of batches");
    if (ended) return false;
    back.data.resize(nd);
    back.label.resize(nl);
    back.pad = pad;
    return true;
  }
  static void copy_into(std::vector<NDArray>& list, std::size_t i, const NDArray& a) {
    if (list.size() <= i) list.resize(i + 1);
    NDArray src = a.context() == cpu() ? a : a.copy_to(cpu());
    detail::copy_reusing(src, list[i]);
  }

  std::vector<std::reference_wrapper<DataIter>> iters_;
  std::vector<DataDesc> provide_data_, provide_label_;
  std::int64_t num_batches_ = -1;
  DataBatch slots_[2];
  int front_ = 0;
  std::mutex m_;
  std::condition_variable cv_;
  bool requested_ = false, in_flight_ = false, ready_ = false, has_next_ = false, exhausted_ = false,
       stop_ = false;
  std::exception_ptr error_;
  std::thread worker_;
};

}  // namespace symgrad::io
