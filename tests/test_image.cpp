// Images, im2rec and ImageRecordIter, against files made by MXNet 1.9.1's im2rec.py and
// ImageRecordIter (tests/reference/make_image_golden.py).
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <symgrad/image.hpp>
#include <symgrad/symgrad.hpp>
#include <vector>

#include "test_files.hpp"

namespace {

namespace sg = symgrad;
namespace img = symgrad::image;
namespace ir = symgrad::im2rec;
namespace rio = symgrad::recordio;
namespace fs = std::filesystem;
using testing::slurp;
using testing::spit;
std::string scratch(const std::string& name) { return testing::scratch("img_" + name); }

const std::string kImages = std::string(SYMGRAD_TEST_DATA) + "/images";
const std::string kGold = std::string(SYMGRAD_TEST_DATA) + "/image_records";

ir::Options quiet() {
  ir::Options o;
  o.log = [](const std::string&) {};
  o.warn = [](const std::string&) {};
  return o;
}

struct Diff {
  double mean = 0;
  int max = 0;
};
Diff diff(const img::Image& a, const sg::NDArray& b) {
  REQUIRE(b.shape().ndim() == 3);
  REQUIRE(b.shape()[0] == a.height);
  REQUIRE(b.shape()[1] == a.width);
  REQUIRE(b.shape()[2] == a.channels);
  const std::uint8_t* p = b.data<std::uint8_t>();
  Diff d;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    int e = std::abs(int(a.pixels[i]) - int(p[i]));
    d.mean += e;
    d.max = std::max(d.max, e);
  }
  d.mean /= double(a.pixels.size());
  return d;
}

}  // namespace

TEST_CASE("image: JPEG decoding matches OpenCV's on MXNet's records") {
  auto pixels = sg::nd::load(kGold + "/mx_pack_pixels.params");
  rio::MXIndexedRecordIO r(kGold + "/mx_pack.idx", kGold + "/mx_pack.rec", "r");
  REQUIRE(r.keys().size() == 7);
  for (auto k : r.keys()) {
    auto [h, im] = rio::unpack_img(r.read_idx(k), 1);
    CHECK(h.id == std::uint64_t(k));
    CHECK(im.channels == 3);
    CHECK(std::min(im.height, im.width) == 64);  // --resize 64 of 200x200 drawings
    auto d = diff(im, pixels.at("id:" + std::to_string(k)));
    INFO("record " << k << ": mean " << d.mean << ", max " << d.max);
    CHECK(d.mean < 0.5);
    CHECK(d.max <= 8);
  }
}

TEST_CASE("image: encode and decode round trips; colour flags") {
  img::Image a = img::imread(kImages + "/tiger.jpg");
  CHECK(a.height == 200);
  CHECK(a.width == 200);
  CHECK(a.channels == 3);
  // PNG is lossless, at every compression level
  for (int level : {0, 3, 9}) {
    auto b = img::decode(img::encode(a, ".png", level), -1);
    CHECK(b.pixels == a.pixels);
  }
  // JPEG at quality 95: close
  auto j = img::decode(img::encode(a, ".jpg", 95));
  double mean = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) mean += std::abs(int(a.pixels[i]) - int(j.pixels[i]));
  CHECK(mean / double(a.pixels.size()) < 3.0);
  // greyscale: OpenCV's weights; an RGBA PNG keeps alpha with -1 and drops it with 1
  auto g = img::imread(kImages + "/tiger.jpg", 0);
  CHECK(g.channels == 1);
  img::Image rgba(2, 2, 4);
  for (int i = 0; i < 4; ++i) {
    rgba.pixels[std::size_t(i) * 4 + 0] = std::uint8_t(10 * i);
    rgba.pixels[std::size_t(i) * 4 + 1] = std::uint8_t(100);
    rgba.pixels[std::size_t(i) * 4 + 2] = std::uint8_t(200);
    rgba.pixels[std::size_t(i) * 4 + 3] = std::uint8_t(50 + i);
  }
  auto png = img::encode(rgba, ".png", 9);
  CHECK(img::decode(png, -1).pixels == rgba.pixels);
  auto rgb = img::decode(png, 1);
  CHECK(rgb.channels == 3);
  CHECK(rgb.at(1, 1, 0) == 30);
  CHECK(rgb.at(1, 1, 2) == 200);
  auto grey = img::decode(png, 0);
  CHECK(grey.channels == 1);
  CHECK(grey.at(0, 0, 0) == (0 * 4899 + 100 * 9617 + 200 * 1868 + 8192) >> 14);
  // bad input
  CHECK_THROWS_WITH_AS(img::decode("hello world"), doctest::Contains("not a JPEG or PNG"), sg::IOError);
  std::string jpeg = slurp(kImages + "/tiger.jpg");
  CHECK_THROWS_AS(img::decode(jpeg.substr(0, 20)), sg::IOError);
  CHECK_THROWS_AS(img::decode(png.substr(0, 30)), sg::IOError);
  CHECK_THROWS_AS(img::encode(a, ".bmp"), sg::ValueError);
  CHECK_THROWS_AS(img::encode(a, ".jpg", 0), sg::ValueError);
}

