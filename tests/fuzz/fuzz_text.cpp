// Text data files: CSV (read_csv and CSVIter) and LibSVM (read_libsvm and LibSVMIter). The input's
// first byte gives the row width (1 to 16) and picks the reader; the rest is the file.
#include <symgrad/io.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::int64_t width = 1 + (data[0] & 15);
  const bool libsvm = (data[0] & 16) != 0;
  const bool with_labels = (data[0] & 32) != 0;
  const std::string path = fuzz::temp_file(fuzz::as_view(data + 1, size - 1), 0);
  try {
    if (libsvm) {
      std::vector<float> labels;
      (void)sg::io::detail::read_libsvm(path, width, with_labels ? &labels : nullptr, "data_libsvm");
      sg::io::LibSVMIter it({.data_libsvm = path, .data_shape = sg::Shape{width}, .batch_size = 3});
      while (it.next()) {
      }
    } else {
      (void)sg::io::detail::read_csv(path, width, "data_csv");
      sg::io::CSVIter it({.data_csv = path,
                          .data_shape = sg::Shape{width},
                          .label_csv = with_labels ? path : "NULL",
                          .label_shape = sg::Shape{width},
                          .batch_size = 3});
      while (it.next()) {
      }
    }
  } catch (const sg::Error&) {
  }
  return 0;
}
