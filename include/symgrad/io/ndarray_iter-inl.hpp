// Definitions of io/ndarray_iter.hpp.
#pragma once
#include <algorithm>
#include <cstring>
#include <map>
#include <utility>
#include "ndarray_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_NDARRAY_ITER)
namespace SYMGRAD_NS::io {

namespace detail {
SYMGRAD_INLINE Shape batch_shape(const Shape& s, std::int64_t batch) {
  Shape r = s;
  r[0] = batch;
  return r;
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

}  // namespace SYMGRAD_NS::io
#endif