TEST_CASE("image: resize, crop and flip against closed forms") {
  // bilinear with pixel-centre mapping: 2 -> 4 pixels gives a, a+(b-a)/4, a+3(b-a)/4, b
  img::Image row(1, 2, 1);
  row.pixels = {0, 200};
  auto up = img::resize(row, 4, 1);
  CHECK(up.pixels == std::vector<std::uint8_t>{0, 50, 150, 200});
  // area: 4x4 -> 2x2 averages blocks exactly
  img::Image sq(4, 4, 1);
  for (int i = 0; i < 16; ++i) sq.pixels[std::size_t(i)] = std::uint8_t(i * 10);
  auto down = img::resize(sq, 2, 2, img::Interp::area);
  CHECK(down.pixels == std::vector<std::uint8_t>{25, 45, 105, 125});
  // a constant image stays constant under both filters
  img::Image c(7, 5, 3);
  std::fill(c.pixels.begin(), c.pixels.end(), std::uint8_t(77));
  for (auto in : {img::Interp::linear, img::Interp::area}) {
    auto r = img::resize(c, 3, 4, in);
    CHECK(std::all_of(r.pixels.begin(), r.pixels.end(), [](std::uint8_t v) { return v == 77; }));
  }
  // im2rec's geometry: shorter edge to N, longer long*N/short; the centred square
  img::Image wide(30, 50, 1);
  CHECK(img::resize_short(wide, 12).width == 50 * 12 / 30);
  CHECK(img::center_crop_square(wide).width == 30);
  auto cc = img::center_crop_square(sq);
  CHECK(cc.pixels == sq.pixels);
  auto f = img::flip_horizontal(row);
  CHECK(f.pixels == std::vector<std::uint8_t>{200, 0});
  CHECK_THROWS_AS(img::crop(sq, 2, 2, 3, 3), sg::ValueError);
}

TEST_CASE("im2rec: list mode writes MXNet's .lst files, shuffle order included") {
  std::string dir = scratch("list");
  std::vector<std::string> printed;
  auto o = quiet();
  o.log = [&](const std::string& s) { printed.push_back(s); };
  o.recursive = true;
  auto files = ir::make_list(dir + "/mx_list", kImages, o);
  REQUIRE(files.size() == 1);
  CHECK(slurp(dir + "/mx_list.lst") == slurp(kGold + "/mx_list.lst"));
  CHECK(printed == std::vector<std::string>{". 0", "animals 1", "food 2", "transport 3"});

  o.chunks = 2;
  o.train_ratio = 0.6;
  o.test_ratio = 0.2;
  files = ir::make_list(dir + "/mx_split", kImages, o);
  CHECK(files.size() == 6);
  for (auto& f : files) {
    INFO(f);
    CHECK(slurp(f) == slurp(kGold + "/" + fs::path(f).filename().string()));
  }
  auto flat = quiet();
  flat.shuffle = false;
  ir::make_list(dir + "/mx_flat", kImages, flat);
  CHECK(slurp(dir + "/mx_flat.lst") == slurp(kGold + "/mx_flat.lst"));
  fs::remove_all(dir);
}

