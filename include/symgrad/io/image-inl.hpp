// Definitions of io/image.hpp.
#pragma once
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include "image.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_IMAGE)
namespace SYMGRAD_NS::image {

SYMGRAD_INLINE Format sniff(std::string_view b) {
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
      static_cast<unsigned char>(b[2]) == 0xFF)
    return Format::jpeg;
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return Format::png;
  return Format::unknown;
}
SYMGRAD_INLINE Image decode(std::string_view bytes, int flag, const std::string& what) {
  if (flag < -1 || flag > 1)
    throw ValueError("image::decode: the colour flag must be 1, 0 or -1, got " + std::to_string(flag));
  switch (sniff(bytes)) {
    case Format::jpeg:
      return detail::apply_flag(detail::decode_jpeg(bytes, flag, what), flag);
    case Format::png:
      return detail::apply_flag(detail::decode_png(bytes, flag, what), flag);
    default:
      throw IOError(
          what + ": not a JPEG or PNG image (" + std::to_string(bytes.size()) + " bytes, starting " +
          [&] {
            std::ostringstream s;
            for (std::size_t i = 0; i < std::min<std::size_t>(4, bytes.size()); ++i)
              s << std::hex << (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) | 0x100u) % 0x100u
                << ' ';
            return s.str();
          }() +
          ")");
  }
}
SYMGRAD_INLINE std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IOError("cannot open '" + path + "' for reading");
  std::stringstream s;
  s << f.rdbuf();
  if (f.bad()) throw IOError("reading '" + path + "' failed");
  return s.str();
}
SYMGRAD_INLINE Image imread(const std::string& path, int flag) {
  return decode(read_bytes(path), flag, "'" + path + "'");
}
SYMGRAD_INLINE std::string encode(const Image& img, const std::string& ext, int quality) {
  if (img.empty() || img.channels < 1 || img.channels > 4)
    throw ValueError("image::encode: the image is empty or has " + std::to_string(img.channels) +
                     " channels");
  std::string e = ext;
  std::transform(e.begin(), e.end(), e.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (e == ".jpg" || e == ".jpeg") {
    if (quality < 1 || quality > 100)
      throw ValueError("image::encode: JPEG quality must be 1..100, got " + std::to_string(quality));
    Image src = img.channels == 2   ? detail::convert(img, 1)
                : img.channels == 4 ? detail::convert(img, 3)
                                    : img;
    detail::TjHandle tj(true);
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    const int pf = src.channels == 1 ? TJPF_GRAY : TJPF_RGB;
    const int ss = src.channels == 1 ? TJSAMP_GRAY : TJSAMP_420;
    if (tjCompress2(tj.h, src.pixels.data(), src.width, 0, src.height, pf, &buf, &size, ss, quality, 0) !=
        0) {
      std::string m = tjGetErrorStr2(tj.h);
      tjFree(buf);
      throw IOError("image::encode: JPEG encoding failed: " + m);
    }
    std::string out(reinterpret_cast<const char*>(buf), size);
    tjFree(buf);
    return out;
  }
  if (e == ".png") {
    std::string out;
    if (!detail::encode_png_raw(img, std::clamp(quality, 0, 9), &out))
      throw IOError("image::encode: PNG encoding failed");
    return out;
  }
  throw ValueError("image::encode: unknown encoding '" + ext + "'; use \".jpg\" or \".png\"");
}
SYMGRAD_INLINE Image resize(const Image& in, int width, int height, Interp interp) {
  if (width <= 0 || height <= 0)
    throw ValueError("image::resize: target " + std::to_string(width) + "x" + std::to_string(height) +
                     " is empty");
  if (in.empty()) throw ValueError("image::resize: the image is empty");
  if (std::int64_t(width) * height > kMaxPixels)
    throw ValueError("image::resize: the target " + std::to_string(width) + "x" + std::to_string(height) +
                     " has " + std::to_string(std::int64_t(width) * height) +
                     " pixels, more than the limit of " + std::to_string(kMaxPixels) +
                     " (image::kMaxPixels)");
  if (width == in.width && height == in.height) return in;
  const int C = in.channels;
  Image out(height, width, C);
  const bool shrink = width <= in.width && height <= in.height;
  if (interp == Interp::area && shrink) {
    const double sx = double(in.width) / width, sy = double(in.height) / height;
    std::vector<double> acc(std::size_t(width) * std::size_t(C));
    for (int y = 0; y < height; ++y) {
      std::fill(acc.begin(), acc.end(), 0.0);
      const double y0 = y * sy, y1 = (y + 1) * sy;
      for (int iy = int(y0); iy < std::min(in.height, int(std::ceil(y1))); ++iy) {
        const double wy = std::min<double>(iy + 1, y1) - std::max<double>(iy, y0);
        if (wy <= 0) continue;
        const std::uint8_t* r = in.row(iy);
        for (int x = 0; x < width; ++x) {
          const double x0 = x * sx, x1 = (x + 1) * sx;
          for (int ix = int(x0); ix < std::min(in.width, int(std::ceil(x1))); ++ix) {
            const double w = wy * (std::min<double>(ix + 1, x1) - std::max<double>(ix, x0));
            if (w <= 0) continue;
            for (int c = 0; c < C; ++c)
              acc[std::size_t(x) * std::size_t(C) + std::size_t(c)] +=
                  w * r[std::size_t(ix) * std::size_t(C) + std::size_t(c)];
          }
        }
      }
      const double norm = 1.0 / (sx * sy);
      std::uint8_t* o = out.row(y);
      for (std::size_t i = 0; i < acc.size(); ++i)
        o[i] = static_cast<std::uint8_t>(std::clamp(std::lround(acc[i] * norm), 0L, 255L));
    }
    return out;
  }
  // bilinear: source coordinate (d + 0.5) * scale - 0.5, clamped to the image
  auto axis = [](int dst, int src, std::vector<int>& i0, std::vector<float>& f) {
    i0.resize(std::size_t(dst));
    f.resize(std::size_t(dst));
    const double scale = double(src) / dst;
    for (int d = 0; d < dst; ++d) {
      double s = (d + 0.5) * scale - 0.5;
      int i = static_cast<int>(std::floor(s));
      double fr = s - i;
      if (i < 0) i = 0, fr = 0;
      if (i >= src - 1) i = src - 1, fr = 0;
      i0[std::size_t(d)] = i;
      f[std::size_t(d)] = static_cast<float>(fr);
    }
  };
  std::vector<int> xi, yi;
  std::vector<float> xf, yf;
  axis(width, in.width, xi, xf);
  axis(height, in.height, yi, yf);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* r0 = in.row(yi[std::size_t(y)]);
    const std::uint8_t* r1 = in.row(std::min(yi[std::size_t(y)] + 1, in.height - 1));
    const float fy = yf[std::size_t(y)];
    std::uint8_t* o = out.row(y);
    for (int x = 0; x < width; ++x) {
      const std::size_t a = std::size_t(xi[std::size_t(x)]) * std::size_t(C);
      const std::size_t b = std::size_t(std::min(xi[std::size_t(x)] + 1, in.width - 1)) * std::size_t(C);
      const float fx = xf[std::size_t(x)];
      for (int c = 0; c < C; ++c) {
        const float top = r0[a + std::size_t(c)] + fx * (r0[b + std::size_t(c)] - r0[a + std::size_t(c)]);
        const float bot = r1[a + std::size_t(c)] + fx * (r1[b + std::size_t(c)] - r1[a + std::size_t(c)]);
        o[std::size_t(x) * std::size_t(C) + std::size_t(c)] =
            static_cast<std::uint8_t>(std::lround(top + fy * (bot - top)));
      }
    }
  }
  return out;
}
SYMGRAD_INLINE Image resize_short(const Image& in, int size, Interp interp) {
  if (size <= 0)
    throw ValueError("image::resize_short: the size must be positive, got " + std::to_string(size));
  if (in.empty() || in.width <= 0 || in.height <= 0)
    throw ValueError("image::resize_short: the image is empty");
  const bool tall = in.height > in.width;
  const std::int64_t lng = tall ? in.height : in.width, shrt = tall ? in.width : in.height;
  const std::int64_t out_long = lng * size / shrt;  // both factors below 2^31: no overflow
  if (out_long > kMaxPixels / size)
    throw ValueError("image::resize_short: resizing a " + std::to_string(in.width) + "x" +
                     std::to_string(in.height) + " image so that its short side is " + std::to_string(size) +
                     " gives " + std::to_string(out_long) +
                     " pixels along the long side, more than the limit of " + std::to_string(kMaxPixels) +
                     " pixels in all (image::kMaxPixels)");
  if (tall) return resize(in, size, int(out_long), interp);
  return resize(in, int(out_long), size, interp);
}
SYMGRAD_INLINE Image crop(const Image& in, int x, int y, int width, int height) {
  if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > in.width || y + height > in.height)
    throw ValueError("image::crop: the box (" + std::to_string(x) + ", " + std::to_string(y) + ", " +
                     std::to_string(width) + "x" + std::to_string(height) + ") is not inside the " +
                     std::to_string(in.width) + "x" + std::to_string(in.height) + " image");
  Image out(height, width, in.channels);
  const std::size_t rb = std::size_t(width) * std::size_t(in.channels);
  for (int r = 0; r < height; ++r)
    std::memcpy(out.row(r), in.row(y + r) + std::size_t(x) * std::size_t(in.channels), rb);
  return out;
}
SYMGRAD_INLINE Image center_crop_square(const Image& in) {
  if (in.height > in.width) return crop(in, 0, (in.height - in.width) / 2, in.width, in.width);
  return crop(in, (in.width - in.height) / 2, 0, in.height, in.height);
}
SYMGRAD_INLINE Image flip_horizontal(const Image& in) {
  Image out(in.height, in.width, in.channels);
  const std::size_t C = std::size_t(in.channels);
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      std::memcpy(out.row(y) + std::size_t(x) * C, in.row(y) + std::size_t(in.width - 1 - x) * C, C);
  return out;
}
namespace detail {
SYMGRAD_INLINE std::uint8_t grey(int r, int g, int b) {
  return static_cast<std::uint8_t>((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14);
}
SYMGRAD_INLINE Image convert(const Image& in, int channels) {
  if (in.channels == channels) return in;
  Image out(in.height, in.width, channels);
  const std::size_t n = std::size_t(in.height) * std::size_t(in.width);
  const int ic = in.channels;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* s = in.pixels.data() + i * std::size_t(ic);
    std::uint8_t* d = out.pixels.data() + i * std::size_t(channels);
    const bool scol = ic >= 3;
    const std::uint8_t alpha = (ic == 2 || ic == 4) ? s[ic - 1] : 255;
    if (channels == 1 || channels == 2) {
      d[0] = scol ? grey(s[0], s[1], s[2]) : s[0];
      if (channels == 2) d[1] = alpha;
    } else {
      for (int c = 0; c < 3; ++c) d[c] = scol ? s[c] : s[0];
      if (channels == 4) d[3] = alpha;
    }
  }
  return out;
}
SYMGRAD_INLINE Image apply_flag(Image img, int flag) {
  if (flag == 1) return convert(img, 3);
  if (flag == 0) return convert(img, 1);
  return img;
}
SYMGRAD_INLINE Image decode_jpeg(std::string_view b, int flag, const std::string& what) {
  TjHandle tj(false);
  int w = 0, h = 0, subsamp = 0, cs = 0;
  auto* src = reinterpret_cast<const unsigned char*>(b.data());
  if (tjDecompressHeader3(tj.h, src, static_cast<unsigned long>(b.size()), &w, &h, &subsamp, &cs) != 0)
    throw IOError(what + ": not a readable JPEG: " + tjGetErrorStr2(tj.h));
  if (w <= 0 || h <= 0 || std::int64_t(w) * h > kMaxPixels)
    throw IOError(what + ": JPEG of " + std::to_string(w) + "x" + std::to_string(h) +
                  " pixels is empty or too large");
  const bool grey_src = cs == TJCS_GRAY;
  const int channels = flag == 0 || (flag == -1 && grey_src) ? 1 : 3;
  Image img(h, w, channels);
  const int pf = channels == 1 ? TJPF_GRAY : TJPF_RGB;
  if (cs == TJCS_CMYK || cs == TJCS_YCCK)
    throw IOError(what + ": CMYK JPEGs are not supported; convert the image to RGB");
  if (tjDecompress2(tj.h, src, static_cast<unsigned long>(b.size()), img.pixels.data(), w, 0, h, pf, 0) !=
      0) {
    // A warning (such as a file that ends early) still gives an image, as OpenCV's decoder does.
    if (tjGetErrorCode(tj.h) != TJERR_WARNING)
      throw IOError(what + ": cannot decode the JPEG: " + tjGetErrorStr2(tj.h));
  }
  return img;
}
SYMGRAD_INLINE Image decode_png(std::string_view b, int flag, const std::string& what) {
  png_image pi;
  std::memset(&pi, 0, sizeof pi);
  pi.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&pi, b.data(), b.size()))
    throw IOError(what + ": not a readable PNG: " + pi.message);
  if (pi.width == 0 || pi.height == 0 || std::int64_t(pi.width) * pi.height > kMaxPixels) {
    png_image_free(&pi);
    throw IOError(what + ": PNG of " + std::to_string(pi.width) + "x" + std::to_string(pi.height) +
                  " pixels is empty or too large");
  }
  const bool colour = (pi.format & PNG_FORMAT_FLAG_COLOR) != 0,
             alpha = (pi.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  int channels = (colour ? 3 : 1) + (alpha ? 1 : 0);
  pi.format = channels == 1   ? PNG_FORMAT_GRAY
              : channels == 2 ? PNG_FORMAT_GA
              : channels == 3 ? PNG_FORMAT_RGB
                              : PNG_FORMAT_RGBA;
  Image img(static_cast<int>(pi.height), static_cast<int>(pi.width), channels);
  if (!png_image_finish_read(&pi, nullptr, img.pixels.data(), 0, nullptr)) {
    std::string m = pi.message;
    png_image_free(&pi);
    throw IOError(what + ": cannot decode the PNG: " + m);
  }
  (void)flag;
  return img;
}
SYMGRAD_INLINE void png_sink_write(png_structp p, png_bytep data, png_size_t n) {
  auto* s = static_cast<PngSink*>(png_get_io_ptr(p));
  s->out->append(reinterpret_cast<const char*>(data), n);
}
SYMGRAD_INLINE void png_sink_flush(png_structp) {}
SYMGRAD_INLINE void png_quiet_warning(png_structp, png_const_charp) {}
SYMGRAD_INLINE bool encode_png_raw(const Image& img, int level, std::string* out) {
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, png_quiet_warning);
  if (!p) return false;
  png_infop info = png_create_info_struct(p);
  if (!info) {
    png_destroy_write_struct(&p, nullptr);
    return false;
  }
  PngSink sink{out};
  if (setjmp(png_jmpbuf(p))) {
    png_destroy_write_struct(&p, &info);
    return false;
  }
  png_set_write_fn(p, &sink, png_sink_write, png_sink_flush);
  png_set_compression_level(p, level);
  const int type = img.channels == 1   ? PNG_COLOR_TYPE_GRAY
                   : img.channels == 2 ? PNG_COLOR_TYPE_GRAY_ALPHA
                   : img.channels == 3 ? PNG_COLOR_TYPE_RGB
                                       : PNG_COLOR_TYPE_RGBA;
  png_set_IHDR(p, info, static_cast<png_uint_32>(img.width), static_cast<png_uint_32>(img.height), 8, type,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(p, info);
  for (int y = 0; y < img.height; ++y) png_write_row(p, const_cast<png_bytep>(img.row(y)));
  png_write_end(p, nullptr);
  png_destroy_write_struct(&p, &info);
  return true;
}
}  // namespace detail

}  // namespace SYMGRAD_NS::image
namespace SYMGRAD_NS::recordio {

SYMGRAD_INLINE std::string pack_img(const IRHeader& h, const image::Image& img, int quality,
                                    const std::string& img_fmt) {
  return pack(h, image::encode(img, img_fmt, quality));
}
SYMGRAD_INLINE std::pair<IRHeader, image::Image> unpack_img(std::string_view rec, int iscolor) {
  auto [h, payload] = unpack(rec);
  auto img = image::decode(payload, iscolor, "image record id " + std::to_string(h.id));
  return {std::move(h), std::move(img)};
}

}  // namespace SYMGRAD_NS::recordio
#endif
