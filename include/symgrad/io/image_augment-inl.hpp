// Definitions of io/image_augment.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include "image_augment.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_IMAGE_AUGMENT)
namespace SYMGRAD_NS::image {

namespace detail {
inline std::uint8_t saturate_u8(double v) {
  // round half away from zero, then clamp; NaN gives 0
  if (!(v > 0)) return 0;
  if (v >= 255) return 255;
  return static_cast<std::uint8_t>(std::lround(v));
}
inline int colour_channels(const Image& img, const char* what) {
  if (img.channels != 3 && img.channels != 4)
    throw ValueError(std::string("image::") + what + ": needs an RGB or RGBA image, got " +
                     std::to_string(img.channels) + " channel(s)");
  return 3;
}
}  // namespace detail

SYMGRAD_INLINE Image warp_affine(const Image& in, const Affine& m, int width, int height, std::uint8_t fill) {
  if (in.empty()) throw ValueError("image::warp_affine: the image is empty");
  if (width <= 0 || height <= 0 || std::int64_t(width) * height > kMaxPixels)
    throw ValueError("image::warp_affine: the target " + std::to_string(width) + "x" +
                     std::to_string(height) + " is empty or has more than image::kMaxPixels (" +
                     std::to_string(kMaxPixels) + ") pixels");
  const double det = double(m[0]) * m[4] - double(m[1]) * m[3];
  if (!std::isfinite(det) || std::abs(det) < 1e-12)
    throw ValueError("image::warp_affine: the map cannot be inverted (determinant " + std::to_string(det) +
                     ")");
  // inverse: source = A^-1 (dest - t)
  const double i00 = m[4] / det, i01 = -m[1] / det, i10 = -m[3] / det, i11 = m[0] / det;
  const double t0 = m[2], t1 = m[5];
  const int C = in.channels;
  Image out(height, width, C);
  auto px = [&](int x, int y, int c) -> float {
    if (x < 0 || y < 0 || x >= in.width || y >= in.height) return fill;
    return in.row(y)[std::size_t(x) * std::size_t(C) + std::size_t(c)];
  };
  for (int y = 0; y < height; ++y) {
    std::uint8_t* o = out.row(y);
    for (int x = 0; x < width; ++x) {
      const double dx = x - t0, dy = y - t1;
      const double sx = i00 * dx + i01 * dy, sy = i10 * dx + i11 * dy;
      const double fx0 = std::floor(sx), fy0 = std::floor(sy);
      // far outside: the fill value (also keeps the integer conversion below defined)
      if (!(fx0 >= -2 && fx0 <= in.width + 1 && fy0 >= -2 && fy0 <= in.height + 1)) {
        std::fill_n(o + std::size_t(x) * std::size_t(C), C, fill);
        continue;
      }
      const int x0 = int(fx0), y0 = int(fy0);
      const float fx = float(sx - fx0), fy = float(sy - fy0);
      for (int c = 0; c < C; ++c) {
        const float top = px(x0, y0, c) + fx * (px(x0 + 1, y0, c) - px(x0, y0, c));
        const float bot = px(x0, y0 + 1, c) + fx * (px(x0 + 1, y0 + 1, c) - px(x0, y0 + 1, c));
        o[std::size_t(x) * std::size_t(C) + std::size_t(c)] = detail::saturate_u8(top + fy * (bot - top));
      }
    }
  }
  return out;
}

SYMGRAD_INLINE Image pad(const Image& in, int p, std::uint8_t fill) {
  if (p < 0) throw ValueError("image::pad: the padding must not be negative, got " + std::to_string(p));
  const std::int64_t w = std::int64_t(in.width) + 2 * std::int64_t(p),
                     h = std::int64_t(in.height) + 2 * std::int64_t(p);
  if (w * h > kMaxPixels)
    throw ValueError("image::pad: the padded image (" + std::to_string(w) + "x" + std::to_string(h) +
                     ") has more than image::kMaxPixels pixels");
  Image out(int(h), int(w), in.channels);
  std::fill(out.pixels.begin(), out.pixels.end(), fill);
  const std::size_t rb = std::size_t(in.width) * std::size_t(in.channels);
  for (int y = 0; y < in.height; ++y)
    std::copy_n(in.row(y), rb, out.row(y + p) + std::size_t(p) * std::size_t(in.channels));
  return out;
}

SYMGRAD_INLINE void adjust_brightness(Image& img, float alpha) {
  const int C = img.channels, K = C == 2 || C == 4 ? C - 1 : C;
  const std::size_t n = std::size_t(img.height) * std::size_t(img.width);
  for (std::size_t i = 0; i < n; ++i)
    for (int c = 0; c < K; ++c) {
      std::uint8_t& v = img.pixels[i * std::size_t(C) + std::size_t(c)];
      v = detail::saturate_u8(double(v) * alpha);
    }
}

SYMGRAD_INLINE void adjust_contrast(Image& img, float alpha) {
  const int C = img.channels, K = C == 2 || C == 4 ? C - 1 : C;
  const std::size_t n = std::size_t(img.height) * std::size_t(img.width);
  if (n == 0) return;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* p = img.pixels.data() + i * std::size_t(C);
    sum += K == 3 ? detail::grey(p[0], p[1], p[2]) : p[0];
  }
  const double shift = (1.0 - alpha) * (sum / double(n));
  for (std::size_t i = 0; i < n; ++i)
    for (int c = 0; c < K; ++c) {
      std::uint8_t& v = img.pixels[i * std::size_t(C) + std::size_t(c)];
      v = detail::saturate_u8(double(v) * alpha + shift);
    }
}

