// ndarray/: construction, views, copies, printing, nd:: functions, random, save/load.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <symgrad/symgrad.hpp>
#include <xtensor/xarray.hpp>

namespace sg = symgrad;

TEST_CASE("NDArray: zero-filled, 64-byte aligned storage") {
  sg::NDArray a(sg::Shape{3, 5});
  CHECK(a.shape() == sg::Shape{3, 5});
  CHECK(a.dtype() == sg::DType::float32);
  CHECK(a.size() == 15);
  CHECK(reinterpret_cast<std::uintptr_t>(a.raw_data()) % 64 == 0);
  for (float v : a.to_vector<float>()) CHECK(v == 0.0f);
  CHECK_THROWS_AS(sg::NDArray(sg::Shape{sg::dyn, 2}), sg::ShapeError);
  CHECK(sg::NDArray().is_none());
  CHECK_THROWS_AS(sg::NDArray().raw_data(), sg::ValueError);
}

TEST_CASE("NDArray: an impossible allocation is a DeviceError naming the shape and the bytes") {
  // 2^40 float32s (4 TiB) is more than any test machine's memory: refused before allocating.
  std::string m;
  try {
    sg::NDArray a(sg::Shape{std::int64_t{1} << 40});
  } catch (const sg::DeviceError& e) {
    m = e.what();
  }
  CHECK(m.find("(1099511627776,) (float32)") != std::string::npos);
  CHECK(m.find("needs 4398046511104 bytes") != std::string::npos);
  CHECK(m.find("physical memory") != std::string::npos);
  // (2^31, 2^31) float32: 2^64 bytes, which wraps to 0 in a size_t product
  CHECK_THROWS_WITH_AS(sg::NDArray(sg::Shape{std::int64_t{1} << 31, std::int64_t{1} << 31}),
                       doctest::Contains("needs more than 2^64 bytes"), sg::DeviceError);
  // (2^32, 2^32): the element count itself overflows int64
  CHECK_THROWS_AS(
      sg::NDArray(sg::Shape{std::int64_t{1} << 32, std::int64_t{1} << 32}, sg::cpu(), sg::DType::uint8),
      sg::Error);
}

