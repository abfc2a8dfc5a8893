// io/csv_iter.hpp and io/libsvm_iter.hpp: CSVIter and LibSVMIter against MXNet 1.9.1's batches
// (tests/reference/make_csv_golden.py, make_libsvm_golden.py: round_batch's carried-over epochs,
// pad, label shapes, no label file, LibSVM's sparse rows as dense arrays), and their errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <symgrad/io.hpp>

#include "test_files.hpp"
#include "testing.hpp"

namespace sg = symgrad;
namespace fs = std::filesystem;

namespace {
const std::string kDir = std::string(SYMGRAD_TEST_DATA) + "/csv";
const std::string kSvmDir = std::string(SYMGRAD_TEST_DATA) + "/libsvm";

std::vector<float> flat(const nlohmann::json& j) {
  std::vector<float> v;
  if (j.is_array())
    for (const auto& x : j) {
      auto s = flat(x);
      v.insert(v.end(), s.begin(), s.end());
    }
  else
    v.push_back(j.get<float>());
  return v;
}
}  // namespace

TEST_CASE("CSVIter: MXNet's batches, pads and epochs") {
  std::ifstream f(kDir + "/golden.json");
  const auto golden = nlohmann::json::parse(f);
  const std::map<std::string, sg::io::CSVIterOptions> cases = {
      {"round_batch",
       {.data_csv = kDir + "/data.csv",
        .data_shape = {3},
        .label_csv = kDir + "/label.csv",
        .batch_size = 4}},
      {"no_round_batch",
       {.data_csv = kDir + "/data.csv",
        .data_shape = {3},
        .label_csv = kDir + "/label.csv",
        .batch_size = 4,
        .round_batch = false}},
      {"no_label", {.data_csv = kDir + "/data.csv", .data_shape = {1, 3}, .batch_size = 5}},
      {"label_width_2",
       {.data_csv = kDir + "/data.csv",
        .data_shape = {3},
        .label_csv = kDir + "/label2.csv",
        .label_shape = {2},
        .batch_size = 3}},
  };
  for (const auto& [name, o] : cases) {
    CAPTURE(name);
    sg::io::CSVIter it(o);
    const auto& epochs = golden.at(name);
    for (std::size_t e = 0; e < epochs.size(); ++e) {
      CAPTURE(e);
      std::size_t b = 0;
      CHECK(it.num_batches() == static_cast<std::int64_t>(epochs[e].size()));
      while (it.next()) {
        REQUIRE(b < epochs[e].size());
        const auto& want = epochs[e][b];
        const auto& batch = it.value();
        CHECK(batch.pad == want["pad"].get<int>());
        CHECK(batch.data[0].shape() == sg::Shape(want["data_shape"].get<std::vector<std::int64_t>>()));
        CHECK(batch.label[0].shape() == sg::Shape(want["label_shape"].get<std::vector<std::int64_t>>()));
        auto wd = flat(want["data"]), wl = flat(want["label"]);
        // without round_batch MXNet's pad rows are stale: the golden file holds the real rows only,
        // and symgrad's pad rows are zeros
        for (std::size_t i = 0; i < wd.size(); ++i) CHECK(batch.data[0].data<float>()[i] == wd[i]);
        for (std::size_t i = 0; i < wl.size(); ++i) CHECK(batch.label[0].data<float>()[i] == wl[i]);
        for (std::int64_t i = static_cast<std::int64_t>(wd.size()); i < batch.data[0].size(); ++i)
          CHECK(batch.data[0].data<float>()[i] == 0.0f);
        ++b;
      }
      CHECK(b == epochs[e].size());
      it.reset();
    }
    CHECK(it.provide_data()[0].name == "data");
    CHECK(it.provide_label()[0].name == "softmax_label");
  }
}