SYMGRAD_INLINE void adjust_saturation(Image& img, float alpha) {
  detail::colour_channels(img, "adjust_saturation");
  const std::size_t C = std::size_t(img.channels), n = std::size_t(img.height) * std::size_t(img.width);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t* p = img.pixels.data() + i * C;
    const double g = (1.0 - alpha) * detail::grey(p[0], p[1], p[2]);
    for (int c = 0; c < 3; ++c) p[c] = detail::saturate_u8(double(alpha) * p[c] + g);
  }
}

SYMGRAD_INLINE void shift_hls(Image& img, int dh, int dl, int ds) {
  detail::colour_channels(img, "shift_hls");
  const std::size_t C = std::size_t(img.channels), n = std::size_t(img.height) * std::size_t(img.width);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t* p = img.pixels.data() + i * C;
    // to HLS in float, as OpenCV's 8-bit conversion computes it (values times 1/255, hue in
    // degrees, ties rounded to even), so that the 8-bit results agree
    constexpr float k255 = 1.0f / 255.0f;
    const float r = float(p[0]) * k255, g = float(p[1]) * k255, b = float(p[2]) * k255;
    const float vmax = std::max({r, g, b}), vmin = std::min({r, g, b});
    float diff = vmax - vmin, h = 0, s = 0;
    const float l = (vmax + vmin) * 0.5f;
    if (diff > 1.1920929e-7f) {
      s = l < 0.5f ? diff / (vmax + vmin) : diff / (2.0f - vmax - vmin);
      diff = 60.0f / diff;
      h = vmax == r ? (g - b) * diff : vmax == g ? (b - r) * diff + 120.0f : (r - g) * diff + 240.0f;
      if (h < 0) h += 360.0f;
    }
    // the 8-bit values, shifted and clamped
    const int H = std::clamp(int(std::lrint(h * 0.5f)) + dh, 0, 180);
    const int L = std::clamp(int(std::lrint(l * 255.0f)) + dl, 0, 255);
    const int S = std::clamp(int(std::lrint(s * 255.0f)) + ds, 0, 255);
    // back to RGB: the hue's sixth of the circle picks which channel holds the largest value q,
    // the smallest pp, and the rising or falling one in between
    const float ll = float(L) * k255, ss = float(S) * k255;
    float rgb[3] = {ll, ll, ll};
    if (ss != 0) {
      const float q = ll <= 0.5f ? ll * (1.0f + ss) : ll + ss - ll * ss, pp = 2.0f * ll - q;
      float hh = float(H) * (6.0f / 180.0f);
      if (hh >= 6) hh -= 6;
      const int sector = int(std::floor(hh));
      const float f = hh - float(sector), rise = pp + (q - pp) * f, fall = pp + (q - pp) * (1 - f);
      switch (sector) {
        case 0:
          rgb[0] = q, rgb[1] = rise, rgb[2] = pp;
          break;
        case 1:
          rgb[0] = fall, rgb[1] = q, rgb[2] = pp;
          break;
        case 2:
          rgb[0] = pp, rgb[1] = q, rgb[2] = rise;
          break;
        case 3:
          rgb[0] = pp, rgb[1] = fall, rgb[2] = q;
          break;
        case 4:
          rgb[0] = rise, rgb[1] = pp, rgb[2] = q;
          break;
        default:
          rgb[0] = q, rgb[1] = pp, rgb[2] = fall;
          break;
      }
    }
    for (int c = 0; c < 3; ++c) p[c] = std::uint8_t(std::clamp(std::lrint(rgb[c] * 255.0f), 0L, 255L));
  }
}

SYMGRAD_INLINE void add_pca_noise(Image& img, const std::array<float, 3>& alpha) {
  detail::colour_channels(img, "add_pca_noise");
  // ImageNet's RGB eigenvalues (55.46, 4.794, 1.148) times their eigenvectors (columns), as
  // published with AlexNet and used by MXNet's augmenter.
  static constexpr float ev[3][3] = {{55.46f * -0.5675f, 4.794f * 0.7192f, 1.148f * 0.4009f},
                                     {55.46f * -0.5808f, 4.794f * -0.0045f, 1.148f * -0.8140f},
                                     {55.46f * -0.5836f, 4.794f * -0.6948f, 1.148f * 0.4203f}};
  float add[3];
  for (int c = 0; c < 3; ++c) add[c] = ev[c][0] * alpha[0] + ev[c][1] * alpha[1] + ev[c][2] * alpha[2];
  const std::size_t C = std::size_t(img.channels), n = std::size_t(img.height) * std::size_t(img.width);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t* p = img.pixels.data() + i * C;
    for (int c = 0; c < 3; ++c) p[c] = std::uint8_t(std::clamp(int(float(p[c]) + add[c]), 0, 255));
  }
}

}  // namespace SYMGRAD_NS::image
#endif
