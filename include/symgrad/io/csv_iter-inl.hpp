// CSVIter (io/csv_iter.hpp).
#pragma once
#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <utility>

#include "../core/error.hpp"
#include "csv_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_CSV_ITER)
namespace SYMGRAD_NS::io {

namespace detail {

SYMGRAD_INLINE std::vector<float> read_csv(const std::string& path, std::int64_t width, const char* what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IOError(std::string("CSVIter: cannot open ") + what + " '" + path + "'");
  std::vector<float> out;
  std::string line;
  std::int64_t lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::int64_t n = 0;
    const char* p = line.data();
    const char* end = p + line.size();
    while (true) {
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      if (p < end && *p == '+') ++p;  // from_chars takes no leading '+'
      float v = 0;
      auto [q, ec] = std::from_chars(p, end, v);
      if (ec != std::errc() && ec != std::errc::result_out_of_range) {
        const char* stop = std::find(p, end, ',');
        throw IOError("CSVIter: " + std::string(what) + " '" + path + "' line " + std::to_string(lineno) +
                      ", field " + std::to_string(n + 1) + ": '" + std::string(p, stop) +
                      "' is not a number");
      }
      out.push_back(v);
      ++n;
      p = q;
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      if (p == end) break;
      if (*p != ',')
        throw IOError("CSVIter: " + std::string(what) + " '" + path + "' line " + std::to_string(lineno) +
                      ", field " + std::to_string(n) + ": unexpected '" + std::string(1, *p) +
                      "' after a number");
      ++p;
    }
    if (n != width)
      throw IOError("CSVIter: " + std::string(what) + " '" + path + "' line " + std::to_string(lineno) +
                    " has " + std::to_string(n) + " values but the shape needs " + std::to_string(width) +
                    " (one example per line)");
  }
  if (f.bad()) throw IOError("CSVIter: reading " + std::string(what) + " '" + path + "' failed");
  return out;
}

}  // namespace detail

SYMGRAD_INLINE CSVIter::CSVIter(CSVIterOptions o) : DataIter(o.batch_size), o_(std::move(o)) {
  if (o_.batch_size < 1)
    throw ValueError("CSVIter: batch_size must be at least 1; got " + std::to_string(o_.batch_size));
  if (o_.data_csv.empty()) throw ValueError("CSVIter: data_csv (the file of examples) is required");
  if (o_.data_shape.ndim() < 1 || !o_.data_shape.known() || o_.data_shape.size() < 1)
    throw ValueError(
        "CSVIter: data_shape must be a known, non-empty shape such as (3,) or (1, 28, 28); got " +
        o_.data_shape.str());
  if (o_.label_shape.ndim() < 1 || !o_.label_shape.known() || o_.label_shape.size() < 1)
    throw ValueError("CSVIter: label_shape must be a known, non-empty shape; got " + o_.label_shape.str());
  data_width_ = o_.data_shape.size();
  label_width_ = o_.label_shape.size();
  data_ = detail::read_csv(o_.data_csv, data_width_, "data_csv");
  rows_ = static_cast<std::int64_t>(data_.size()) / data_width_;
  if (rows_ == 0) throw IOError("CSVIter: data_csv '" + o_.data_csv + "' holds no examples");
  if (o_.label_csv != "NULL" && !o_.label_csv.empty()) {
    label_ = detail::read_csv(o_.label_csv, label_width_, "label_csv");
    const auto lrows = static_cast<std::int64_t>(label_.size()) / label_width_;
    if (lrows != rows_)
      throw IOError("CSVIter: label_csv '" + o_.label_csv + "' has " + std::to_string(lrows) +
                    " lines but data_csv '" + o_.data_csv + "' has " + std::to_string(rows_) +
                    "; one label line per example");
  } else {
    label_.assign(static_cast<std::size_t>(rows_ * label_width_), 0.0f);
  }
  Shape ds{o_.batch_size}, ls{o_.batch_size};
  for (auto d : o_.data_shape) ds.push_back(d);
  if (label_width_ != 1)
    for (auto d : o_.label_shape) ls.push_back(d);
  batch_.data = {NDArray(ds)};
  batch_.label = {NDArray(ls)};
  batch_.provide_data = provide_data();
  batch_.provide_label = provide_label();
}

SYMGRAD_INLINE std::vector<DataDesc> CSVIter::provide_data() const {
  return {{o_.data_name, batch_.data.empty() ? Shape{} : batch_.data[0].shape()}};
}
SYMGRAD_INLINE std::vector<DataDesc> CSVIter::provide_label() const {
  return {{o_.label_name, batch_.label.empty() ? Shape{} : batch_.label[0].shape()}};
}

SYMGRAD_INLINE void CSVIter::reset() {
  start_ = o_.round_batch ? next_start_ : 0;
  cursor_ = start_;
}

SYMGRAD_INLINE std::int64_t CSVIter::num_batches() const {
  const std::int64_t left = rows_ - start_;
  return (left + o_.batch_size - 1) / o_.batch_size;
}

SYMGRAD_INLINE bool CSVIter::next() {
  if (cursor_ >= rows_) return false;
  const std::int64_t bs = o_.batch_size, take = std::min(bs, rows_ - cursor_);
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
    if (o_.round_batch) {  // from the start of the file; the next epoch begins after them
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