TEST_CASE("CSVIter: bad files and options are errors naming the file and line") {
  const std::string dir = (fs::temp_directory_path() / "symgrad_csv").string();
  fs::create_directories(dir);
  testing::spit(dir + "/bad.csv", "1,2,3\n4,x,6\n");
  testing::spit(dir + "/short.csv", "1,2,3\r\n\n4,5\n");
  testing::spit(dir + "/two.csv", "1\n2\n");
  testing::spit(dir + "/ok.csv", "1,2,3\n4,5,6\n7,8,9\n");
  CHECK_THROWS_WITH_AS(sg::io::CSVIter({.data_csv = dir + "/bad.csv", .data_shape = {3}, .batch_size = 1}),
                       doctest::Contains("line 2, field 2: 'x' is not a number"), sg::IOError);
  CHECK_THROWS_WITH_AS(sg::io::CSVIter({.data_csv = dir + "/short.csv", .data_shape = {3}, .batch_size = 1}),
                       doctest::Contains("line 3 has 2 values but the shape needs 3"), sg::IOError);
  CHECK_THROWS_WITH_AS(
      sg::io::CSVIter(
          {.data_csv = dir + "/ok.csv", .data_shape = {3}, .label_csv = dir + "/two.csv", .batch_size = 1}),
      doctest::Contains("has 2 lines but data_csv"), sg::IOError);
  CHECK_THROWS_WITH_AS(
      sg::io::CSVIter({.data_csv = dir + "/missing.csv", .data_shape = {3}, .batch_size = 1}),
      doctest::Contains("cannot open data_csv"), sg::IOError);
  CHECK_THROWS_AS(sg::io::CSVIter({.data_csv = dir + "/ok.csv", .data_shape = {3}}), sg::ValueError);
  CHECK_THROWS_AS(sg::io::CSVIter({.data_csv = dir + "/ok.csv", .data_shape = {}, .batch_size = 2}),
                  sg::ValueError);
  // a batch larger than the file wraps as often as needed
  sg::io::CSVIter big({.data_csv = dir + "/ok.csv", .data_shape = {3}, .batch_size = 7});
  REQUIRE(big.next());
  CHECK(big.value().pad == 4);
  CHECK(big.value().data[0].data<float>()[3 * 6] == 1.0f);  // row 6 is row 0 again
  CHECK_FALSE(big.next());
  fs::remove_all(dir);
}

TEST_CASE("LibSVMIter: MXNet's batches, pads and epochs") {
  std::ifstream f(kSvmDir + "/golden.json");
  const auto golden = nlohmann::json::parse(f);
  const std::string data = kSvmDir + "/data.libsvm";
  const std::map<std::string, sg::io::LibSVMIterOptions> cases = {
      {"batch_3", {.data_libsvm = data, .data_shape = {5}, .batch_size = 3}},
      {"batch_2", {.data_libsvm = data, .data_shape = {5}, .batch_size = 2}},
      {"batch_5", {.data_libsvm = data, .data_shape = {5}, .batch_size = 5}},
      {"label_libsvm",
       {.data_libsvm = data,
        .data_shape = {5},
        .label_libsvm = kSvmDir + "/label.libsvm",
        .label_shape = {3},
        .batch_size = 4}},
  };
  for (const auto& [name, o] : cases) {
    CAPTURE(name);
    sg::io::LibSVMIter it(o);
    const auto& want_case = golden.at(name);
    CHECK(it.provide_data()[0].name == "data");
    CHECK(it.provide_data()[0].shape ==
          sg::Shape(want_case["provide_data"][0][1].get<std::vector<std::int64_t>>()));
    CHECK(it.provide_label()[0].name == "softmax_label");
    CHECK(it.provide_label()[0].shape ==
          sg::Shape(want_case["provide_label"][0][1].get<std::vector<std::int64_t>>()));
    CHECK(it.num_examples() == 7);
    const auto& epochs = want_case["epochs"];
    for (std::size_t e = 0; e < epochs.size(); ++e) {
      CAPTURE(e);
      std::size_t b = 0;
      CHECK(it.num_batches() == static_cast<std::int64_t>(epochs[e].size()));
      while (it.next()) {
        REQUIRE(b < epochs[e].size());
        const auto& want = epochs[e][b];
        const auto& batch = it.value();
        CHECK(batch.pad == want["pad"].get<int>());
        CHECK(batch.data[0].shape() == sg::Shape(want["data_shape"].get<std::vector<std::int64_t>>()));
        CHECK(batch.label[0].shape() == sg::Shape(want["label_shape"].get<std::vector<std::int64_t>>()));
        auto wd = flat(want["data"]), wl = flat(want["label"]);
        REQUIRE(static_cast<std::int64_t>(wd.size()) == batch.data[0].size());
        REQUIRE(static_cast<std::int64_t>(wl.size()) == batch.label[0].size());
        for (std::size_t i = 0; i < wd.size(); ++i) CHECK(batch.data[0].data<float>()[i] == wd[i]);
        for (std::size_t i = 0; i < wl.size(); ++i) CHECK(batch.label[0].data<float>()[i] == wl[i]);
        ++b;
      }
      CHECK(b == epochs[e].size());
      it.reset();
    }
  }
}

