// .params / .states files (nd::load), read from a file as users do.
#include <symgrad/ndarray.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto r = sg::nd::load_list(fuzz::temp_file(fuzz::as_view(data, size)));
    if (!r.names.empty()) (void)r.dict();
  } catch (const sg::Error&) {
  }
  return 0;
}