TEST_CASE("NDArray: from nested lists, vectors and xtensor; dtypes") {
  sg::NDArray a({{1, 2, 3}, {4, 5, 6}});
  CHECK(a.shape() == sg::Shape{2, 3});
  CHECK(a.to_vector<float>() == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK_THROWS_AS(sg::NDArray({{1, 2}, {3}}), sg::ShapeError);
  sg::NDArray b({1.5, 2.5}, sg::DType::float64);
  CHECK(b.dtype() == sg::DType::float64);
  sg::NDArray c(std::vector<std::int32_t>{1, 2, 3, 4}, sg::Shape{2, 2});
  CHECK(c.dtype() == sg::DType::int32);
  CHECK_THROWS_AS(sg::NDArray(std::vector<float>{1, 2, 3}, sg::Shape{2, 2}), sg::ShapeError);
  xt::xarray<double> x = {{1.0, 2.0}, {3.0, 4.0}};
  sg::NDArray d(x);
  CHECK(d.dtype() == sg::DType::float64);
  CHECK(d.shape() == sg::Shape{2, 2});
  CHECK(d.at_flat(3) == 4.0);
  CHECK_THROWS_AS(d.data<float>(), sg::TypeError);
  sg::NDArray e({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
  CHECK(e.shape() == sg::Shape{2, 2, 2});
}

TEST_CASE("NDArray: xtensor views share memory; reshape shares, copy does not") {
  sg::NDArray a({{1, 2}, {3, 4}});
  auto v = a.view<float>();
  v(1, 0) = 30;
  CHECK(a.at_flat(2) == 30);
  auto r = a.reshape({4});
  CHECK(r.same_storage(a));
  r.data<float>()[0] = 10;
  CHECK(a.at_flat(0) == 10);
  CHECK(a.reshape({-1, 1}).shape() == sg::Shape{4, 1});
  CHECK_THROWS_AS(a.reshape({3}), sg::ShapeError);
  auto c = a.copy();
  c.data<float>()[0] = -1;
  CHECK(a.at_flat(0) == 10);
  auto d = a.astype(sg::DType::int64);
  CHECK(d.dtype() == sg::DType::int64);
  CHECK(d.to_vector<std::int64_t>() == std::vector<std::int64_t>{10, 2, 30, 4});
  sg::NDArray dst(sg::Shape{2, 2});
  a.copy_to(dst);
  CHECK(dst.to_vector<float>() == a.to_vector<float>());
  sg::NDArray wrong(sg::Shape{3});
  CHECK_THROWS_AS(a.copy_to(wrong), sg::ShapeError);
  CHECK_THROWS_AS(a.copy_to(sg::gpu(0)), sg::DeviceError);
}

TEST_CASE("NDArray: prints like numpy and MXNet") {
  std::ostringstream os;
  os << sg::NDArray({{1, 2}, {3, 4}});
  CHECK(os.str() == "[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>");
  os.str("");
  os << sg::NDArray({1.5, -2.25, 3});
  CHECK(os.str() == "[ 1.5  -2.25  3.  ]\n<NDArray 3 @cpu(0)>");
  os.str("");
  os << sg::NDArray(std::vector<std::int32_t>{1, -20}, sg::Shape{2});
  CHECK(os.str() == "[  1 -20]\n<NDArray 2 @cpu(0)>");
  os.str("");
  os << sg::nd::zeros({2000});
  CHECK(os.str().find("...") != std::string::npos);
}

TEST_CASE("nd:: arithmetic and math") {
  sg::NDArray a({1, 2, 3}), b({4, 5, 6});
  CHECK((a + b).to_vector<float>() == std::vector<float>{5, 7, 9});
  CHECK((b - a).to_vector<float>() == std::vector<float>{3, 3, 3});
  CHECK((a * 2.0).to_vector<float>() == std::vector<float>{2, 4, 6});
  CHECK((1.0 - a).to_vector<float>() == std::vector<float>{0, -1, -2});
  CHECK(sg::nd::sum(a).item<float>() == 6);
  CHECK(sg::nd::square(a).to_vector<float>() == std::vector<float>{1, 4, 9});
  CHECK(sg::nd::exp(sg::NDArray({0.0})).item<float>() == 1.0f);
  CHECK_THROWS_AS(a + sg::NDArray({1, 2}), sg::ShapeError);
  auto m = sg::nd::dot(sg::NDArray({{1, 2}, {3, 4}}), sg::NDArray({{5}, {6}}));
  CHECK(m.to_vector<float>() == std::vector<float>{17, 39});
  CHECK_THROWS_AS(sg::nd::dot(sg::NDArray({{1, 2}}), sg::NDArray({{1, 2}})), sg::ShapeError);
  CHECK(sg::nd::arange(0, 5).to_vector<int>() == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("nd::random: seeded, reproducible, in range") {
  auto a = sg::nd::random::uniform(-1, 1, {1000}, {.seed = 3});
  auto b = sg::nd::random::uniform(-1, 1, {1000}, {.seed = 3});
  auto c = sg::nd::random::uniform(-1, 1, {1000}, {.seed = 4});
  CHECK(a.to_vector<float>() == b.to_vector<float>());
  CHECK(a.to_vector<float>() != c.to_vector<float>());
  double mean = 0;
  for (float v : a.to_vector<float>()) {
    CHECK(v >= -1.0f);
    CHECK(v < 1.0f);
    mean += v / 1000.0;
  }
  CHECK(std::fabs(mean) < 0.1);
  auto n = sg::nd::random::normal(2, 0.5, {20000}, {.dtype = sg::DType::float64, .seed = 1});
  double m = 0, s2 = 0;
  for (double v : n.to_vector<double>()) m += v / 20000;
  for (double v : n.to_vector<double>()) s2 += (v - m) * (v - m) / 20000;
  CHECK(m == doctest::Approx(2.0).epsilon(0.02));
  CHECK(std::sqrt(s2) == doctest::Approx(0.5).epsilon(0.03));
}

TEST_CASE("nd::load: the regression files in tests/data/bad/fuzz_params are IOErrors") {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(SYMGRAD_TEST_DATA) + "/bad/fuzz_params")) {
    INFO(e.path().string());
    CHECK_THROWS_AS(sg::nd::load_list(e.path().string()), sg::IOError);
    ++n;
  }
  CHECK(n >= 3);
}

TEST_CASE("nd::save / nd::load round trip, and bad files") {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / "symgrad_io_test";
  fs::create_directories(dir);
  auto path = (dir / "x.params").string();
  std::map<std::string, sg::NDArray> m{{"arg:w", sg::NDArray({{1, 2}, {3, 4}})},
                                       {"aux:m", sg::NDArray({1.0, 2.0}, sg::DType::float64)}};
  sg::nd::save(path, m);
  auto back = sg::nd::load(path);
  REQUIRE(back.size() == 2);
  CHECK(back.at("arg:w").to_vector<float>() == std::vector<float>{1, 2, 3, 4});
  CHECK(back.at("aux:m").dtype() == sg::DType::float64);
  CHECK(fs::file_size(path) == 162);  // 24 header + 56 + 48 (two arrays) + 8 + 2 x (8 + 5) (names)
  // truncated file: a clear error, not a crash
  fs::resize_file(path, fs::file_size(path) - 7);
  CHECK_THROWS_WITH_AS(sg::nd::load(path), doctest::Contains("truncated"), sg::IOError);
  CHECK_THROWS_AS(sg::nd::load((dir / "missing.params").string()), sg::IOError);
  // A header that declares more than the file holds is refused before allocating: a 56-byte file
  // declaring one float32 array of 2^28 elements (1 GiB).
  auto put = [](std::string& b, auto v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); };
  auto header = [&](std::uint64_t count) {
    std::string b;
    put(b, std::uint64_t{0x112}), put(b, std::uint64_t{0}), put(b, count);
    return b;
  };
  auto array_head = [&](std::string& b, std::vector<std::int64_t> dims, std::int32_t flag) {
    put(b, std::uint32_t{0xF993FAC9}), put(b, std::int32_t{0}),
        put(b, static_cast<std::int32_t>(dims.size()));
    for (auto d : dims) put(b, d);
    put(b, std::int32_t{1}), put(b, std::int32_t{0}), put(b, flag);
  };
  auto write = [&](const std::string& b) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << b;
    return path;
  };
  std::string big = header(1);
  array_head(big, {std::int64_t{1} << 28}, 0);
  REQUIRE(big.size() == 56);
  CHECK_THROWS_WITH_AS(
      sg::nd::load(write(big)),
      doctest::Contains("shape (268435456,) (float32) needs 1073741824 bytes but only 0 remain"),
      sg::IOError);
  // dims whose byte count overflows 64 bits
  std::string wrap = header(1);
  array_head(wrap, {std::int64_t{1} << 31, std::int64_t{1} << 31}, 0);
  CHECK_THROWS_WITH_AS(sg::nd::load(write(wrap)), doctest::Contains("more than 2^64"), sg::IOError);
  // an array count the file cannot hold, and a name longer than the file
  CHECK_THROWS_WITH_AS(sg::nd::load(write(header(1000000) + std::string(40, '\0'))),
                       doctest::Contains("implausible array count 1000000"), sg::IOError);
  std::string named = header(1);
  array_head(named, {1}, 0);
  put(named, 1.0f), put(named, std::uint64_t{1}), put(named, std::uint64_t{1} << 19);
  CHECK_THROWS_WITH_AS(sg::nd::load(write(named)), doctest::Contains("implausible name length 524288"),
                       sg::IOError);
  // no temporary files left behind
  for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
  fs::remove_all(dir);
}