TEST_CASE("im2rec: Python's random.shuffle with seed 100, reproduced") {
  // random.seed(100); x = list(range(10)); random.shuffle(x) -> [4, 0, 5, 9, 3, 1, 6, 8, 7, 2]
  // random.seed(100); [random.getrandbits(32) for _ in range(2)] -> [625644691, 1973661107]
  ir::detail::PyRandom r(100);
  std::vector<int> v(10);
  for (int i = 0; i < 10; ++i) v[std::size_t(i)] = i;
  r.shuffle(v);
  CHECK(v == std::vector<int>{4, 0, 5, 9, 3, 1, 6, 8, 7, 2});
  ir::detail::PyRandom q(100);
  CHECK(q.next() == 625644691u);
  CHECK(q.next() == 1973661107u);
}

TEST_CASE("im2rec: pack mode as im2rec.py; threads give the same bytes") {
  std::string dir = scratch("pack");
  const std::string d = kGold;
  auto o = quiet();
  // --pass-through stores the files unchanged: byte-identical to MXNet's records
  fs::copy_file(d + "/mx_list.lst", dir + "/mx_pt.lst");
  o.pass_through = true;
  auto st = ir::pack_list(dir + "/mx_pt.lst", kImages, o);
  CHECK(st.written == 7);
  CHECK(st.skipped == 0);
  CHECK(slurp(dir + "/mx_pt.rec") == slurp(d + "/mx_pt.rec"));
  CHECK(slurp(dir + "/mx_pt.idx") == slurp(d + "/mx_pt.idx"));

  // --resize 64 --quality 90: the same headers and keys, pixels within JPEG and filter noise
  o.pass_through = false;
  o.resize = 64;
  o.quality = 90;
  std::string out = std::getenv("SYMGRAD_WRITE_FIXTURES") ? d : dir;
  if (out != d)
    fs::copy_file(d + "/mx_list.lst", out + "/sg_pack.lst");
  else
    fs::copy_file(d + "/mx_list.lst", out + "/sg_pack.lst", fs::copy_options::overwrite_existing);
  ir::pack_list(out + "/sg_pack.lst", kImages, o);
  if (out == d) fs::remove(d + "/sg_pack.lst");
  auto pixels = sg::nd::load(d + "/mx_pack_pixels.params");
  rio::MXIndexedRecordIO mine(out + "/sg_pack.idx", out + "/sg_pack.rec", "r");
  rio::MXIndexedRecordIO theirs(d + "/mx_pack.idx", d + "/mx_pack.rec", "r");
  CHECK(mine.keys() == theirs.keys());
  for (auto k : mine.keys()) {
    auto [h, im] = rio::unpack_img(mine.read_idx(k), 1);
    auto [h2, im2] = rio::unpack_img(theirs.read_idx(k), 1);
    CHECK(h.id == h2.id);
    CHECK(h.label == h2.label);
    CHECK(h.flag == h2.flag);
    auto df = diff(im, pixels.at("id:" + std::to_string(k)));
    INFO("record " << k << ": mean " << df.mean << ", max " << df.max);
    CHECK(df.mean < 3.0);
  }
  // threads: the same bytes as one thread
  fs::copy_file(d + "/mx_list.lst", dir + "/t1.lst");
  fs::copy_file(d + "/mx_list.lst", dir + "/t3.lst");
  ir::pack_list(dir + "/t1.lst", kImages, o);
  o.num_thread = 3;
  ir::pack_list(dir + "/t3.lst", kImages, o);
  CHECK(slurp(dir + "/t1.rec") == slurp(dir + "/t3.rec"));
  CHECK(slurp(dir + "/t1.idx") == slurp(dir + "/t3.idx"));
  fs::remove_all(dir);

  std::string check = slurp(d + "/sg_image_check.json");
  REQUIRE_MESSAGE(!check.empty(), "run tests/reference/make_image_golden.py");
  CHECK(check.find("\"ok\": true") != std::string::npos);
}

