// RecordIO files: the input's first byte says how many of the following bytes form a .idx file;
// the rest is a .rec file. Every record is read in order (MXRecordIO), then by key through the
// index (MXIndexedRecordIO), each record's image header is unpacked, and ImageRecordIter reads
// the file with and without the index (one decoding thread, 8x8 images).
#include <symgrad/image.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto rest = fuzz::as_view(data + 1, size - 1);
  std::size_t cut = std::min<std::size_t>(rest.size(), data[0]);
  const std::string idx = fuzz::temp_file(rest.substr(0, cut), 0);
  const std::string rec = fuzz::temp_file(rest.substr(cut), 1);
  try {
    sg::recordio::MXRecordIO r(rec, "r");
    for (int n = 0; n < 4096; ++n) {
      auto s = r.read();
      if (!s) break;
      try {
        (void)sg::recordio::unpack(*s);
      } catch (const sg::Error&) {
      }
    }
    r.reset();
    while (r.skip()) {
    }
  } catch (const sg::Error&) {
  }
  try {
    sg::recordio::MXIndexedRecordIO r(idx, rec, "r");
    int n = 0;
    for (auto key : r.keys()) {
      if (++n > 256) break;
      try {
        (void)sg::recordio::unpack(r.read_idx(key));
      } catch (const sg::Error&) {
      }
    }
  } catch (const sg::Error&) {
  }
  for (bool indexed : {false, true}) {
    try {
      sg::io::ImageRecordIter it({.path_imgrec = rec,
                                  .path_imgidx = indexed ? idx : std::string(),
                                  .data_shape = {3, 8, 8},
                                  .batch_size = 2,
                                  .preprocess_threads = 1,
                                  .prefetch_buffer = 1,
                                  .resize = 8,
                                  .num_parts = 1,
                                  .part_index = 0});
      for (int n = 0; n < 64 && it.next(); ++n) {
      }
    } catch (const sg::Error&) {
    }
  }
  return 0;
}
