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
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../core/world.hpp"
#include "../ndarray/ndarray.hpp"
#include "../ndarray/random.hpp"

namespace SYMGRAD_NS::io {

// The name, shape (batch axis included), dtype and layout of one input, as mx.io.DataDesc.
struct DataDesc {
  std::string name;
  Shape shape;
  DType dtype = DType::float32;
  std::string layout = "NCHW";

  // Position of 'N' in the layout (0 when the layout has none, as MXNet's get_batch_axis).
  int batch_axis() const;
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
  virtual const DataBatch& value() const;
  virtual std::vector<DataDesc> provide_data() const = 0;
  virtual std::vector<DataDesc> provide_label() const = 0;
  std::int64_t batch_size() const { return batch_size_; }
  // Batches in the current epoch, -1 when unknown.
  virtual std::int64_t num_batches() const;

 protected:
  std::int64_t batch_size_;
  DataBatch batch_;
};

namespace detail {

// Fisher-Yates over a seeded generator: the same order for the same seed on every machine.
void shuffle(std::vector<std::int64_t>& v, nd::random::Generator& g);

// A batch-sized array for `a`: its shape with the first dimension replaced by `batch`.
Shape batch_shape(const Shape& s, std::int64_t batch);

// Copies `src` into `dst`, reallocating `dst` only when its shape or dtype differ.
void copy_reusing(const NDArray& src, NDArray& dst);

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

  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;

  // Reshuffles when shuffle is on; with 'roll_over' the examples left over from the last, partial
  // batch start the next epoch.
  void reset() override;
  // Starts over, dropping any rolled-over examples.
  void hard_reset();

  bool next() override;

  std::int64_t num_batches() const override;
  std::int64_t num_data() const { return num_data_; }

 private:
  static Named single(const NDArray& a, const std::string& name);
  static Named listed(const std::vector<NDArray>& v, const std::string& name);
  void check_inputs();
  std::vector<DataDesc> descs(const Named& list) const;
  void gather(const NDArray& src, NDArray& dst) const;

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
  void reset() override;
  bool next() override;
  const DataBatch& value() const override;
  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  std::int64_t num_batches() const override;

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
                           const PrefetchingIterOptions& o = {});
  ~PrefetchingIter() override;

  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  const DataBatch& value() const override;
  std::int64_t num_batches() const override;

  bool next() override;

  // Waits for the batch being prefetched (dropping it), resets the inner iterators and starts
  // prefetching the new epoch.
  void reset() override;

 private:
  std::vector<DataDesc> renamed(const std::vector<std::map<std::string, std::string>>& maps, bool data,
                                const char* what) const;
  void request();
  void request_locked();
  // Worker: on each request, advance every inner iterator and copy into the back slot.
  void run();
  bool fetch(DataBatch& back);
  static void copy_into(std::vector<NDArray>& list, std::size_t i, const NDArray& a);

  std::vector<std::reference_wrapper<DataIter>> iters_;
  std::vector<DataDesc> provide_data_, provide_label_;
  std::int64_t num_batches_ = -1;
  DataBatch slots_[2];
  int front_ = 0;
  struct Sync;  // the worker thread, its mutex and condition variable (io/data_iter-inl.hpp)
  std::unique_ptr<Sync> sync_;
  bool requested_ = false, in_flight_ = false, ready_ = false, has_next_ = false, exhausted_ = false,
       stop_ = false;
  std::exception_ptr error_;
};

}  // namespace SYMGRAD_NS::io
