// Definitions of io/image_record_iter.hpp.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <numeric>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include "image_record_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_IMAGE_RECORD_ITER)
namespace SYMGRAD_NS::io {

SYMGRAD_INLINE ImageRecordIter::ImageRecordIter(ImageRecordIterOptions o)
    : DataIter(o.batch_size), o_(std::move(o)) {
  validate();
  index_records();
  if (!o_.path_imglist.empty()) {
    for (auto& it : im2rec::read_list(o_.path_imglist)) list_labels_[it.index] = it.labels;
  }
  const std::int64_t C = o_.data_shape[0], H = o_.data_shape[1], W = o_.data_shape[2];
  batch_.data.emplace_back(Shape{batch_size_, C, H, W});
  batch_.label.emplace_back(label_shape());
  batch_.provide_data = provide_data();
  batch_.provide_label = provide_label();
  reset();
}
SYMGRAD_INLINE ImageRecordIter::~ImageRecordIter() { stop_workers(); }
SYMGRAD_INLINE std::vector<DataDesc> ImageRecordIter::provide_data() const {
  return {{o_.data_name, Shape{batch_size_, o_.data_shape[0], o_.data_shape[1], o_.data_shape[2]}}};
}
SYMGRAD_INLINE std::vector<DataDesc> ImageRecordIter::provide_label() const {
  return {{o_.label_name, label_shape()}};
}
SYMGRAD_INLINE std::int64_t ImageRecordIter::num_batches() const {
  return (count() + batch_size_ - 1) / batch_size_;
}
SYMGRAD_INLINE void ImageRecordIter::reset() {
  stop_workers();
  order_.resize(offsets_.size());
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  if (o_.shuffle) {
    nd::random::Generator g(o_.seed * 1000003ull + std::uint64_t(epoch_));
    detail::shuffle(order_, g);
  }
  ++epoch_;
  cur_ = 0;
  const std::size_t P = static_cast<std::size_t>(o_.prefetch_buffer);
  const std::size_t per =
      static_cast<std::size_t>(batch_size_ * o_.data_shape[0] * o_.data_shape[1] * o_.data_shape[2]);
  slots_.resize(P);
  for (auto& s : slots_) {
    s.data.assign(per, 0.0f);
    s.label.assign(static_cast<std::size_t>(batch_size_ * o_.label_width), 0.0f);
    s.index.assign(static_cast<std::size_t>(batch_size_), 0);
    s.filled = 0;
    s.error = nullptr;
  }
  next_task_ = 0;
  consumed_ = 0;
  stopping_ = false;
  for (int t = 0; t < o_.preprocess_threads; ++t) workers_.emplace_back([this] { work(); });
}
SYMGRAD_INLINE bool ImageRecordIter::next() {
  if (cur_ >= num_batches()) return false;
  Slot& s = slots_[static_cast<std::size_t>(cur_ % o_.prefetch_buffer)];
  {
    std::unique_lock lk(mu_);
    cv_filled_.wait(lk, [&] { return s.filled == batch_size_; });
  }
  if (s.error) std::rethrow_exception(s.error);
  std::copy(s.data.begin(), s.data.end(), batch_.data[0].data<float>());
  std::copy(s.label.begin(), s.label.end(), batch_.label[0].data<float>());
  batch_.index = s.index;
  const std::int64_t end = (cur_ + 1) * batch_size_;
  batch_.pad = static_cast<int>(std::max<std::int64_t>(0, end - count()));
  {
    std::lock_guard lk(mu_);
    s.filled = 0;
    s.error = nullptr;
    ++consumed_;
  }
  cv_room_.notify_all();
  ++cur_;
  return true;
}
SYMGRAD_INLINE void ImageRecordIter::validate() {
  auto bad = [](const std::string& m) { return ValueError("ImageRecordIter: " + m); };
  if (o_.path_imgrec.empty()) throw bad("path_imgrec is required");
  if (o_.data_shape.size() != 3) throw bad("data_shape must be (channels, height, width)");
  if (o_.data_shape[0] != 1 && o_.data_shape[0] != 3 && o_.data_shape[0] != 4)
    throw bad("data_shape's channels must be 1, 3 or 4, got " + std::to_string(o_.data_shape[0]));
  if (o_.data_shape[1] <= 0 || o_.data_shape[2] <= 0)
    throw bad("data_shape's height and width must be positive");
  if (o_.batch_size <= 0) throw bad("batch_size must be positive");
  if (o_.label_width < 1) throw bad("label_width must be at least 1");
  if (o_.preprocess_threads < 1) throw bad("preprocess_threads must be at least 1");
  if (o_.prefetch_buffer < 1) throw bad("prefetch_buffer must be at least 1");
  std::tie(o_.num_parts, o_.part_index) = kv::resolve_parts(o_.num_parts, o_.part_index, "ImageRecordIter");
  for (float s : {o_.std_r, o_.std_g, o_.std_b, o_.std_a})
    if (s == 0) throw bad("std_r/g/b/a must not be 0");
}
SYMGRAD_INLINE void ImageRecordIter::index_records() {
  std::vector<std::int64_t> all;
  if (!o_.path_imgidx.empty()) {
    recordio::MXIndexedRecordIO r(o_.path_imgidx, o_.path_imgrec, "r");
    for (auto k : r.keys()) all.push_back(r.offset(k));
  } else {
    recordio::MXRecordIO r(o_.path_imgrec, "r");
    while (auto at = r.skip()) all.push_back(*at);  // headers only: no payload is read
  }
  const std::int64_t n = static_cast<std::int64_t>(all.size());
  const std::int64_t lo = n * o_.part_index / o_.num_parts, hi = n * (o_.part_index + 1) / o_.num_parts;
  offsets_.assign(all.begin() + lo, all.begin() + hi);
  if (count() < batch_size_)
    throw ValueError("ImageRecordIter: '" + o_.path_imgrec + "' holds " + std::to_string(count()) +
                     " images (in this part), fewer than the batch size " + std::to_string(batch_size_) +
                     "; the number of input images must be bigger than the batch size");
}
SYMGRAD_INLINE void ImageRecordIter::stop_workers() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_room_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}
SYMGRAD_INLINE void ImageRecordIter::work() {
  recordio::MXRecordIO reader;
  try {
    reader = recordio::MXRecordIO(o_.path_imgrec, "r");
  } catch (...) {
    fail_all(std::current_exception());
    return;
  }
  const std::int64_t total = num_batches() * batch_size_;
  for (;;) {
    std::int64_t t;
    {
      std::unique_lock lk(mu_);
      cv_room_.wait(lk, [&] {
        return stopping_ || next_task_ >= total || next_task_ / batch_size_ < consumed_ + o_.prefetch_buffer;
      });
      if (stopping_ || next_task_ >= total) return;
      t = next_task_++;
    }
    const std::int64_t b = t / batch_size_, j = t % batch_size_;
    Slot& s = slots_[static_cast<std::size_t>(b % o_.prefetch_buffer)];
    std::exception_ptr err;
    try {
      fill(reader, s, t, j);
    } catch (const Error&) {
      err = std::current_exception();
    } catch (const std::exception& e) {  // std::bad_alloc and the like reach next() as an sg::Error
      err = std::make_exception_ptr(IOError("ImageRecordIter: '" + o_.path_imgrec + "', example " +
                                            std::to_string(t) + " of the epoch: " + e.what()));
    }
    {
      std::lock_guard lk(mu_);
      if (err && !s.error) s.error = err;
      ++s.filled;
    }
    cv_filled_.notify_all();
  }
}
SYMGRAD_INLINE void ImageRecordIter::fail_all(std::exception_ptr e) {
  std::lock_guard lk(mu_);
  for (auto& s : slots_) {
    if (!s.error) s.error = e;
    s.filled = batch_size_;
  }
  cv_filled_.notify_all();
}
SYMGRAD_INLINE void ImageRecordIter::fill(recordio::MXRecordIO& reader, Slot& s, std::int64_t pos,
                                          std::int64_t j) {
  const std::int64_t C = o_.data_shape[0], H = o_.data_shape[1], W = o_.data_shape[2];
  float* dst = s.data.data() + j * C * H * W;
  float* lab = s.label.data() + j * o_.label_width;
  if (pos >= count() && !o_.round_batch) {
    std::fill(dst, dst + C * H * W, 0.0f);
    std::fill(lab, lab + o_.label_width, 0.0f);
    s.index[static_cast<std::size_t>(j)] = -1;
    return;
  }
  const std::int64_t at = offsets_[static_cast<std::size_t>(order_[static_cast<std::size_t>(pos % count())])];
  reader.seek(at);
  auto rec = reader.read();
  if (!rec)
    throw IOError("ImageRecordIter: no record at byte " + std::to_string(at) + " of '" + o_.path_imgrec +
                  "'");
  auto [h, payload] = recordio::unpack(*rec);
  // labels
  std::vector<float> labels;
  if (!list_labels_.empty()) {
    auto it = list_labels_.find(static_cast<std::int64_t>(h.id));
    if (it == list_labels_.end())
      throw IOError("ImageRecordIter: record id " + std::to_string(h.id) + " is not in the list '" +
                    o_.path_imglist + "'");
    labels = it->second;
  } else if (h.flag > 0) {
    if (static_cast<int>(h.flag) != o_.label_width)
      throw ValueError("ImageRecordIter: the rec file provides " + std::to_string(h.flag) +
                       "-dimensional labels but label_width is set to " + std::to_string(o_.label_width));
    labels = h.labels;
  } else {
    if (o_.label_width != 1)
      throw ValueError(
          "ImageRecordIter: label_width must be 1 unless a path_imglist is given or the rec file is "
          "packed with multi-dimensional labels (record id " +
          std::to_string(h.id) + " has one label)");
    labels = {h.label};
  }
  if (static_cast<int>(labels.size()) != o_.label_width)
    throw ValueError("ImageRecordIter: record id " + std::to_string(h.id) + " has " +
                     std::to_string(labels.size()) + " labels in the list but label_width is " +
                     std::to_string(o_.label_width));
  std::copy(labels.begin(), labels.end(), lab);
  s.index[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(h.id);

  // image
  const int flag = C == 1 ? 0 : C == 3 ? 1 : -1;
  image::Image img =
      image::decode(payload, flag, "'" + o_.path_imgrec + "' record id " + std::to_string(h.id));
  if (C == 4 && img.channels != 4) img = image::detail::convert(img, 4);
  if (o_.resize > 0) {
    try {
      img = image::resize_short(img, o_.resize);
    } catch (const Error& e) {
      throw IOError("ImageRecordIter: '" + o_.path_imgrec + "' record id " + std::to_string(h.id) + ": " +
                    e.what());
    }
  }
  if (img.height < H || img.width < W) {
    const double f = std::max(double(H) / img.height, double(W) / img.width);
    const double w = std::max<double>(double(W), std::ceil(img.width * f)),
                 hh = std::max<double>(double(H), std::ceil(img.height * f));
    if (w * hh > double(image::kMaxPixels))
      throw IOError("ImageRecordIter: '" + o_.path_imgrec + "' record id " + std::to_string(h.id) + ": the " +
                    std::to_string(img.width) + "x" + std::to_string(img.height) +
                    " image would be enlarged to more than image::kMaxPixels (" +
                    std::to_string(image::kMaxPixels) + ") pixels to cover the data shape");
    img = image::resize(img, int(w), int(hh));
  }
  nd::random::Generator g(o_.seed ^ (std::uint64_t(epoch_) << 40) ^
                          (std::uint64_t(pos) * 0x9E3779B97F4A7C15ull));
  int x0 = int((img.width - W) / 2), y0 = int((img.height - H) / 2);
  if (o_.rand_crop) {
    x0 = int(g.next() % std::uint64_t(img.width - W + 1));
    y0 = int(g.next() % std::uint64_t(img.height - H + 1));
  }
  const bool flip = o_.mirror || (o_.rand_mirror && (g.next() & 1));
  const float mean[4] = {o_.mean_r, o_.mean_g, o_.mean_b, o_.mean_a};
  const float mul[4] = {o_.scale / o_.std_r, o_.scale / o_.std_g, o_.scale / o_.std_b, o_.scale / o_.std_a};
  for (std::int64_t c = 0; c < C; ++c) {
    const float m = mean[c], k = mul[c];
    float* plane = dst + c * H * W;
    for (std::int64_t y = 0; y < H; ++y) {
      const std::uint8_t* row = img.row(int(y0 + y));
      for (std::int64_t x = 0; x < W; ++x) {
        const std::int64_t sx = x0 + (flip ? W - 1 - x : x);
        plane[y * W + x] = (float(row[sx * C + c]) - m) * k;
      }
    }
  }
}

}  // namespace SYMGRAD_NS::io
#endif
