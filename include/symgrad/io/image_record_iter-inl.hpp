// Definitions of io/image_record_iter.hpp.
#pragma once
#include <algorithm>
#include <array>
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
  auto finite_nonneg = [&](float v, const char* name) {
    if (!(v >= 0) || !std::isfinite(v))
      throw bad(std::string(name) + " must be a finite value >= 0, got " + std::to_string(v));
  };
  finite_nonneg(o_.max_aspect_ratio, "max_aspect_ratio");
  finite_nonneg(o_.max_shear_ratio, "max_shear_ratio");
  finite_nonneg(o_.brightness, "brightness");
  finite_nonneg(o_.contrast, "contrast");
  finite_nonneg(o_.saturation, "saturation");
  finite_nonneg(o_.pca_noise, "pca_noise");
  if (o_.max_rotate_angle < 0 || o_.max_rotate_angle > 360)
    throw bad("max_rotate_angle must be in [0, 360], got " + std::to_string(o_.max_rotate_angle));
  if (o_.rotate > 360) throw bad("rotate must be at most 360, got " + std::to_string(o_.rotate));
  if (!(o_.min_random_scale > 0 && o_.min_random_scale <= o_.max_random_scale &&
        std::isfinite(o_.max_random_scale)))
    throw bad("need 0 < min_random_scale <= max_random_scale, got " + std::to_string(o_.min_random_scale) +
              " and " + std::to_string(o_.max_random_scale));
  if (!(o_.min_random_area > 0 && o_.min_random_area <= o_.max_random_area && o_.max_random_area <= 1))
    throw bad("need 0 < min_random_area <= max_random_area <= 1, got " + std::to_string(o_.min_random_area) +
              " and " + std::to_string(o_.max_random_area));
  const auto [amin, amax] = aspect_range();
  if (!(amin > 0 && amin <= amax && std::isfinite(amax)))
    throw bad("the aspect ratio range must satisfy 0 < min <= max, got [" + std::to_string(amin) + ", " +
              std::to_string(amax) + "] (max_aspect_ratio " + std::to_string(o_.max_aspect_ratio) +
              (o_.min_aspect_ratio ? ", min_aspect_ratio " + std::to_string(*o_.min_aspect_ratio) : "") +
              ")");
  if (!(o_.min_img_size >= 0 && o_.min_img_size <= o_.max_img_size))
    throw bad("need 0 <= min_img_size <= max_img_size");
  if (o_.max_crop_size != -1 || o_.min_crop_size != -1) {
    if (o_.min_crop_size < 1 || o_.max_crop_size < o_.min_crop_size)
      throw bad("need 1 <= min_crop_size <= max_crop_size, got " + std::to_string(o_.min_crop_size) +
                " and " + std::to_string(o_.max_crop_size));
  }
  if (o_.random_resized_crop && (o_.min_random_scale != 1 || o_.max_random_scale != 1 ||
                                 o_.max_crop_size != -1 || o_.min_crop_size != -1 || o_.rand_crop))
    throw bad(
        "random_resized_crop cannot be combined with min_random_scale, max_random_scale, min_crop_size, "
        "max_crop_size or rand_crop (as in MXNet)");
  if (o_.fill_value < 0 || o_.fill_value > 255) throw bad("fill_value must be in [0, 255]");
  if (o_.pad < 0 || o_.pad > 4096) throw bad("pad must be in [0, 4096], got " + std::to_string(o_.pad));
  if (o_.random_h < 0 || o_.random_s < 0 || o_.random_l < 0 || o_.random_h > 180 || o_.random_s > 255 ||
      o_.random_l > 255)
    throw bad("random_h must be in [0, 180], random_s and random_l in [0, 255]");
  if (o_.inter_method != 1 && o_.inter_method != 3 && o_.inter_method != 9)
    throw bad("inter_method " + std::to_string(o_.inter_method) +
              " is not available; use 1 (bilinear), 3 (area) or 9 (area to shrink, else bilinear)");
  if (o_.data_shape[0] == 1 &&
      (o_.saturation > 0 || o_.pca_noise > 0 || o_.random_h || o_.random_s || o_.random_l))
    throw bad("saturation, pca_noise and random_h/s/l need colour images (data_shape's channels 3 or 4)");
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
SYMGRAD_INLINE bool ImageRecordIter::warp_and_crop(image::Image& img, nd::random::Generator& g) const {
  const int H = int(o_.data_shape[1]), W = int(o_.data_shape[2]);
  const auto fill = static_cast<std::uint8_t>(o_.fill_value);
  auto u01 = [&] { return float(g.uniform01()); };
  auto below = [&](std::int64_t n) { return std::int64_t(g.next() % std::uint64_t(n)); };  // [0, n)
  const auto [amin, amax] = aspect_range();
  const bool rrc = o_.random_resized_crop;
  if (o_.max_rotate_angle > 0 || o_.max_shear_ratio > 0 || o_.rotate > 0 || o_.max_random_scale != 1 ||
      o_.min_random_scale != 1 || (!rrc && (amin != 1 || amax != 1)) || o_.max_img_size != 1e10f ||
      o_.min_img_size != 0) {
    const float shear = u01() * o_.max_shear_ratio * 2 - o_.max_shear_ratio;
    int angle = int(below(2 * std::int64_t(o_.max_rotate_angle) + 1)) - o_.max_rotate_angle;
    if (o_.rotate > 0) angle = o_.rotate;
    const double rad = angle / 180.0 * 3.14159265358979323846;
    const float a = float(std::cos(rad)), b = float(std::sin(rad));
    float scale = 1, ratio = 1;
    if (!rrc) {
      scale = u01() * (o_.max_random_scale - o_.min_random_scale) + o_.min_random_scale;
      ratio = u01() * (amax - amin) + amin;
    }
    const float hs = 2 * scale / (1 + ratio), ws = ratio * hs;
    const float nw = std::max(o_.min_img_size, std::min(o_.max_img_size, scale * float(img.width)));
    const float nh = std::max(o_.min_img_size, std::min(o_.max_img_size, scale * float(img.height)));
    if (!(nw >= 1 && nh >= 1 && double(nw) * double(nh) <= double(image::kMaxPixels)))
      throw ValueError(
          "the warped image would be " + std::to_string(nw) + "x" + std::to_string(nh) +
          " (empty, or more than image::kMaxPixels pixels); check min_img_size, max_img_size and "
          "the random scale");
    image::Affine m{hs * a - shear * b * ws, hs * b + shear * a * ws, 0, -b * ws, a * ws, 0};
    m[2] = (nw - (m[0] * float(img.width) + m[1] * float(img.height))) / 2;
    m[5] = (nh - (m[3] * float(img.width) + m[4] * float(img.height))) / 2;
    img = image::warp_affine(img, m, int(nw), int(nh), fill);
  }
  if (o_.pad > 0) img = image::pad(img, o_.pad, fill);
  if (rrc) {
    if (o_.max_random_area == 1 && o_.min_random_area == 1 && amin == 1 && amax == 1) return false;
    const double area = double(img.height) * double(img.width);
    for (int attempt = 0; attempt < 10; ++attempt) {
      const float frac = u01() * (o_.max_random_area - o_.min_random_area) + o_.min_random_area;
      const float ratio = u01() * (amax - amin) + amin;
      const double target = area * frac;
      std::int64_t ch = std::llround(std::sqrt(target / ratio)), cw = std::llround(std::sqrt(target * ratio));
      if (u01() > 0.5f) std::swap(ch, cw);
      if (ch < 1 || cw < 1 || ch > img.height || cw > img.width) continue;
      const int y = int(below(img.height - ch + 1)), x = int(below(img.width - cw + 1));
      img = image::resize(image::crop(img, x, y, int(cw), int(ch)), W, H, interp(cw > W && ch > H));
      return true;
    }
    return false;  // no box fitted in 10 draws: the centre crop follows, as in MXNet
  }
  if (o_.max_crop_size != -1 || o_.min_crop_size != -1) {
    if (img.width < o_.max_crop_size || img.height < o_.max_crop_size)
      throw ValueError("the " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                       " image is smaller than max_crop_size " + std::to_string(o_.max_crop_size));
    const int size = o_.min_crop_size + int(below(o_.max_crop_size - o_.min_crop_size + 1));
    int y = img.height - size, x = img.width - size;
    if (o_.rand_crop) {
      y = int(below(y + 1));
      x = int(below(x + 1));
    } else {
      y /= 2;
      x /= 2;
    }
    img = image::resize(image::crop(img, x, y, size, size), W, H, interp(size > W && size > H));
    return true;
  }
  return false;
}
SYMGRAD_INLINE void ImageRecordIter::jitter_colours(image::Image& img, nd::random::Generator& g) const {
  auto u01 = [&] { return float(g.uniform01()); };
  if (o_.brightness > 0 || o_.contrast > 0 || o_.saturation > 0) {
    const float ab = 1 + (u01() * 2 - 1) * o_.brightness, ac = 1 + (u01() * 2 - 1) * o_.contrast,
                as = 1 + (u01() * 2 - 1) * o_.saturation;
    int order[3] = {0, 1, 2};
    for (int i = 2; i > 0; --i) std::swap(order[i], order[g.next() % std::uint64_t(i + 1)]);
    for (int k : order) {
      if (k == 0 && o_.brightness > 0) image::adjust_brightness(img, ab);
      if (k == 1 && o_.contrast > 0) image::adjust_contrast(img, ac);
      if (k == 2 && o_.saturation > 0) image::adjust_saturation(img, as);
    }
  }
  if (o_.random_h != 0 || o_.random_s != 0 || o_.random_l != 0) {
    // MXNet's draw: (u + 4 u') / 5, a bell-shaped value in [0, 1), mapped to [-v, v]
    auto shift = [&](int v) { return int(((u01() + 4 * u01()) / 5) * float(v) * 2 - float(v)); };
    const int dh = shift(o_.random_h), ds = shift(o_.random_s), dl = shift(o_.random_l);
    image::shift_hls(img, dh, dl, ds);
  }
  if (o_.pca_noise > 0) {
    std::array<float, 3> alpha;
    for (float& a : alpha) a = float(g.normal01()) * o_.pca_noise;
    image::add_pca_noise(img, alpha);
  }
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
  nd::random::Generator g(o_.seed ^ (std::uint64_t(epoch_) << 40) ^
                          (std::uint64_t(pos) * 0x9E3779B97F4A7C15ull));
  bool cropped = false;
  try {
    if (o_.resize > 0)
      img = image::resize_short(img, o_.resize, interp(std::min(img.width, img.height) > o_.resize));
    cropped = warp_and_crop(img, g);
  } catch (const Error& e) {
    throw IOError("ImageRecordIter: '" + o_.path_imgrec + "' record id " + std::to_string(h.id) + ": " +
                  e.what());
  }
  if (!cropped && (img.height < H || img.width < W)) {
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
  int x0 = int((img.width - W) / 2), y0 = int((img.height - H) / 2);
  if (o_.rand_crop && !cropped) {
    x0 = int(g.next() % std::uint64_t(img.width - W + 1));
    y0 = int(g.next() % std::uint64_t(img.height - H + 1));
  }
  if (colour_jitter()) {
    img = image::crop(img, x0, y0, int(W), int(H));
    x0 = y0 = 0;
    jitter_colours(img, g);
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
