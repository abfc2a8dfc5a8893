// Image augmentations (io/image_augment.hpp) against OpenCV's results (the functions MXNet's
// augmenter calls; tests/reference/make_augment_golden.py) and closed forms, and ImageRecordIter's
// augmentation options on synthetic records whose results are known exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <symgrad/image.hpp>
#include <symgrad/symgrad.hpp>
#include <vector>

#include "test_files.hpp"

namespace {

namespace sg = symgrad;
namespace img = symgrad::image;
namespace fs = std::filesystem;

const std::string kAug = std::string(SYMGRAD_TEST_DATA) + "/augment/golden.params";

img::Image from_nd(const sg::NDArray& a) {
  REQUIRE(a.shape().ndim() == 3);
  img::Image out(int(a.shape()[0]), int(a.shape()[1]), int(a.shape()[2]));
  const std::uint8_t* p = a.data<std::uint8_t>();
  std::copy(p, p + out.pixels.size(), out.pixels.begin());
  return out;
}

struct Diff {
  double mean = 0;
  int max = 0;
};
Diff diff(const img::Image& a, const img::Image& b) {
  REQUIRE(a.height == b.height);
  REQUIRE(a.width == b.width);
  REQUIRE(a.channels == b.channels);
  Diff d;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    const int e = std::abs(int(a.pixels[i]) - int(b.pixels[i]));
    d.mean += e;
    d.max = std::max(d.max, e);
  }
  d.mean /= double(a.pixels.size());
  return d;
}

img::Image solid(int h, int w, std::array<std::uint8_t, 3> rgb) {
  img::Image out(h, w, 3);
  for (std::size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] = rgb[i % 3];
  return out;
}

// A .rec of n copies of `im` (PNG, lossless) with labels 0..n-1.
std::string write_rec(const std::string& dir, const img::Image& im, int n) {
  fs::create_directories(dir);
  const std::string path = dir + "/a.rec";
  sg::recordio::MXRecordIO w(path, "w");
  for (int i = 0; i < n; ++i)
    w.write(sg::recordio::pack_img({.label = float(i), .id = std::uint64_t(i)}, im, 95, ".png"));
  w.close();
  return path;
}

// Pixel (c, y, x) of row j of a batch.
float at(const sg::NDArray& b, std::int64_t j, std::int64_t c, std::int64_t y, std::int64_t x) {
  const auto& s = b.shape();
  return b.data<float>()[((j * s[1] + c) * s[2] + y) * s[3] + x];
}

}  // namespace

TEST_CASE("image::warp_affine matches cv2.warpAffine on MXNet's rotation, shear, scale and aspect maps") {
  auto gold = sg::nd::load(kAug);
  const img::Image src = from_nd(gold.at("src"));
  for (int k = 0; k < 4; ++k) {
    CAPTURE(k);
    const std::string n = std::to_string(k);
    const float* m = gold.at("warp_m:" + n).data<float>();
    const float* sz = gold.at("warp_size:" + n).data<float>();
    img::Affine a{m[0], m[1], m[2], m[3], m[4], m[5]};
    auto got = img::warp_affine(src, a, int(sz[0]), int(sz[1]), std::uint8_t(sz[2]));
    // OpenCV rounds source positions to 1/32 pixel and weights to 15 bits: a level or two inside
    // the image, up to 4 where a pixel blends with the fill value (steps of up to 255 levels)
    auto d = diff(got, from_nd(gold.at("warp:" + n)));
    CHECK(d.max <= 5);
    CHECK(d.mean < 0.3);
  }
  // closed forms: the identity, and a shift by half a pixel averages neighbours
  CHECK(diff(img::warp_affine(src, {1, 0, 0, 0, 1, 0}, src.width, src.height, 9), src).max == 0);
  auto half = img::warp_affine(src, {1, 0, 0.5f, 0, 1, 0}, src.width, src.height, 9);
  for (int y = 0; y < src.height; y += 5)
    for (int x = 1; x < src.width; x += 4)
      for (int c = 0; c < 3; ++c)
        CHECK(std::abs(int(half.at(y, x, c)) - (src.at(y, x - 1, c) + src.at(y, x, c)) / 2.0) <= 0.5);
  for (int c = 0; c < 3; ++c) CHECK(half.at(3, 0, c) == std::lround((9 + src.at(3, 0, c)) / 2.0));
  CHECK_THROWS_WITH_AS(img::warp_affine(src, {1, 2, 0, 2, 4, 0}, 4, 4, 0),
                       doctest::Contains("cannot be inverted"), sg::ValueError);
  CHECK_THROWS_AS(img::warp_affine(src, {1, 0, 0, 0, 1, 0}, 1 << 16, 1 << 16, 0), sg::ValueError);
}

