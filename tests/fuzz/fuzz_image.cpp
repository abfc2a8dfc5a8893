// JPEG/PNG decoding, then resize_short, a centre crop and a flip; image records (recordio::unpack,
// unpack_img) on the same bytes.
#include <symgrad/image.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto bytes = fuzz::as_view(data, size);
  const int flag = size ? int(data[size - 1] % 3) - 1 : 1;
  try {
    auto img = sg::image::decode(bytes, flag, "input");
    img = sg::image::resize_short(img, 24);
    img = sg::image::center_crop_square(img);
    (void)sg::image::flip_horizontal(img);
  } catch (const sg::Error&) {
  }
  try {
    auto [h, payload] = sg::recordio::unpack(bytes);
    (void)h;
    (void)sg::recordio::unpack_img(bytes, flag);
  } catch (const sg::Error&) {
  }
  return 0;
}
