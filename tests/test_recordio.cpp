// RecordIO: byte compatibility with MXNet 1.9.1 both ways, IRHeader, the index, and bad files.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <symgrad/io/recordio.hpp>
#include <vector>

#include "test_files.hpp"

namespace {

namespace sg = symgrad;
namespace rio = symgrad::recordio;
namespace fs = std::filesystem;
using testing::slurp;
using testing::spit;
std::string scratch(const std::string& name) { return testing::scratch("rio_" + name); }

std::string fixture_dir() { return std::string(SYMGRAD_TEST_DATA) + "/recordio"; }

const std::string kMagicBytes("\x0a\x23\xd7\xce", 4);

// The same records as records() in tests/reference/make_recordio_golden.py.
std::string pattern(int n, int seed) {
  std::string s(static_cast<std::size_t>(n), '\0');
  for (int j = 0; j < n; ++j)
    s[static_cast<std::size_t>(j)] = static_cast<char>((seed * 31 + j * 7 + (j >> 3)) & 0xFF);
  return s;
}
std::vector<std::string> records() {
  std::vector<std::string> r = {
      "",
      "a",
      pattern(7, 2),
      kMagicBytes,
      pattern(4, 4) + kMagicBytes + kMagicBytes + kMagicBytes + pattern(5, 4),
      pattern(2, 5) + kMagicBytes + pattern(6, 5),
      pattern(996, 6) + kMagicBytes,
      pattern(1001, 7),
  };
  rio::IRHeader a{.flag = 0, .label = 3.5f, .id = 7, .id2 = 0, .labels = {}};
  r.push_back(rio::pack(a, "image-bytes"));
  rio::IRHeader b{.id = 8, .id2 = 42, .labels = {1.0f, 2.0f, 3.25f}};
  r.push_back(rio::pack(b, pattern(33, 9)));
  rio::IRHeader c{.id = (std::uint64_t(1) << 40) + 3, .id2 = (std::uint64_t(1) << 63) + 5, .labels = {5.0f}};
  r.push_back(rio::pack(c, kMagicBytes + pattern(8, 10)));
  return r;
}
const std::vector<std::int64_t> kKeys = {10, 3, 7, 100, 0, 55, 4, 9, 1, 2, 12345678901LL};

std::vector<std::string> read_all(rio::MXRecordIO& r) {
  std::vector<std::string> out;
  while (auto s = r.read()) out.push_back(*s);
  return out;
}

std::uint32_t word_at(const std::string& bytes, std::size_t off) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(bytes[off + static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace

TEST_CASE("recordio: files written by MXNet 1.9.1 read back record for record") {
  auto want = records();
  rio::MXRecordIO r(fixture_dir() + "/mx_plain.rec", "r");
  CHECK(read_all(r) == want);
  CHECK_FALSE(r.read().has_value());  // stays at the end
  r.reset();
  auto first = r.read();
  REQUIRE(first.has_value());
  CHECK(*first == want[0]);

  rio::MXIndexedRecordIO ir(fixture_dir() + "/mx_indexed.idx", fixture_dir() + "/mx_indexed.rec", "r");
  CHECK(ir.keys() == kKeys);
  for (std::size_t i = want.size(); i-- > 0;) CHECK(ir.read_idx(kKeys[i]) == want[i]);
  CHECK_THROWS_AS(ir.read_idx(999), sg::IOError);
}

TEST_CASE("recordio: skip() walks the same records as read() without reading payloads") {
  const std::string path = fixture_dir() + "/mx_plain.rec";
  rio::MXRecordIO a(path, "r"), b(path, "r");
  int n = 0;
  for (;;) {
    const auto at = a.tell();
    auto s = a.read();
    auto k = b.skip();
    REQUIRE(s.has_value() == k.has_value());
    if (!s) break;
    CHECK(*k == at);
    CHECK(b.tell() == a.tell());
    ++n;
  }
  CHECK(n == static_cast<int>(records().size()));
  std::string dir = scratch("skip");
  std::string good = slurp(path);
  spit(dir + "/cut.rec", good.substr(0, good.size() - 3));
  rio::MXRecordIO c(dir + "/cut.rec", "r");
  CHECK_THROWS_WITH_AS(([&] {
                         while (c.skip()) {
                         }
                       })(),
                       doctest::Contains("runs past the end"), sg::IOError);
  fs::remove_all(dir);
}

TEST_CASE("recordio: symgrad writes MXNet's bytes, and MXNet reads symgrad's files (reference script)") {
  auto recs = records();
  const std::string d = fixture_dir();
  std::string dir = std::getenv("SYMGRAD_WRITE_FIXTURES") ? d : scratch("write");
  {
    rio::MXRecordIO w(dir + "/sg_plain.rec", "w");
    for (auto& s : recs) w.write(s);
    CHECK_FALSE(fs::exists(dir + "/sg_plain.rec"));  // appears only when closed
    w.close();
    rio::MXIndexedRecordIO wi(dir + "/sg_indexed.idx", dir + "/sg_indexed.rec", "w");
    for (std::size_t i = 0; i < recs.size(); ++i) wi.write_idx(kKeys[i], recs[i]);
    CHECK_THROWS_AS(wi.write_idx(kKeys[0], "again"), sg::ValueError);
  }  // the destructor closes and renames both files
  CHECK(slurp(dir + "/sg_plain.rec") == slurp(d + "/mx_plain.rec"));
  CHECK(slurp(dir + "/sg_indexed.rec") == slurp(d + "/mx_indexed.rec"));
  CHECK(slurp(dir + "/sg_indexed.idx") == slurp(d + "/mx_indexed.idx"));
  for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
  if (dir != d) fs::remove_all(dir);

  std::string check = slurp(d + "/sg_mxnet_check.json");
  REQUIRE_MESSAGE(!check.empty(), "run tests/reference/make_recordio_golden.py");
  CHECK(check.find("\"ok\": true") != std::string::npos);
}

TEST_CASE("recordio: parts, flags and padding as dmlc-core lays them out") {
  std::string dir = scratch("layout");
  {
    rio::MXRecordIO w(dir + "/a.rec", "w");
    w.write("abcde");                    // one part, 5 bytes + 3 padding
    w.write(kMagicBytes);                // two empty parts: flag 1, flag 3
    w.write("xy" + kMagicBytes + "zw");  // unaligned magic: one part
    CHECK(w.tell() == 16 + 16 + 16);
  }
  std::string b = slurp(dir + "/a.rec");
  REQUIRE(b.size() == 48);
  CHECK(word_at(b, 0) == rio::kMagic);
  CHECK(word_at(b, 4) == 5u);
  CHECK(b.substr(8, 8) == std::string("abcde\0\0\0", 8));
  CHECK(word_at(b, 16) == rio::kMagic);
  CHECK(word_at(b, 20) == (1u << 29));
  CHECK(word_at(b, 24) == rio::kMagic);
  CHECK(word_at(b, 28) == (3u << 29));
  CHECK(word_at(b, 36) == 8u);
  rio::MXRecordIO r(dir + "/a.rec", "r");
  CHECK(read_all(r) == std::vector<std::string>{"abcde", kMagicBytes, "xy" + kMagicBytes + "zw"});
  fs::remove_all(dir);
}

TEST_CASE("recordio: IRHeader pack and unpack as mx.recordio") {
  auto recs = records();
  auto [h0, p0] = rio::unpack(recs[8]);
  CHECK(h0.flag == 0);
  CHECK(h0.label == 3.5f);
  CHECK(h0.id == 7);
  CHECK(h0.labels.empty());
  CHECK(h0.all_labels() == std::vector<float>{3.5f});
  CHECK(p0 == "image-bytes");
  auto [h1, p1] = rio::unpack(recs[9]);
  CHECK(h1.flag == 3);
  CHECK(h1.label == 0.0f);
  CHECK(h1.labels == std::vector<float>{1.0f, 2.0f, 3.25f});
  CHECK(h1.id2 == 42);
  CHECK(p1 == pattern(33, 9));
  auto [h2, p2] = rio::unpack(recs[10]);
  CHECK(h2.flag == 1);
  CHECK(h2.id == (std::uint64_t(1) << 40) + 3);
  CHECK(h2.id2 == (std::uint64_t(1) << 63) + 5);
  CHECK(recs[8].size() == 24 + 11);
  CHECK(recs[9].size() == 24 + 12 + 33);
  // a header whose label count runs past the record
  std::string bad = recs[9].substr(0, 24 + 8);
  CHECK_THROWS_WITH_AS(rio::unpack(bad), doctest::Contains("announces 3 labels"), sg::IOError);
  CHECK_THROWS_AS(rio::unpack("short"), sg::IOError);
}

TEST_CASE("recordio: bad files are IOErrors naming the file and the byte offset") {
  std::string dir = scratch("bad");
  std::string good = slurp(fixture_dir() + "/mx_plain.rec");
  auto expect_error = [&](const std::string& bytes, const std::string& text) {
    spit(dir + "/x.rec", bytes);
    rio::MXRecordIO r(dir + "/x.rec", "r");
    CHECK_THROWS_WITH_AS(read_all(r), doctest::Contains(text.c_str()), sg::IOError);
  };
  expect_error("this is not a record file", "bad magic word");
  expect_error(good.substr(0, 5), "ends inside a part header");
  expect_error(good.substr(0, good.size() - 3), "runs past the end of the file");
  // a length field far beyond the file: an error before anything is allocated
  std::string huge = kMagicBytes + std::string("\xff\xff\xff\x1f", 4) + "abcd";
  expect_error(huge, "a part of 536870911 bytes runs past the end");
  // a continuation part where a record must start
  expect_error(kMagicBytes + std::string("\x00\x00\x00\x40", 4), "continue flag 2");
  {
    spit(dir + "/x.rec", good);
    rio::MXRecordIO r(dir + "/x.rec", "r");
    CHECK_THROWS_WITH_AS(r.write("a"), doctest::Contains("flag \"w\""), sg::ValueError);
  }
  CHECK_THROWS_WITH_AS(rio::MXRecordIO(dir + "/missing.rec", "r"), doctest::Contains("missing.rec"),
                       sg::IOError);
  CHECK_THROWS_AS(rio::MXRecordIO(dir, "r"), sg::IOError);
  CHECK_THROWS_AS(rio::MXRecordIO(dir + "/x.rec", "a"), sg::ValueError);
  CHECK_THROWS_AS(rio::MXRecordIO(dir + "/no/such/dir/x.rec", "w"), sg::IOError);
  {
    rio::MXRecordIO w(dir + "/big.rec", "w");
    static const char one = 0;
    CHECK_THROWS_WITH_AS(w.write(std::string_view(&one, std::size_t(1) << 29)), doctest::Contains("2^29"),
                         sg::ValueError);
  }

  // the index: a malformed line, an offset past the end, an offset inside a record
  fs::copy_file(fixture_dir() + "/mx_indexed.rec", dir + "/i.rec");
  std::string idx = slurp(fixture_dir() + "/mx_indexed.idx");
  spit(dir + "/i.idx", idx + "12\tnot-a-number\n");
  CHECK_THROWS_WITH_AS(rio::MXIndexedRecordIO(dir + "/i.idx", dir + "/i.rec", "r"),
                       doctest::Contains("line 12"), sg::IOError);
  spit(dir + "/i.idx", idx + "77\t99999999\n");
  {
    rio::MXIndexedRecordIO r(dir + "/i.idx", dir + "/i.rec", "r");
    CHECK_THROWS_WITH_AS(r.read_idx(77), doctest::Contains("past the end"), sg::IOError);
  }
  spit(dir + "/i.idx", idx + "78\t1132\n");
  {
    rio::MXIndexedRecordIO r(dir + "/i.idx", dir + "/i.rec", "r");
    CHECK_THROWS_WITH_AS(r.read_idx(78), doctest::Contains("key 78"), sg::IOError);
  }
  spit(dir + "/i.idx", idx + "3\t0\n");
  CHECK_THROWS_WITH_AS(rio::MXIndexedRecordIO(dir + "/i.idx", dir + "/i.rec", "r"),
                       doctest::Contains("appears twice"), sg::IOError);
  fs::remove_all(dir);
}

TEST_CASE("recordio: a writer that unwinds on an exception leaves no file behind") {
  std::string dir = scratch("unwind");
  try {
    rio::MXIndexedRecordIO w(dir + "/u.idx", dir + "/u.rec", "w");
    w.write_idx(1, "partial");
    throw std::runtime_error("stop");
  } catch (const std::runtime_error&) {
  }
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST_CASE("recordio: corrupted files end in a correct record or an IOError, thousands of times") {
  const std::string good = slurp(fixture_dir() + "/mx_plain.rec");
  auto recs = records();
  std::string dir = scratch("fuzz");
  std::mt19937 rng(12345);
  int errors = 0, intact = 0;
  for (int it = 0; it < 3000; ++it) {
    std::string bytes = good;
    std::size_t pos = rng() % bytes.size();
    switch (it % 4) {
      case 0:
        bytes[pos] = static_cast<char>(rng());
        break;  // one byte changed
      case 1:
        bytes.resize(pos);
        break;  // cut short
      case 2:
        bytes.insert(pos, 1, static_cast<char>(rng()));
        break;  // a byte inserted
      default:
        bytes[pos & ~std::size_t(3)] ^= static_cast<char>(1 << (rng() % 8));  // a header-aligned bit
    }
    spit(dir + "/f.rec", bytes);
    rio::MXRecordIO r(dir + "/f.rec", "r");
    try {
      for (int n = 0; n < 100; ++n) {
        const auto start = static_cast<std::size_t>(r.tell());
        auto s = r.read();
        if (!s) break;
        const auto end = static_cast<std::size_t>(r.tell());
        const bool original = std::find(recs.begin(), recs.end(), *s) != recs.end();
        const bool covers_damage = (it % 4 != 1) && start <= pos && pos < end + 4;
        if (!(original || covers_damage)) {
          INFO("iteration " << it << ", damage at byte " << pos << ", record at " << start << ".." << end);
          CHECK(original);
        }
        intact += original;
      }
    } catch (const sg::IOError&) {
      ++errors;
    }
  }
  CHECK(errors > 300);
  CHECK(intact > 1000);
  fs::remove_all(dir);
}