TEST_CASE("image::shift_hls matches OpenCV's 8-bit HLS round trip with MXNet's clamping") {
  auto gold = sg::nd::load(kAug);
  const img::Image src = from_nd(gold.at("src"));
  for (auto [dh, dl, ds] :
       std::vector<std::array<int, 3>>{{0, 0, 0}, {20, 0, 0}, {-30, 10, -40}, {0, -25, 60}, {90, 30, 255}}) {
    CAPTURE(dh);
    CAPTURE(dl);
    CAPTURE(ds);
    img::Image got = src;
    img::shift_hls(got, dh, dl, ds);
    auto d = diff(got, from_nd(gold.at("hls:" + std::to_string(dh) + "_" + std::to_string(dl) + "_" +
                                       std::to_string(ds))));
    CHECK(d.max <= 2);
    CHECK(d.mean < 0.3);
  }
  img::Image grey1(1, 1, 1);
  CHECK_THROWS_WITH_AS(img::shift_hls(grey1, 1, 0, 0), doctest::Contains("RGB or RGBA"), sg::ValueError);
}

TEST_CASE("image: brightness, contrast, saturation, PCA noise and padding against closed forms") {
  img::Image a(2, 2, 4);
  const std::uint8_t px[16] = {10, 20, 30, 40, 200, 100, 50, 60, 0, 255, 128, 70, 90, 90, 90, 80};
  std::copy(px, px + 16, a.pixels.begin());
  auto grey = [&](const img::Image& im, int i) {
    return img::detail::grey(im.pixels[std::size_t(i) * 4], im.pixels[std::size_t(i) * 4 + 1],
                             im.pixels[std::size_t(i) * 4 + 2]);
  };
  auto sat = [](double v) { return int(std::clamp(std::lround(v), 0L, 255L)); };
  {
    img::Image b = a;
    img::adjust_brightness(b, 1.3f);
    for (int i = 0; i < 16; ++i)
      CHECK(int(b.pixels[std::size_t(i)]) == (i % 4 == 3 ? px[i] : sat(px[i] * 1.3f)));
  }
  {
    img::Image b = a;
    double mean = 0;
    for (int i = 0; i < 4; ++i) mean += grey(a, i);
    mean /= 4;
    img::adjust_contrast(b, 0.6f);
    for (int i = 0; i < 16; ++i)
      CHECK(int(b.pixels[std::size_t(i)]) == (i % 4 == 3 ? px[i] : sat(px[i] * 0.6f + (1 - 0.6f) * mean)));
  }
  {
    img::Image b = a;
    img::adjust_saturation(b, 1.7f);
    for (int i = 0; i < 16; ++i)
      CHECK(int(b.pixels[std::size_t(i)]) ==
            (i % 4 == 3 ? px[i] : sat(1.7f * px[i] + (1 - 1.7f) * grey(a, i / 4))));
  }
  {
    img::Image b = a;
    const std::array<float, 3> al{0.1f, -0.2f, 0.05f};
    img::add_pca_noise(b, al);
    // the eigenvalues times the eigenvectors of ImageNet's RGB covariance (AlexNet)
    const double ev[3][3] = {{55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009},
                             {55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140},
                             {55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203}};
    for (int i = 0; i < 16; ++i) {
      const int c = i % 4;
      if (c == 3) {
        CHECK(b.pixels[std::size_t(i)] == px[i]);
        continue;
      }
      const double add = ev[c][0] * al[0] + ev[c][1] * al[1] + ev[c][2] * al[2];
      CHECK(int(b.pixels[std::size_t(i)]) == std::clamp(int(px[i] + add), 0, 255));
    }
  }
  {
    auto p = img::pad(a, 2, 7);
    CHECK(p.width == 6);
    CHECK(p.height == 6);
    int sevens = 0;
    for (auto v : p.pixels) sevens += v == 7;
    CHECK(sevens == (36 - 4) * 4);
    CHECK(p.at(2, 2, 0) == 10);
    CHECK(p.at(3, 3, 3) == 80);
  }
}