TEST_CASE("im2rec: unreadable images are skipped and counted; bad lists are errors with the line") {
  std::string dir = scratch("bad");
  fs::create_directories(dir + "/imgs");
  fs::copy_file(kImages + "/tiger.jpg", dir + "/imgs/a.jpg");
  spit(dir + "/imgs/b.jpg", "this is not an image");
  spit(dir + "/imgs/c.jpg", slurp(kImages + "/tiger.jpg").substr(0, 100));
  auto o = quiet();
  std::vector<std::string> warnings;
  o.warn = [&](const std::string& s) { warnings.push_back(s); };
  o.shuffle = false;
  ir::make_list(dir + "/l", dir + "/imgs", o);
  auto st = ir::pack_list(dir + "/l.lst", dir + "/imgs", o);
  CHECK(st.written == 1);
  CHECK(st.skipped == 2);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("b.jpg") != std::string::npos);
  CHECK(warnings[1].find("c.jpg") != std::string::npos);
  rio::MXIndexedRecordIO r(dir + "/l.idx", dir + "/l.rec", "r");
  CHECK(r.keys() == std::vector<std::int64_t>{0});

  spit(dir + "/bad.lst", "0\t1.0\ta.jpg\n1\tx\tb.jpg\n");
  CHECK_THROWS_WITH_AS(ir::read_list(dir + "/bad.lst"), doctest::Contains("line 2"), sg::IOError);
  spit(dir + "/bad.lst", "0\ta.jpg\n");
  CHECK_THROWS_WITH_AS(ir::read_list(dir + "/bad.lst"), doctest::Contains("at least 3"), sg::IOError);
  CHECK_THROWS_AS(ir::list_image(dir + "/none", o), sg::IOError);
  fs::create_directories(dir + "/empty/sub");
  CHECK_THROWS_WITH_AS(ir::make_list(dir + "/e", dir + "/empty", o), doctest::Contains("--recursive"),
                       sg::IOError);
  CHECK_FALSE(fs::exists(dir + "/e.lst"));
  // an unwritable output: an error, and nothing half-written
  spit(dir + "/ok.lst", "0\t1.000000\ta.jpg\n");
  fs::create_directories(dir + "/ok.rec");  // a folder where the file should go
  CHECK_THROWS_AS(ir::pack_list(dir + "/ok.lst", dir + "/imgs", o), sg::IOError);
  for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE(
    "image: resizes beyond kMaxPixels are errors before allocating; im2rec and ImageRecordIter report them") {
  // A 65535 x 1 PNG of a few hundred bytes, resized to a short side of 224: 14.7 million x 224 pixels.
  std::string png = img::encode(img::Image(1, 65535, 1), ".png", 9);
  CHECK(png.size() < 1000);
  img::Image thin = img::decode(png, 0);
  REQUIRE(thin.width == 65535);
  CHECK_THROWS_WITH_AS(img::resize_short(thin, 224), doctest::Contains("resizing a 65535x1 image"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(img::resize(thin, 100000, 100000), doctest::Contains("image::kMaxPixels"),
                       sg::ValueError);
  CHECK_THROWS_AS(img::resize_short(thin, 0), sg::ValueError);
  CHECK(img::resize_short(img::Image(2, 3, 1), 4).width == 6);  // ordinary sizes still work
  // im2rec: the image is skipped and counted, the others are written
  std::string dir = scratch("huge");
  fs::create_directories(dir + "/imgs");
  fs::copy_file(kImages + "/tiger.jpg", dir + "/imgs/a.jpg");
  spit(dir + "/imgs/thin.png", png);
  auto o = quiet();
  std::vector<std::string> warnings;
  o.warn = [&](const std::string& s) { warnings.push_back(s); };
  o.shuffle = false;
  o.resize = 224;
  ir::make_list(dir + "/l", dir + "/imgs", o);
  auto st = ir::pack_list(dir + "/l.lst", dir + "/imgs", o);
  CHECK(st.written == 1);
  CHECK(st.skipped == 1);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("thin.png") != std::string::npos);
  CHECK(warnings[0].find("kMaxPixels") != std::string::npos);
  // ImageRecordIter: an sg::Error from next() naming the file and the record
  {
    sg::recordio::MXRecordIO w(dir + "/thin.rec", "w");
    for (int i = 0; i < 2; ++i)
      w.write(sg::recordio::pack({.label = float(i), .id = std::uint64_t(i)},
                                 i == 1 ? png : slurp(kImages + "/tiger.jpg")));
  }
  sg::io::ImageRecordIter it({.path_imgrec = dir + "/thin.rec",
                              .data_shape = {1, 8, 8},
                              .batch_size = 1,
                              .preprocess_threads = 2,
                              .resize = 224});
  CHECK(it.next());
  std::string m;
  try {
    it.next();
  } catch (const sg::IOError& e) {
    m = e.what();
  }
  CHECK(m.find("thin.rec' record id 1") != std::string::npos);
  CHECK(m.find("kMaxPixels") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("image: the regression files in tests/data/bad/fuzz_image are errors when resized for training") {
  int n = 0;
  for (const auto& e : fs::directory_iterator(std::string(SYMGRAD_TEST_DATA) + "/bad/fuzz_image")) {
    INFO(e.path().string());
    CHECK_THROWS_AS(img::resize_short(img::imread(e.path().string(), 1), 224), sg::Error);
    ++n;
  }
  CHECK(n >= 1);
}

TEST_CASE("ImageRecordIter: the first batch matches MXNet's ImageRecordIter") {
  auto gold = sg::nd::load(kGold + "/mx_iter_batch.params");
  sg::io::ImageRecordIter it({.path_imgrec = kGold + "/mx_pack.rec",
                              .data_shape = {3, 48, 48},
                              .batch_size = 4,
                              .mean_r = 120,
                              .mean_g = 110,
                              .mean_b = 100,
                              .std_r = 60,
                              .std_g = 50,
                              .std_b = 40,
                              .scale = 0.5});
  CHECK(it.provide_data()[0].shape == sg::Shape{4, 3, 48, 48});
  CHECK(it.provide_label()[0].shape == sg::Shape{4});
  REQUIRE(it.next());
  const auto& b = it.value();
  CHECK(sg::nd::max_abs_diff(b.label[0], gold.at("label:0")) == 0);
  // the same JPEG bytes decoded by two libjpeg-turbo builds: scaled pixel steps of 0.5/40 each
  CHECK(sg::nd::max_abs_diff(b.data[0], gold.at("data:0")) < 8 * 0.5f / 40);
  CHECK(b.pad == 0);
  const auto first = b.data[0].copy();
  const auto first_index = b.index;
  REQUIRE(it.next());
  CHECK(it.value().pad == 1);  // 7 records, batches of 4: the last one wraps around
  CHECK(it.value().index[3] == first_index[0]);
  CHECK_FALSE(it.next());
  it.reset();
  REQUIRE(it.next());
  CHECK(sg::nd::max_abs_diff(it.value().data[0], first) == 0);
}

TEST_CASE("ImageRecordIter: augmentation, shuffling and threads; bad settings") {
  const std::string rec = kGold + "/mx_pack.rec";
  auto run = [&](int threads, bool round) {
    sg::io::ImageRecordIter it({.path_imgrec = rec,
                                .path_imgidx = kGold + "/mx_pack.idx",
                                .data_shape = {3, 32, 40},
                                .batch_size = 3,
                                .shuffle = true,
                                .seed = 5,
                                .preprocess_threads = threads,
                                .prefetch_buffer = 2,
                                .round_batch = round,
                                .rand_crop = true,
                                .rand_mirror = true});
    std::vector<sg::NDArray> out;
    std::vector<std::int64_t> ids;
    int pads = 0;
    for (int epoch = 0; epoch < 2; ++epoch) {
      it.reset();
      while (it.next()) {
        out.push_back(it.value().data[0].copy());
        for (auto i : it.value().index) ids.push_back(i);
        pads += it.value().pad;
      }
    }
    return std::tuple{out, ids, pads};
  };
  auto [a, ida, pa] = run(1, true);
  auto [b, idb, pb] = run(4, true);
  REQUIRE(a.size() == 6);  // ceil(7 / 3) batches, two epochs
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(sg::nd::max_abs_diff(a[i], b[i]) == 0);
  CHECK(ida == idb);
  CHECK(pa == 4);
  // each epoch holds every record once, in a different order
  std::set<std::int64_t> e0(ida.begin(), ida.begin() + 7), e1(ida.begin() + 9, ida.begin() + 16);
  CHECK(e0.size() == 7);
  CHECK(e1.size() == 7);
  CHECK(!std::equal(ida.begin(), ida.begin() + 9, ida.begin() + 9));
  auto [c, idc, pc] = run(2, false);
  CHECK(pc == 4);
  CHECK(idc[8] == -1);
  {
    const float* last = c[2].data<float>() + 2 * 3 * 32 * 40;
    CHECK(std::all_of(last, last + 3 * 32 * 40, [](float v) { return v == 0.0f; }));
  }

  using Opt = sg::io::ImageRecordIterOptions;
  CHECK_THROWS_WITH_AS(
      sg::io::ImageRecordIter(Opt{.path_imgrec = rec, .data_shape = {3, 8, 8}, .batch_size = 8}),
      doctest::Contains("bigger than the batch size"), sg::ValueError);
  CHECK_THROWS_AS(sg::io::ImageRecordIter(Opt{.path_imgrec = rec, .data_shape = {2, 8, 8}, .batch_size = 2}),
                  sg::ValueError);
  {
    sg::io::ImageRecordIter it(
        Opt{.path_imgrec = rec, .data_shape = {3, 8, 8}, .batch_size = 2, .label_width = 2});
    CHECK_THROWS_WITH_AS(it.next(), doctest::Contains("label_width must be 1"), sg::ValueError);
  }
  CHECK_THROWS_AS(sg::io::ImageRecordIter(
                      Opt{.path_imgrec = kGold + "/missing.rec", .data_shape = {3, 8, 8}, .batch_size = 2}),
                  sg::IOError);
  // a truncated file: the error names the file and the offset
  std::string dir = scratch("iter");
  std::string bytes = slurp(rec);
  spit(dir + "/cut.rec", bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_WITH_AS(
      sg::io::ImageRecordIter(Opt{.path_imgrec = dir + "/cut.rec", .data_shape = {3, 8, 8}, .batch_size = 2}),
      doctest::Contains("cut.rec', byte"), sg::IOError);
  // a record whose image bytes are damaged: the worker's error reaches next()
  {
    sg::recordio::MXRecordIO w(dir + "/bad.rec", "w");
    for (int i = 0; i < 4; ++i)
      w.write(sg::recordio::pack({.label = float(i), .id = std::uint64_t(i)},
                                 i == 2 ? "garbage" : slurp(kImages + "/tiger.jpg")));
  }
  sg::io::ImageRecordIter bad(Opt{.path_imgrec = dir + "/bad.rec", .data_shape = {3, 8, 8}, .batch_size = 2});
  CHECK(bad.next());
  CHECK_THROWS_WITH_AS(bad.next(), doctest::Contains("record id 2"), sg::IOError);
  fs::remove_all(dir);
}
