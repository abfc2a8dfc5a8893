// io/csv_iter.hpp: CSVIter against MXNet 1.9.1's batches (tests/reference/make_csv_golden.py:
// round_batch's carried-over epochs, pad, label shapes, no label file), and its errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <symgrad/io.hpp>

#include "test_files.hpp"
#include "testing.hpp"

namespace sg = symgrad;
namespace fs = std::filesystem;

namespace {
const std::string kDir = std::string(SYMGRAD_TEST_DATA) + "/csv";

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
