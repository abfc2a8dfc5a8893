// Images for RecordIO data sets: JPEG and PNG decoding and encoding (libjpeg-turbo's TurboJPEG
// API and libpng), resizing, cropping and flipping, and mx.recordio's pack_img / unpack_img.
// Needs the `symgrad_image` dependency (libturbojpeg and libpng); the rest of symgrad does not.
//
// Pixels are 8-bit, height x width x channels, in RGB(A) order (MXNet's OpenCV code holds BGR;
// symgrad converts at the edges, and ImageRecordIter's batches are RGB either way). The colour
// flag is OpenCV's imread flag as MXNet passes it: 1 colour (three channels, alpha dropped),
// 0 greyscale, -1 unchanged (greyscale stays one channel, alpha is kept).
#pragma once
#include <png.h>
#include <turbojpeg.h>
#include <utility>

#include <csetjmp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../core/error.hpp"
#include "recordio.hpp"

namespace SYMGRAD_NS::image {

struct Image {
  int height = 0, width = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // height * width * channels, row-major, channels last

  Image() = default;
  Image(int h, int w, int c)
      : height(h), width(w), channels(c), pixels(std::size_t(h) * std::size_t(w) * std::size_t(c)) {}
  bool empty() const { return pixels.empty(); }
  std::uint8_t* row(int y) {
    return pixels.data() + std::size_t(y) * std::size_t(width) * std::size_t(channels);
  }
  const std::uint8_t* row(int y) const {
    return pixels.data() + std::size_t(y) * std::size_t(width) * std::size_t(channels);
  }
  std::uint8_t at(int y, int x, int c) const {
    return row(y)[std::size_t(x) * std::size_t(channels) + std::size_t(c)];
  }
};

enum class Format { unknown, jpeg, png };

Format sniff(std::string_view b);

// Decoded images, and the results of resize and resize_short, larger than this many pixels are
// refused (a corrupt header or a thin image resized by its short side must not allocate
// gigabytes); 2^28 pixels is a 16384 x 16384 photograph.
inline constexpr std::int64_t kMaxPixels = std::int64_t(1) << 28;

namespace detail {

// OpenCV's fixed-point RGB -> grey weights (0.299, 0.587, 0.114 in 14 bits).
std::uint8_t grey(int r, int g, int b);

// Converts between channel layouts: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
Image convert(const Image& in, int channels);

Image apply_flag(Image img, int flag);

struct TjHandle {
  tjhandle h;
  explicit TjHandle(bool compress) : h(compress ? tjInitCompress() : tjInitDecompress()) {
    if (!h) throw IOError(std::string("image: cannot start libjpeg-turbo: ") + tjGetErrorStr2(nullptr));
  }
  ~TjHandle() { tjDestroy(h); }
  TjHandle(const TjHandle&) = delete;
  TjHandle& operator=(const TjHandle&) = delete;
};

Image decode_jpeg(std::string_view b, int flag, const std::string& what);

Image decode_png(std::string_view b, int flag, const std::string& what);

// libpng's full write interface (for the compression level), with its errors turned into a
// return value through setjmp; only trivially destructible objects live in this frame.
struct PngSink {
  std::string* out;
};
void png_sink_write(png_structp p, png_bytep data, png_size_t n);
void png_sink_flush(png_structp);
void png_quiet_warning(png_structp, png_const_charp);

bool encode_png_raw(const Image& img, int level, std::string* out);

}  // namespace detail

// Decodes JPEG or PNG bytes. `what` names the source in errors (a file name, a record key).
Image decode(std::string_view bytes, int flag = 1, const std::string& what = "image");

std::string read_bytes(const std::string& path);

Image imread(const std::string& path, int flag = 1);

// Encodes as ".jpg"/".jpeg" (quality 1..100) or ".png" (compression level 0..9; larger values
// are clamped to 9, as OpenCV does).
std::string encode(const Image& img, const std::string& ext = ".jpg", int quality = 95);

enum class Interp { linear, area };

// Resizes to width x height. linear: bilinear with OpenCV's pixel-centre mapping (cv2.INTER_LINEAR,
// what MXNet uses); area: each output pixel averages the input area it covers (cv2.INTER_AREA), the
// right filter for shrinking, free of aliasing.
Image resize(const Image& in, int width, int height, Interp interp = Interp::linear);

// The shorter edge becomes `size`, the longer `long * size / short` (integer division, as im2rec).
Image resize_short(const Image& in, int size, Interp interp = Interp::linear);

Image crop(const Image& in, int x, int y, int width, int height);

// The centred square of side min(height, width), offset (long - short) / 2 (im2rec --center-crop).
Image center_crop_square(const Image& in);

Image flip_horizontal(const Image& in);

}  // namespace SYMGRAD_NS::image

namespace SYMGRAD_NS::recordio {

// An image record (mx.recordio.pack_img): the header, then the image encoded as img_fmt.
std::string pack_img(const IRHeader& h, const image::Image& img, int quality = 95,
                     const std::string& img_fmt = ".jpg");

// Header and decoded image of an image record (mx.recordio.unpack_img; iscolor as the colour flag).
std::pair<IRHeader, image::Image> unpack_img(std::string_view rec, int iscolor = -1);

}  // namespace SYMGRAD_NS::recordio