TEST_CASE("LibSVMIter: without round_batch the last batch is short by pad zero rows") {
  sg::io::LibSVMIter it(
      {.data_libsvm = kSvmDir + "/data.libsvm", .data_shape = {5}, .batch_size = 3, .round_batch = false});
  int batches = 0, pad = 0;
  while (it.next()) ++batches, pad = it.value().pad;
  CHECK(batches == 3);
  CHECK(pad == 2);
  const float* d = it.value().data[0].data<float>();
  CHECK(d[3] == 0.001f);  // row 6: "2 3:1e-3"
  for (int i = 5; i < 15; ++i) CHECK(d[i] == 0.0f);
  CHECK(it.value().label[0].data<float>()[0] == 2.0f);
  it.reset();
  REQUIRE(it.next());
  CHECK(it.value().data[0].data<float>()[0] == 1.5f);  // every epoch starts at the first line
}

TEST_CASE("LibSVMIter: bad files and options are errors naming the file and line") {
  const std::string dir = (fs::temp_directory_path() / "symgrad_libsvm").string();
  fs::create_directories(dir);
  testing::spit(dir + "/range.libsvm", "1 0:1\n0 5:2\n");
  testing::spit(dir + "/pair.libsvm", "1 0:1\n\n0 2=3\n");
  testing::spit(dir + "/label.libsvm", "x 0:1\n");
  testing::spit(dir + "/nolabel.libsvm", "1 0:1\n0:2 1:1\n");
  testing::spit(dir + "/ok.libsvm", "1 0:1\n0 1:2\n");
  testing::spit(dir + "/one.libsvm", "0 0:1\n");
  auto make = [&](const std::string& file) {
    return sg::io::LibSVMIter({.data_libsvm = dir + "/" + file, .data_shape = {5}, .batch_size = 1});
  };
  CHECK_THROWS_WITH_AS(make("range.libsvm"),
                       doctest::Contains("line 2: feature index 5 is outside the shape's 5 features"),
                       sg::IOError);
  CHECK_THROWS_WITH_AS(make("pair.libsvm"), doctest::Contains("line 3: '2=3' is not index:value"),
                       sg::IOError);
  CHECK_THROWS_WITH_AS(make("label.libsvm"), doctest::Contains("line 1: the label 'x' is not a number"),
                       sg::IOError);
  CHECK_THROWS_WITH_AS(make("nolabel.libsvm"), doctest::Contains("line 2: no label"), sg::IOError);
  CHECK_THROWS_WITH_AS(make("missing.libsvm"), doctest::Contains("cannot open data_libsvm"), sg::IOError);
  CHECK_THROWS_WITH_AS(sg::io::LibSVMIter({.data_libsvm = dir + "/ok.libsvm",
                                           .data_shape = {5},
                                           .label_libsvm = dir + "/one.libsvm",
                                           .label_shape = {2},
                                           .batch_size = 1}),
                       doctest::Contains("has 1 lines but data_libsvm"), sg::IOError);
  CHECK_THROWS_AS(sg::io::LibSVMIter({.data_libsvm = dir + "/ok.libsvm", .data_shape = {5}}), sg::ValueError);
  CHECK_THROWS_AS(
      sg::io::LibSVMIter({.data_libsvm = dir + "/ok.libsvm", .data_shape = {1, 5}, .batch_size = 1}),
      sg::ValueError);
  CHECK_THROWS_AS(
      sg::io::LibSVMIter(
          {.data_libsvm = dir + "/ok.libsvm", .data_shape = {5}, .label_shape = {2}, .batch_size = 1}),
      sg::ValueError);
  // a batch larger than the file wraps as often as needed
  sg::io::LibSVMIter big({.data_libsvm = dir + "/ok.libsvm", .data_shape = {5}, .batch_size = 5});
  REQUIRE(big.next());
  CHECK(big.value().pad == 3);
  CHECK(big.value().label[0].data<float>()[4] == 1.0f);  // row 4 is row 0 again
  CHECK_FALSE(big.next());
  fs::remove_all(dir);
}
