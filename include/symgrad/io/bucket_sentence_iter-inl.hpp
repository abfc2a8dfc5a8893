// Definitions of io/bucket_sentence_iter.hpp.
#pragma once
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#include "bucket_sentence_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_BUCKET_SENTENCE_ITER)
namespace SYMGRAD_NS::io {

SYMGRAD_INLINE BucketSentenceIter::BucketSentenceIter(const std::vector<std::vector<int>>& sentences,
                                                      std::int64_t batch_size, BucketSentenceIterOptions o)
    : DataIter(batch_size), o_(std::move(o)), gen_(o_.seed) {
  if (batch_size < 1)
    throw ValueError("BucketSentenceIter: batch_size must be at least 1, got " + std::to_string(batch_size));
  if (o_.layout != "NT" && o_.layout != "TN")
    throw ValueError("BucketSentenceIter: invalid layout \"" + o_.layout +
                     "\": must be \"NT\" (batch major) or \"TN\" (time major)");
  if (o_.dtype != DType::float32 && o_.dtype != DType::float64 && o_.dtype != DType::int32 &&
      o_.dtype != DType::int64)
    throw TypeError("BucketSentenceIter: dtype must be float32, float64, int32 or int64, got " +
                    std::string(dtype_name(o_.dtype)));
  time_major_ = o_.layout == "TN";
  std::vector<std::int64_t> buckets = o_.buckets;
  if (buckets.empty()) {  // every length that fills at least one batch
    std::map<std::int64_t, std::int64_t> count;
    for (const auto& s : sentences) ++count[static_cast<std::int64_t>(s.size())];
    for (const auto& [len, n] : count)
      if (n >= batch_size) buckets.push_back(len);
  }
  for (auto b : buckets)
    if (b < 1)
      throw ValueError("BucketSentenceIter: bucket lengths must be positive, got " + std::to_string(b));
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  if (buckets.empty())
    throw ValueError("BucketSentenceIter: no bucket: no sentence length occurs batch_size (" +
                     std::to_string(batch_size) + ") times; give buckets explicitly");

  // Each sentence into the smallest bucket that holds it, padded with invalid_label.
  std::vector<std::vector<float>> rows(buckets.size());
  const auto pad = static_cast<float>(o_.invalid_label);
  for (const auto& s : sentences) {
    auto at = std::lower_bound(buckets.begin(), buckets.end(), static_cast<std::int64_t>(s.size()));
    if (at == buckets.end()) {
      ++num_discarded_;
      continue;
    }
    auto& r = rows[static_cast<std::size_t>(at - buckets.begin())];
    const auto len = static_cast<std::size_t>(*at);
    for (std::size_t t = 0; t < len; ++t) r.push_back(t < s.size() ? static_cast<float>(s[t]) : pad);
  }
  const std::string warning =
      "WARNING: discarded " + std::to_string(num_discarded_) + " sentences longer than the largest bucket.";
  if (o_.logger)
    o_.logger(warning);
  else
    std::clog << warning << "\n";
  // Buckets without sentences are dropped, as MXNet 1.9.1.
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    if (rows[b].empty()) continue;
    buckets_.push_back(buckets[b]);
    data_.push_back(std::move(rows[b]));
  }
  if (buckets_.empty())
    throw ValueError("BucketSentenceIter: every sentence is longer than the largest bucket");
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    const std::int64_t n = static_cast<std::int64_t>(data_[b].size()) / buckets_[b];
    order_.emplace_back(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) order_[b][static_cast<std::size_t>(i)] = i;
    for (std::int64_t j = 0; j + batch_size <= n; j += batch_size) idx_.emplace_back(b, j);
    data_arrays_.emplace_back(shape_of(buckets_[b]), cpu(), o_.dtype);
    label_arrays_.emplace_back(shape_of(buckets_[b]), cpu(), o_.dtype);
  }
  reset();
}

SYMGRAD_INLINE Shape BucketSentenceIter::shape_of(std::int64_t len) const {
  return time_major_ ? Shape{len, batch_size_} : Shape{batch_size_, len};
}
SYMGRAD_INLINE std::vector<std::int64_t> BucketSentenceIter::bucket_sizes() const {
  std::vector<std::int64_t> n;
  for (const auto& o : order_) n.push_back(static_cast<std::int64_t>(o.size()));
  return n;
}
SYMGRAD_INLINE std::vector<DataDesc> BucketSentenceIter::provide_data() const {
  return {DataDesc{o_.data_name, shape_of(default_bucket_key()), o_.dtype, o_.layout}};
}
SYMGRAD_INLINE std::vector<DataDesc> BucketSentenceIter::provide_label() const {
  return {DataDesc{o_.label_name, shape_of(default_bucket_key()), o_.dtype, o_.layout}};
}
SYMGRAD_INLINE void BucketSentenceIter::reset() {
  cursor_ = 0;
  // The batches' order, then the sentences within each bucket (MXNet's order of shuffles).
  for (std::size_t i = idx_.size(); i > 1; --i) std::swap(idx_[i - 1], idx_[gen_.next() % i]);
  for (auto& o : order_) detail::shuffle(o, gen_);
}
SYMGRAD_INLINE bool BucketSentenceIter::next() {
  if (cursor_ == idx_.size()) return false;
  // plain variables, not a structured binding: the lambda below captures them (clang < 16 cannot
  // capture bindings)
  const auto b = idx_[cursor_].first;
  const auto first = idx_[cursor_].second;
  ++cursor_;
  const std::int64_t len = buckets_[b], bs = batch_size_;
  const float pad = static_cast<float>(o_.invalid_label);
  NDArray& x = data_arrays_[b];
  NDArray& y = label_arrays_[b];
  auto fill = [&](auto* px, auto* py) {
    using T = std::remove_pointer_t<decltype(px)>;
    for (std::int64_t r = 0; r < bs; ++r) {
      const float* s = data_[b].data() + order_[b][static_cast<std::size_t>(first + r)] * len;
      for (std::int64_t t = 0; t < len; ++t) {
        // NT: row r, column t; TN: the transpose
        const std::int64_t at = time_major_ ? t * bs + r : r * len + t;
        px[at] = static_cast<T>(s[t]);
        py[at] = static_cast<T>(t + 1 < len ? s[t + 1] : pad);  // the next token
      }
    }
  };
  switch (o_.dtype) {
    case DType::float64:
      fill(x.data<double>(), y.data<double>());
      break;
    case DType::int32:
      fill(x.data<std::int32_t>(), y.data<std::int32_t>());
      break;
    case DType::int64:
      fill(x.data<std::int64_t>(), y.data<std::int64_t>());
      break;
    default:
      fill(x.data<float>(), y.data<float>());
      break;
  }
  batch_.data = {x};
  batch_.label = {y};
  batch_.pad = 0;
  batch_.bucket_key = len;
  batch_.provide_data = {DataDesc{o_.data_name, x.shape(), o_.dtype, o_.layout}};
  batch_.provide_label = {DataDesc{o_.label_name, y.shape(), o_.dtype, o_.layout}};
  return true;
}

}  // namespace SYMGRAD_NS::io
#endif
