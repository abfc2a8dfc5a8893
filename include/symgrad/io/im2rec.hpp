// im2rec as a library: MXNet 1.9.1's tools/im2rec.py — image lists (.lst) from a folder, and
// .rec/.idx image record files from lists — with the same outputs: the same list lines, the same
// shuffled order (Python's random.seed(100) and random.shuffle are reproduced exactly), the same
// split and chunk file names, the same record headers and keys. tools/im2rec.cpp is the command.
//
// Differences: a malformed .lst line is an IOError naming the file and the line (im2rec.py prints
// it and goes on); a folder without images is an IOError (im2rec.py writes an empty list); an unreadable
// image is skipped with a warning naming it in every mode (im2rec.py crashes on one in single-process mode),
// and the count of skipped images is reported; images are decoded and encoded on threads whose output is
// written in list order, byte-identical to one thread; files are written under temporary names and renamed
// when complete.
#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image.hpp"
#include "recordio.hpp"

namespace SYMGRAD_NS::im2rec {

namespace fs = std::filesystem;

// One line of a .lst file: index, labels, path relative to the image root.
struct ListItem {
  std::int64_t index = 0;
  std::vector<float> labels;
  std::string path;
};

struct Options {
  std::vector<std::string> exts = {".jpeg", ".jpg", ".png"};
  int chunks = 1;
  double train_ratio = 1.0;
  double test_ratio = 0.0;
  bool recursive = false;
  bool shuffle = true;
  bool pass_through = false;
  int resize = 0;
  bool center_crop = false;
  int quality = 95;
  int num_thread = 1;
  int color = 1;
  std::string encoding = ".jpg";
  bool pack_label = false;
  image::Interp interp = image::Interp::linear;
  // Messages (list mode's "folder label" lines, progress, warnings); by default to stdout/stderr.
  std::function<void(const std::string&)> log = [](const std::string& s) {
    std::printf("%s\n", s.c_str());
    std::fflush(stdout);
  };
  std::function<void(const std::string&)> warn = [](const std::string& s) {
    std::fprintf(stderr, "%s\n", s.c_str());
  };
};

namespace detail {

// Python's random module: MT19937 seeded by init_by_array, getrandbits, and shuffle.
class PyRandom {
 public:
  explicit PyRandom(std::uint32_t seed);
  std::uint32_t next();
  std::uint64_t below(std::uint64_t n);
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i-- > 1;) std::swap(v[i], v[below(i + 1)]);
  }

 private:
  static constexpr int N = 624, M = 397;
  void init(std::uint32_t s);
  void twist();
  std::uint32_t mt_[N];
  int pos_ = N;
};

std::string lower(std::string s);
bool wanted(const fs::path& p, const Options& o);
std::vector<fs::path> sorted_entries(const fs::path& dir);
// os.walk(top-down, sorted, following links) over `dir`, calling f(folder, sorted files).
void walk(const fs::path& dir, const std::function<void(const fs::path&, const std::vector<fs::path>&)>& f,
          int depth = 0);

// '%f' of a float label, as Python prints it.
std::string fmt_label(double v);

void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace detail

// The images under root, in im2rec.py's order: (index, path relative to root, label). With
// recursive, each folder that directly holds an image gets the next label in walk order.
std::vector<ListItem> list_image(const std::string& root, const Options& o);

// One .lst file's text.
std::string format_list(const std::vector<ListItem>& items);

// List mode: writes prefix[_chunk][_train|_val|_test].lst; returns the files written.
std::vector<std::string> make_list(const std::string& prefix, const std::string& root, const Options& o);

// Reads a .lst file. Lines with fewer than three tab-separated fields, a non-integer index or a
// non-numeric label are IOErrors naming the file and the line.
std::vector<ListItem> read_list(const std::string& path);

// The record for one list item (im2rec.py's image_encode), or nothing when the image cannot be
// read (the reason goes to `why`).
std::optional<std::string> encode_item(const ListItem& item, const std::string& root, const Options& o,
                                       std::string& why);

struct PackStats {
  std::int64_t written = 0, skipped = 0;
  double seconds = 0;
};

// Pack mode for one list: writes <list stem>.rec and .idx next to the list, in list order; the
// images are decoded and encoded on o.num_thread threads.
PackStats pack_list(const std::string& lst, const std::string& root, const Options& o);

// Pack mode: every .lst file in prefix's folder whose path starts with prefix (sorted by name).
std::vector<std::string> lists_for_prefix(const std::string& prefix);

}  // namespace SYMGRAD_NS::im2rec
