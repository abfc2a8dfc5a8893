// mx.io.NDArrayIter: batches over in-memory arrays.
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
#pragma once
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/world.hpp"
#include "../ndarray/ndarray.hpp"
#include "../ndarray/random.hpp"
#include "data_iter_base.hpp"

namespace SYMGRAD_NS::io {

namespace detail {

// A batch-sized array for `a`: its shape with the first dimension replaced by `batch`.
Shape batch_shape(const Shape& s, std::int64_t batch);

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

}  // namespace SYMGRAD_NS::io
