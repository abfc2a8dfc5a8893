// Definitions of io/mnist_iter.hpp.
#pragma once
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <tuple>
#include "mnist_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_MNIST_ITER)
namespace SYMGRAD_NS::io {

namespace detail {
SYMGRAD_INLINE std::string magic_name(std::uint32_t m) {
  if (m == 2051) return " (an idx3 image file)";
  if (m == 2049) return " (an idx1 label file)";
  return "";
}
SYMGRAD_INLINE IdxReader::IdxReader(const std::string& path) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw IOError("MNISTIter: cannot open '" + path +
                  "': " + (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
  unsigned char head[2] = {0, 0};
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    gzipped_ = std::fread(head, 1, 2, f) == 2 && head[0] == 0x1f && head[1] == 0x8b;
    std::fclose(f);
  } else {
    throw IOError("MNISTIter: cannot open '" + path + "' for reading");
  }
  gz_ = gzopen(path.c_str(), "rb");
  if (!gz_) throw IOError("MNISTIter: cannot open '" + path + "' for reading");
  gzbuffer(gz_, 1 << 17);
}
SYMGRAD_INLINE std::size_t IdxReader::read_some(char* p, std::size_t n, const std::string& what) {
  std::size_t got = 0;
  while (got < n) {
    unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30));
    int r = gzread(gz_, p + got, chunk);
    if (r < 0) {
      int code = 0;
      const char* msg = gzerror(gz_, &code);
      if (code == Z_BUF_ERROR) break;  // the gzip stream ends early: a truncated file
      throw IOError("MNISTIter: " + describe() + " is corrupt: " + (msg ? msg : "read error") + " (reading " +
                    what + ")");
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  offset_ += got;
  return got;
}
SYMGRAD_INLINE void IdxReader::truncated(std::size_t n, std::size_t got, const std::string& what,
                                         std::size_t item) const {
  throw IOError(
      "MNISTIter: " + describe() + " is truncated: reading " + what + " needs " + std::to_string(n) +
      " bytes from offset " + std::to_string(offset_ - got) + " but only " + std::to_string(got) + " remain" +
      (gzipped_ ? " after decompression" : "") +
      (item ? " (" + std::to_string(got / item) + " whole items of " + std::to_string(n / item) + ")" : ""));
}
SYMGRAD_INLINE void IdxReader::read(void* dst, std::size_t n, const std::string& what, std::size_t item) {
  std::size_t got = read_some(static_cast<char*>(dst), n, what);
  if (got < n) truncated(n, got, what, item);
}
SYMGRAD_INLINE void IdxReader::read_into(std::vector<std::uint8_t>& v, std::size_t n, const std::string& what,
                                         std::size_t item) {
  constexpr std::size_t chunk = std::size_t{1} << 26;
  v.clear();
  std::size_t got = 0;
  while (got < n) {
    const std::size_t k = std::min(n - got, chunk);
    v.resize(got + k);
    const std::size_t r = read_some(reinterpret_cast<char*>(v.data()) + got, k, what);
    got += r;
    if (r < k) {
      v.clear();
      v.shrink_to_fit();
      truncated(n, got, what, item);
    }
  }
}
SYMGRAD_INLINE std::uint32_t IdxReader::read_u32(const std::string& what) {
  unsigned char b[4];
  read(b, 4, what);
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 |
         std::uint32_t{b[3]};
}
SYMGRAD_INLINE void IdxReader::skip(std::size_t n, const std::string& what) {
  std::vector<char> buf(std::min<std::size_t>(n, 1 << 20));
  while (n > 0) {
    std::size_t k = std::min(n, buf.size());
    read(buf.data(), k, what);
    n -= k;
  }
}
}  // namespace detail
SYMGRAD_INLINE MNISTIter::MNISTIter(const MNISTIterOptions& o) : DataIter(o.batch_size), o_(o) {
  if (o.batch_size < 1)
    throw ValueError("MNISTIter: batch_size must be at least 1, got " + std::to_string(o.batch_size));
  std::tie(o_.num_parts, o_.part_index) = kv::resolve_parts(o.num_parts, o.part_index, "MNISTIter");
  if (o.limit < 0) throw ValueError("MNISTIter: limit must be >= 0 (0: all), got " + std::to_string(o.limit));
  load();
  if (o.flat)
    batch_.data.emplace_back(Shape{o.batch_size, rows_ * cols_});
  else
    batch_.data.emplace_back(Shape{o.batch_size, 1, rows_, cols_});
  batch_.label.emplace_back(Shape{o.batch_size});
  batch_.provide_data = provide_data();
  batch_.provide_label = provide_label();
  order_.resize(static_cast<std::size_t>(count_));
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  if (o.shuffle) {
    nd::random::Generator g(o.seed);
    detail::shuffle(order_, g);
  }
  if (!o.silent)
    std::cerr << "MNISTIter: load " << count_ << " images, shuffle=" << o.shuffle
              << ", shape=" << batch_.data[0].shape().str() << "\n";
}
SYMGRAD_INLINE std::vector<DataDesc> MNISTIter::provide_data() const {
  return {
      {o_.data_name, o_.flat ? Shape{o_.batch_size, rows_ * cols_} : Shape{o_.batch_size, 1, rows_, cols_}}};
}
SYMGRAD_INLINE std::vector<DataDesc> MNISTIter::provide_label() const {
  return {{o_.label_name, Shape{o_.batch_size}}};
}
SYMGRAD_INLINE void MNISTIter::reset() { loc_ = 0; }
SYMGRAD_INLINE bool MNISTIter::next() {
  const std::int64_t bs = o_.batch_size, px = rows_ * cols_;
  if (loc_ + bs > count_) return false;
  float* d = batch_.data[0].data<float>();
  float* l = batch_.label[0].data<float>();
  batch_.index.resize(static_cast<std::size_t>(bs));
  for (std::int64_t i = 0; i < bs; ++i) {
    std::int64_t e = order_[static_cast<std::size_t>(loc_ + i)];
    const std::uint8_t* src = pixels_.data() + e * px;
    float* dst = d + i * px;
    for (std::int64_t k = 0; k < px; ++k) dst[k] = static_cast<float>(src[k]) * (1.0f / 256.0f);
    l[i] = static_cast<float>(labels_[static_cast<std::size_t>(e)]);
    batch_.index[static_cast<std::size_t>(i)] = first_ + e;
  }
  loc_ += bs;
  return true;
}
SYMGRAD_INLINE std::int64_t MNISTIter::num_batches() const { return count_ / o_.batch_size; }
SYMGRAD_INLINE void MNISTIter::load() {
  detail::IdxReader img(o_.image), lab(o_.label);
  std::uint32_t im = img.read_u32("the magic number"), lm = lab.read_u32("the magic number");
  if (im != 2051)
    throw IOError("MNISTIter: image file " + img.describe() + " has magic number " + std::to_string(im) +
                  detail::magic_name(im) + ", expected 2051 (an idx3 image file)" +
                  (im == 2049 ? "; are .image and .label swapped?" : ""));
  if (lm != 2049)
    throw IOError("MNISTIter: label file " + lab.describe() + " has magic number " + std::to_string(lm) +
                  detail::magic_name(lm) + ", expected 2049 (an idx1 label file)" +
                  (lm == 2051 ? "; are .image and .label swapped?" : ""));
  std::uint32_t n_img = img.read_u32("the image count"), rows = img.read_u32("the row count"),
                cols = img.read_u32("the column count");
  std::uint32_t n_lab = lab.read_u32("the label count");
  if (rows == 0 || cols == 0 || rows > 65536 || cols > 65536)
    throw IOError("MNISTIter: image file " + img.describe() + " declares images of " + std::to_string(rows) +
                  " x " + std::to_string(cols) + " pixels");
  if (n_img != n_lab)
    throw IOError("MNISTIter: image file " + img.describe() + " holds " + std::to_string(n_img) +
                  " images but label file " + lab.describe() + " holds " + std::to_string(n_lab) +
                  " labels; they must be the two halves of one data set");
  if (o_.num_classes < 1)
    throw ValueError("MNISTIter: num_classes must be at least 1, got " + std::to_string(o_.num_classes));
  rows_ = rows, cols_ = cols;
  // Sizes in uint64: up to (2^32 - 1) images of 2^32 pixels, beyond int64 but not uint64.
  const std::int64_t total = n_img, px = rows_ * cols_;
  const auto upx = static_cast<std::uint64_t>(px);
  // The part's range, computed in double as MXNet does.
  first_ = static_cast<std::int64_t>(static_cast<double>(total) / o_.num_parts * o_.part_index);
  std::int64_t end =
      static_cast<std::int64_t>(static_cast<double>(total) / o_.num_parts * (o_.part_index + 1));
  count_ = end - first_;
  if (o_.limit > 0 && o_.limit < count_) count_ = o_.limit;
  // No example: nothing would justify the batch arrays of the declared image size (and there is
  // nothing to iterate over).
  if (count_ < 1)
    throw IOError("MNISTIter: image file " + img.describe() + " holds no examples" +
                  (o_.num_parts > 1
                       ? " for part " + std::to_string(o_.part_index) + " of " + std::to_string(o_.num_parts)
                       : std::string()) +
                  " (the header declares " + std::to_string(total) + ")");
  img.skip(static_cast<std::size_t>(static_cast<std::uint64_t>(first_) * upx),
           "the images before part " + std::to_string(o_.part_index));
  lab.skip(static_cast<std::size_t>(first_), "the labels before part " + std::to_string(o_.part_index));
  auto items = [&](const char* what, std::int64_t n) {
    return std::to_string(n) + " " + what + " (examples " + std::to_string(first_) + " to " +
           std::to_string(first_ + n - 1) + " of the " + std::to_string(total) + " the header declares)";
  };
  img.read_into(pixels_, static_cast<std::size_t>(static_cast<std::uint64_t>(count_) * upx),
                items("images", count_), static_cast<std::size_t>(px));
  lab.read_into(labels_, static_cast<std::size_t>(count_), items("labels", count_), 1);
  for (std::size_t i = 0; i < labels_.size(); ++i)
    if (labels_[i] >= o_.num_classes)
      throw IOError("MNISTIter: label file " + lab.describe() + " holds label " + std::to_string(labels_[i]) +
                    " for example " + std::to_string(first_ + static_cast<std::int64_t>(i)) +
                    ", not a class index in [0, " + std::to_string(o_.num_classes) +
                    "); a data set with more classes needs MNISTIterOptions::num_classes");
}

}  // namespace SYMGRAD_NS::io
#endif
