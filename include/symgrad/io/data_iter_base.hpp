// mx.io's common part: DataDesc, DataBatch and the DataIter protocol, as MXNet 1.9.1's
// python/mxnet/io/io.py.
//
// Protocol: `while (it.next()) { const DataBatch& b = it.value(); ... } it.reset();`. next()
// returns false at the end of an epoch (MXNet raises StopIteration). The arrays of value() are
// reused by the next call to next() or reset(): copy() what must outlive the step.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../core/shape.hpp"
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

// The key of a bucket (BucketingModule): the sequence length of its batches, as MXNet's
// BucketSentenceIter uses.
using BucketKey = std::int64_t;

// One batch: data and label arrays in provide_data / provide_label order; `pad` filler examples
// at the end; `index` the example numbers when the iterator knows them; `bucket_key` the bucket
// the batch belongs to, and provide_data / provide_label its own shapes, when an iterator makes
// batches of several shapes (BucketSentenceIter).
struct DataBatch {
  std::vector<NDArray> data, label;
  int pad = 0;
  std::vector<std::int64_t> index;
  std::optional<BucketKey> bucket_key;
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

}  // namespace detail

}  // namespace SYMGRAD_NS::io
