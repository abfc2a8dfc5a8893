// Image lists (.lst, im2rec's format): read_list, then format_list of what was read, which must
// read back to the same items.
#include <symgrad/image.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;
namespace im2rec = sg::im2rec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::temp_file(fuzz::as_view(data, size), 0);
  std::vector<im2rec::ListItem> items;
  try {
    items = im2rec::read_list(path);
  } catch (const sg::Error&) {
    return 0;
  }
  // What was read writes out and reads back the same (labels as im2rec formats them).
  const std::string again = fuzz::temp_file(im2rec::format_list(items), 1);
  auto back = im2rec::read_list(again);
  if (back.size() != items.size()) __builtin_trap();
  for (std::size_t i = 0; i < items.size(); ++i)
    if (back[i].index != items[i].index || back[i].path != items[i].path ||
        back[i].labels.size() != items[i].labels.size())
      __builtin_trap();
  return 0;
}
