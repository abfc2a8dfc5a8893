// RowIter (io/row_iter.hpp).
#pragma once
#include <algorithm>
#include <utility>

#include "row_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_ROW_ITER)
namespace SYMGRAD_NS::io {

SYMGRAD_INLINE void RowIter::set_rows(std::vector<float> data, const Shape& data_shape,
                                      std::vector<float> label, const Shape& label_shape) {
  data_width_ = data_shape.size();
  label_width_ = label_shape.size();
  data_ = std::move(data);
  label_ = std::move(label);
  rows_ = static_cast<std::int64_t>(data_.size()) / data_width_;
  Shape ds{batch_size_}, ls{batch_size_};
  for (auto d : data_shape) ds.push_back(d);
  if (label_width_ != 1)
    for (auto d : label_shape) ls.push_back(d);
  batch_.data = {NDArray(ds)};
  batch_.label = {NDArray(ls)};
  batch_.provide_data = provide_data();
  batch_.provide_label = provide_label();
  start_ = cursor_ = next_start_ = 0;
}

SYMGRAD_INLINE std::vector<DataDesc> RowIter::provide_data() const {
  return {{data_name_, batch_.data.empty() ? Shape{} : batch_.data[0].shape()}};
}
SYMGRAD_INLINE std::vector<DataDesc> RowIter::provide_label() const {
  return {{label_name_, batch_.label.empty() ? Shape{} : batch_.label[0].shape()}};
}

SYMGRAD_INLINE void RowIter::reset() {
  start_ = round_batch_ ? next_start_ : 0;
  cursor_ = start_;
}

SYMGRAD_INLINE std::int64_t RowIter::num_batches() const {
  const std::int64_t left = rows_ - start_;
  return (left + batch_size_ - 1) / batch_size_;
}

SYMGRAD_INLINE bool RowIter::next() {
  if (cursor_ >= rows_) return false;
  const std::int64_t bs = batch_size_, take = std::min(bs, rows_ - cursor_);
  float* d = batch_.data[0].data<float>();
  float* l = batch_.label[0].data<float>();
  batch_.index.clear();
  auto copy_row = [&](std::int64_t dst, std::int64_t src) {
    std::copy_n(data_.data() + src * data_width_, data_width_, d + dst * data_width_);
    std::copy_n(label_.data() + src * label_width_, label_width_, l + dst * label_width_);
    batch_.index.push_back(src);
  };
  for (std::int64_t i = 0; i < take; ++i) copy_row(i, cursor_ + i);
  batch_.pad = static_cast<int>(bs - take);
  if (take < bs) {
    if (round_batch_) {  // from the start of the data; the next epoch begins after them
      for (std::int64_t i = take; i < bs; ++i) copy_row(i, (i - take) % rows_);
      next_start_ = (bs - take) % rows_;
    } else {
      std::fill(d + take * data_width_, d + bs * data_width_, 0.0f);
      std::fill(l + take * label_width_, l + bs * label_width_, 0.0f);
    }
  } else if (cursor_ + take == rows_) {
    next_start_ = 0;
  }
  cursor_ += take;
  return true;
}

}  // namespace SYMGRAD_NS::io
#endif