TEST_CASE("ImageRecordIter: augmentation options give known results on synthetic records") {
  const std::string dir = testing::scratch("augment_iter");
  using Opt = sg::io::ImageRecordIterOptions;
  auto first = [](Opt o) {
    sg::io::ImageRecordIter it(std::move(o));
    REQUIRE(it.next());
    return it.value().data[0].copy();
  };
  SUBCASE("pad with fill_value, then the centre crop of the padded image") {
    const std::string rec = write_rec(dir, solid(10, 12, {100, 150, 200}), 2);
    auto b =
        first(Opt{.path_imgrec = rec, .data_shape = {3, 14, 16}, .batch_size = 2, .fill_value = 7, .pad = 2});
    for (int c = 0; c < 3; ++c) {
      CHECK(at(b, 0, c, 0, 5) == 7);
      CHECK(at(b, 1, c, 13, 15) == 7);
      CHECK(at(b, 0, c, 1, 1) == 7);
      CHECK(at(b, 0, c, 2, 2) == 100 + 50 * c);
      CHECK(at(b, 0, c, 11, 13) == 100 + 50 * c);
    }
  }
  SUBCASE("a fixed rotation leaves fill_value in the corners and the colour in the middle") {
    const std::string rec = write_rec(dir, solid(21, 21, {100, 150, 200}), 2);
    auto b = first(
        Opt{.path_imgrec = rec, .data_shape = {3, 21, 21}, .batch_size = 2, .rotate = 45, .fill_value = 3});
    for (int c = 0; c < 3; ++c) {
      CHECK(at(b, 0, c, 0, 0) == 3);
      CHECK(at(b, 0, c, 20, 20) == 3);
      CHECK(at(b, 1, c, 0, 20) == 3);
      CHECK(at(b, 1, c, 10, 10) == 100 + 50 * c);
    }
  }
  SUBCASE("min_crop_size = max_crop_size without rand_crop: the centre square, resized") {
    img::Image g(12, 16, 3);
    for (int y = 0; y < 12; ++y)
      for (int x = 0; x < 16; ++x)
        for (int c = 0; c < 3; ++c) g.row(y)[x * 3 + c] = std::uint8_t(10 * x + 7 * y + c);
    const std::string rec = write_rec(dir, g, 2);
    auto b = first(Opt{.path_imgrec = rec,
                       .data_shape = {3, 8, 8},
                       .batch_size = 2,
                       .max_crop_size = 8,
                       .min_crop_size = 8});
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x)
        for (int c = 0; c < 3; ++c) CHECK(at(b, 0, c, y, x) == float(10 * (x + 4) + 7 * (y + 2) + c));
  }
  SUBCASE("brightness scales the three channels of a pixel by one factor from [1 - v, 1 + v]") {
    const std::string rec = write_rec(dir, solid(8, 8, {100, 120, 80}), 32);
    sg::io::ImageRecordIter it(
        Opt{.path_imgrec = rec, .data_shape = {3, 8, 8}, .batch_size = 32, .brightness = 0.5f});
    REQUIRE(it.next());
    const auto& b = it.value().data[0];
    float lo = 9, hi = 0;
    for (int j = 0; j < 32; ++j) {
      const float f = at(b, j, 0, 3, 3) / 100;
      lo = std::min(lo, f);
      hi = std::max(hi, f);
      CHECK(f >= 0.5f - 0.006f);
      CHECK(f <= 1.5f + 0.006f);
      CHECK(std::abs(at(b, j, 1, 3, 3) - 120 * f) <= 1.5f);
      CHECK(std::abs(at(b, j, 2, 7, 0) - 80 * f) <= 1.5f);
    }
    CHECK(lo < 0.8f);  // 32 draws from [0.5, 1.5]: all above 0.8 has probability 0.7^32
    CHECK(hi > 1.2f);
  }
  SUBCASE(
      "random_resized_crop: a box of the asked area, resized; every option on is deterministic across "
      "threads") {
    img::Image g(24, 32, 3);
    for (int y = 0; y < 24; ++y)
      for (int x = 0; x < 32; ++x)
        for (int c = 0; c < 3; ++c) g.row(y)[x * 3 + c] = std::uint8_t(4 * x + 3 * y + 20 * c);
    const std::string rec = write_rec(dir, g, 6);
    auto rrc = first(Opt{.path_imgrec = rec,
                         .data_shape = {3, 8, 8},
                         .batch_size = 6,
                         .random_resized_crop = true,
                         .max_aspect_ratio = 1,
                         .min_aspect_ratio = 1.0f,
                         .max_random_area = 0.25f,
                         .min_random_area = 0.25f});
    // a 14 x 14 box (round(sqrt(768 / 4))) shrunk to 8 x 8: steps of 4 * 14 / 8 across, 3 * 14 / 8 down
    for (int j = 0; j < 6; ++j) {
      CHECK(std::abs((at(rrc, j, 0, 4, 5) - at(rrc, j, 0, 4, 1)) / 4 - 4 * 14 / 8.0) < 0.3);
      CHECK(std::abs((at(rrc, j, 1, 6, 3) - at(rrc, j, 1, 2, 3)) / 4 - 3 * 14 / 8.0) < 0.3);
    }
    auto all = [&](int threads) {
      sg::io::ImageRecordIter it(Opt{.path_imgrec = rec,
                                     .data_shape = {3, 8, 8},
                                     .batch_size = 3,
                                     .seed = 11,
                                     .preprocess_threads = threads,
                                     .random_resized_crop = true,
                                     .max_rotate_angle = 20,
                                     .max_aspect_ratio = 1.33f,
                                     .min_aspect_ratio = 0.75f,
                                     .max_shear_ratio = 0.1f,
                                     .max_random_area = 1,
                                     .min_random_area = 0.3f,
                                     .brightness = 0.3f,
                                     .contrast = 0.3f,
                                     .saturation = 0.3f,
                                     .pca_noise = 0.1f,
                                     .random_h = 10,
                                     .random_s = 20,
                                     .random_l = 20,
                                     .fill_value = 0,
                                     .rand_mirror = true});
      std::vector<sg::NDArray> out;
      while (it.next()) out.push_back(it.value().data[0].copy());
      return out;
    };
    auto one = all(1), three = all(3);
    REQUIRE(one.size() == 2);
    for (std::size_t i = 0; i < one.size(); ++i) CHECK(sg::nd::max_abs_diff(one[i], three[i]) == 0);
    auto plain = first(Opt{.path_imgrec = rec, .data_shape = {3, 8, 8}, .batch_size = 3});
    CHECK(sg::nd::max_abs_diff(one[0], plain) > 10);
  }
  SUBCASE("bad settings are ValueErrors naming the option") {
    const std::string rec = write_rec(dir, solid(8, 8, {1, 2, 3}), 2);
    auto bad = [&](Opt o, const char* what) {
      o.path_imgrec = rec;
      o.batch_size = 2;
      if (o.data_shape.empty()) o.data_shape = {3, 8, 8};
      CHECK_THROWS_WITH_AS(sg::io::ImageRecordIter{o}, doctest::Contains(what), sg::ValueError);
    };
    bad(Opt{.rand_crop = true, .random_resized_crop = true}, "random_resized_crop cannot be combined");
    bad(Opt{.min_aspect_ratio = 2.0f}, "aspect ratio range");
    bad(Opt{.max_random_area = 0.5f, .min_random_area = 0.8f}, "min_random_area");
    bad(Opt{.max_crop_size = 4, .min_crop_size = 6}, "min_crop_size");
    bad(Opt{.brightness = -1}, "brightness");
    bad(Opt{.fill_value = 300}, "fill_value");
    bad(Opt{.inter_method = 2}, "inter_method 2");
    bad(Opt{.data_shape = {1, 8, 8}, .saturation = 0.2f}, "need colour images");
    sg::io::ImageRecordIter big(Opt{.path_imgrec = rec,
                                    .data_shape = {3, 8, 8},
                                    .batch_size = 2,
                                    .max_crop_size = 9,
                                    .min_crop_size = 9});
    CHECK_THROWS_WITH_AS(big.next(), doctest::Contains("smaller than max_crop_size 9"), sg::IOError);
  }
  fs::remove_all(dir);
}
