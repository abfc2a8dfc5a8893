// mx.io.MNISTIter: batches from MNIST-format idx files (MNIST, Fashion-MNIST), plain or gzip'd,
// as MXNet 1.9.1's src/io/iter_mnist.cc:
// * pixels are float32 = byte / 256 (MXNet scales by 1/256, so 255 -> 0.99609375), data shape
//   (batch, 1, rows, cols), or (batch, rows * cols) with flat; labels float32 class indices, (batch,);
// * only whole batches: the last partial batch is dropped, pad is always 0;
// * num_parts / part_index read examples [floor(count * k / parts), floor(count * (k+1) / parts));
// * shuffle permutes the examples once, at construction; reset() replays the same order.
// Differences: the permutation comes from symgrad's seeded generator (MXNet's follows its C++
// library's std::shuffle), `limit` keeps only the first examples of the part, DataBatch::index
// holds each example's position in the file, and bad files are IOErrors that name the file and
// what is wrong (MXNet reads past the end or mistakes one file for the other). Labels must be class
// indices below num_classes (10 by default; EMNIST's splits need 26, 47 or 62); memory grows with
// the data actually read, never with the counts a header declares.
#pragma once
#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../core/world.hpp"
#include "data_iter.hpp"

namespace SYMGRAD_NS::io {

struct MNISTIterOptions {
  std::string image = "./train-images-idx3-ubyte";
  std::string label = "./train-labels-idx1-ubyte";
  std::int64_t batch_size = 128;
  bool shuffle = true;
  bool flat = false;
  std::uint64_t seed = 0;
  bool silent = false;  // false: print one line about the loaded data to stderr
  // -1: this process's share under an MPI launcher (kv::world()), else the whole file.
  int num_parts = -1;
  int part_index = -1;
  std::string data_name = "data";
  std::string label_name = "softmax_label";
  std::int64_t limit = 0;         // 0: every example of the part; else only the first `limit`
  std::int64_t num_classes = 10;  // every label must be in [0, num_classes)
};

namespace detail {

// Sequential reader over a plain or gzip'd file (gzip recognised by its magic bytes 1f 8b).
class IdxReader {
 public:
  explicit IdxReader(const std::string& path);
  IdxReader(const IdxReader&) = delete;
  IdxReader& operator=(const IdxReader&) = delete;
  ~IdxReader() { gzclose(gz_); }

  const std::string& path() const { return path_; }
  std::string describe() const { return "'" + path_ + "'" + (gzipped_ ? " (gzip)" : ""); }

  // Reads exactly n bytes; `what` says what they are and `item` their unit size in bytes, for the
  // error when the file ends early.
  void read(void* dst, std::size_t n, const std::string& what, std::size_t item = 0);
  // The same into `v`, which grows as the bytes arrive: a header that declares more than the file
  // holds costs no more memory than the file's contents.
  void read_into(std::vector<std::uint8_t>& v, std::size_t n, const std::string& what, std::size_t item = 0);
  std::uint32_t read_u32(const std::string& what);
  void skip(std::size_t n, const std::string& what);
  std::size_t offset() const { return offset_; }

 private:
  std::size_t read_some(char* p, std::size_t n, const std::string& what);
  [[noreturn]] void truncated(std::size_t n, std::size_t got, const std::string& what,
                              std::size_t item) const;
  std::string path_;
  bool gzipped_ = false;
  gzFile gz_ = nullptr;
  std::size_t offset_ = 0;
};

std::string magic_name(std::uint32_t m);

}  // namespace detail

class MNISTIter : public DataIter {
 public:
  explicit MNISTIter(const MNISTIterOptions& o);

  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;

  void reset() override;
  bool next() override;
  std::int64_t num_batches() const override;
  // Examples this iterator holds (after num_parts / limit).
  std::int64_t num_examples() const { return count_; }

 private:
  void load();

  MNISTIterOptions o_;
  std::int64_t rows_ = 0, cols_ = 0, first_ = 0, count_ = 0, loc_ = 0;
  std::vector<std::uint8_t> pixels_, labels_;
  std::vector<std::int64_t> order_;
};

}  // namespace SYMGRAD_NS::io
