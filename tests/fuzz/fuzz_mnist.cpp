// MNIST idx files, raw or gzip'd: the first byte splits the input into the image and label files.
#include <symgrad/io.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  auto rest = fuzz::as_view(data + 1, size - 1);
  std::size_t cut = std::min<std::size_t>(rest.size(), std::size_t(data[0]) * 4);
  try {
    sg::io::MNISTIter it({.image = fuzz::temp_file(rest.substr(cut), 0),
                          .label = fuzz::temp_file(rest.substr(0, cut), 1),
                          .batch_size = 2,
                          .shuffle = false,
                          .silent = true,
                          .num_parts = 1,
                          .part_index = 0});
    while (it.next()) {
    }
  } catch (const sg::Error&) {
  }
  return 0;
}
