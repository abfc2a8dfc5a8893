// Data iterators: NDArrayIter, ResizeIter, PrefetchingIter, MNISTIter.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <symgrad/io/data_iter.hpp>
#include <symgrad/io/mnist_iter.hpp>
#include <vector>

namespace {

namespace sg = symgrad;
namespace fs = std::filesystem;
using sg::NDArray;
using sg::Shape;
using sg::io::DataBatch;
using sg::io::DataDesc;
using sg::io::NDArrayIter;
using Json = nlohmann::json;

NDArray arange(std::int64_t n, const Shape& s, double start = 0, double step = 1,
               sg::DType t = sg::DType::float32) {
  NDArray a(s, sg::cpu(), t);
  for (std::int64_t i = 0; i < n; ++i) {
    sg::dispatch_dtype(t, [&](auto x) {
      using T = decltype(x);
      static_cast<T*>(a.raw_data())[i] = static_cast<T>(start + step * static_cast<double>(i));
    });
  }
  return a;
}

std::vector<double> values(const NDArray& a) { return a.to_vector<double>(); }

// Every batch of one epoch: (data values, label values, pad); the arrays are copied out because the
// iterator reuses them.
struct Seen {
  std::vector<std::vector<double>> data, label;
  int pad;
  std::vector<std::int64_t> index;
  bool operator==(const Seen&) const = default;
};
std::vector<Seen> epoch(sg::io::DataIter& it) {
  std::vector<Seen> r;
  while (it.next()) {
    const DataBatch& b = it.value();
    Seen s{{}, {}, b.pad, b.index};
    for (const auto& a : b.data) s.data.push_back(values(a));
    for (const auto& a : b.label) s.label.push_back(values(a));
    r.push_back(std::move(s));
  }
  return r;
}

Json golden() {
  std::ifstream f(std::string(SYMGRAD_TEST_DATA) + "/io/ndarray_iter.json");
  REQUIRE_MESSAGE(f.good(),
                  "missing tests/data/io/ndarray_iter.json (tests/reference/make_io_golden.py writes it)");
  return Json::parse(f);
}

// The inputs that make_io_golden.py gives each case.
std::unique_ptr<NDArrayIter> golden_iter(const Json& c) {
  const std::string name = c["name"];
  const Json& o = c["options"];
  sg::io::NDArrayIterOptions opt{.batch_size = o["batch_size"].get<std::int64_t>(),
                                 .last_batch_handle = o.value("last_batch_handle", std::string("pad")),
                                 .data_name = o.value("data_name", std::string("data")),
                                 .label_name = o.value("label_name", std::string("softmax_label"))};
  NDArray a = arange(15, Shape{5, 3}), b = arange(5, Shape{5, 1}, 0, -1), five = arange(5, Shape{5});
  if (name.starts_with("n10_"))
    return std::make_unique<NDArrayIter>(arange(20, Shape{10, 2}), arange(10, Shape{10}, 100), opt);
  if (name.starts_with("n3_"))
    return std::make_unique<NDArrayIter>(arange(3, Shape{3, 1}), arange(3, Shape{3}, 10), opt);
  if (name == "named")
    return std::make_unique<NDArrayIter>(NDArrayIter::Named{{"zeta", a}, {"alpha", b}},
                                         NDArrayIter::Named{{"lab", five}}, opt);
  if (name == "listed")
    return std::make_unique<NDArrayIter>(std::vector<NDArray>{a, b}, std::vector<NDArray>{five}, opt);
  if (name == "nolabel_f64")
    return std::make_unique<NDArrayIter>(arange(6, Shape{3, 2}, 0, 1, sg::DType::float64), NDArray{}, opt);
  FAIL("unknown golden case " << name);
  return nullptr;
}

std::vector<DataDesc> golden_descs(const Json& list) {
  std::vector<DataDesc> r;
  for (const auto& d : list)
    r.push_back({d["name"], Shape(d["shape"].get<std::vector<std::int64_t>>()),
                 sg::dtype_from_name(d["dtype"].get<std::string>()), d["layout"]});
  return r;
}

// A scratch directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> n{0};
    path =
        fs::temp_directory_path() / ("symgrad_io_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& f) const { return (path / f).string(); }
};

std::vector<unsigned char> be32(std::uint32_t v) {
  return {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
          static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
}
void write_file(const std::string& path, const std::vector<unsigned char>& bytes, bool gz) {
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
}

// Image i has pixel k = (i * 37 + k * 11) % 256 (so 0 and 255 occur); label i = (i * 3) % 10.
constexpr int kRows = 2, kCols = 3;
std::uint8_t pixel(int i, int k) { return static_cast<std::uint8_t>((i * 37 + k * 11) % 256); }
std::vector<unsigned char> image_file(int n, std::uint32_t magic = 2051, int rows = kRows, int cols = kCols) {
  std::vector<unsigned char> b;
  for (auto v : {magic, static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(rows),
                 static_cast<std::uint32_t>(cols)}) {
    auto w = be32(v);
    b.insert(b.end(), w.begin(), w.end());
  }
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < rows * cols; ++k) b.push_back(pixel(i, k));
  return b;
}
std::vector<unsigned char> label_file(int n, std::uint32_t magic = 2049) {
  std::vector<unsigned char> b = be32(magic), c = be32(static_cast<std::uint32_t>(n));
  b.insert(b.end(), c.begin(), c.end());
  for (int i = 0; i < n; ++i) b.push_back(static_cast<unsigned char>((i * 3) % 10));
  return b;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const sg::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("NDArrayIter: batches, pad and provide_* match MXNet 1.9.1 for pad / discard / roll_over") {
  Json g = golden();
  REQUIRE(g["mxnet"] == "1.9.1");
  int checked = 0;
  for (const auto& c : g["cases"]) {
    INFO("case " << c["name"].get<std::string>());
    auto it = golden_iter(c);
    CHECK(it->provide_data() == golden_descs(c["provide_data"]));
    CHECK(it->provide_label() == golden_descs(c["provide_label"]));
    for (std::size_t e = 0; e < c["epochs"].size(); ++e) {
      INFO("epoch " << e);
      if (e) it->reset();
      const auto& want = c["epochs"][e];
      CHECK(it->num_batches() == static_cast<std::int64_t>(want.size()));
      auto got = epoch(*it);
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("batch " << i);
        CHECK(got[i].data == want[i]["data"].get<std::vector<std::vector<double>>>());
        CHECK(got[i].label == want[i]["label"].get<std::vector<std::vector<double>>>());
        CHECK(got[i].pad == want[i]["pad"].get<int>());
        ++checked;
      }
      CHECK_FALSE(it->next());  // stays at the end until reset
    }
  }
  CHECK(checked > 40);
}

TEST_CASE("NDArrayIter: batch arrays are reused, shapes and index") {
  NDArrayIter it(arange(20, Shape{10, 2}), arange(10, Shape{10}), {.batch_size = 4});
  CHECK(it.batch_size() == 4);
  REQUIRE(it.next());
  NDArray d = it.value().data[0], l = it.value().label[0];
  CHECK(d.shape() == Shape{4, 2});
  CHECK(l.shape() == Shape{4});
  CHECK(it.value().index == std::vector<std::int64_t>{0, 1, 2, 3});
  CHECK(it.value().provide_data == it.provide_data());
  REQUIRE(it.next());
  CHECK(it.value().data[0].same_storage(d));
  CHECK(it.value().label[0].same_storage(l));
  REQUIRE(it.next());
  CHECK(it.value().pad == 2);
  CHECK(it.value().index == std::vector<std::int64_t>{8, 9, 0, 1});
  CHECK(it.provide_data()[0].str() == "DataDesc[data,(4, 2),float32,NCHW]");
  CHECK(it.provide_label()[0].str() == "DataDesc[softmax_label,(4,),float32,NCHW]");
}

TEST_CASE("NDArrayIter: shuffle is a seeded permutation per epoch, rows stay aligned with labels") {
  auto make = [](std::uint64_t seed) {
    return std::make_unique<NDArrayIter>(
        arange(24, Shape{12, 2}), arange(12, Shape{12}),
        sg::io::NDArrayIterOptions{.batch_size = 4, .shuffle = true, .seed = seed});
  };
  auto a = make(7), b = make(7), c = make(8);
  std::vector<std::vector<Seen>> ea, eb, ec;
  for (int e = 0; e < 3; ++e) {
    if (e) a->reset(), b->reset(), c->reset();
    ea.push_back(epoch(*a)), eb.push_back(epoch(*b)), ec.push_back(epoch(*c));
  }
  CHECK(ea == eb);  // same seed, same batches
  CHECK(ea != ec);
  CHECK(ea[0] != ea[1]);  // reset reshuffles
  for (const auto& ep : ea) {
    std::vector<double> labels;
    for (const auto& s : ep) {
      for (std::size_t i = 0; i < s.label[0].size(); ++i) {
        double r = s.label[0][i];
        CHECK(s.data[0][2 * i] == 2 * r);  // data row r = (2r, 2r+1)
        CHECK(s.data[0][2 * i + 1] == 2 * r + 1);
        CHECK(s.index[i] == static_cast<std::int64_t>(r));
      }
      labels.insert(labels.end(), s.label[0].begin(), s.label[0].end());
    }
    std::vector<double> sorted = labels, all(12);
    std::sort(sorted.begin(), sorted.end());
    std::iota(all.begin(), all.end(), 0.0);
    CHECK(sorted == all);
    CHECK(labels != all);
  }
  // roll_over with shuffle: every example still appears once per pass
  NDArrayIter r(arange(10, Shape{10}), NDArray{},
                {.batch_size = 3, .shuffle = true, .last_batch_handle = "roll_over", .seed = 3});
  std::multiset<double> seen;
  for (int e = 0; e < 3; ++e) {
    if (e) r.reset();
    for (const auto& s : epoch(r)) seen.insert(s.data[0].begin(), s.data[0].end());
  }
  CHECK(seen.size() == 30);  // 3 epochs of 10 examples, batches of 3: 3 + 4 + 3 batches
  for (int v = 0; v < 10; ++v) CHECK(seen.count(v) == 3);
}

TEST_CASE("NDArrayIter: named inputs, roll_over reset mid-epoch, hard_reset") {
  NDArrayIter it(NDArrayIter::Named{{"b_in", arange(6, Shape{3, 2})}, {"a_in", arange(3, Shape{3}, 5)}},
                 NDArrayIter::Named{{"y", arange(3, Shape{3}, 9)}},
                 {.batch_size = 2, .last_batch_handle = "discard"});
  auto pd = it.provide_data();
  REQUIRE(pd.size() == 2);
  CHECK(pd[0] == DataDesc{"a_in", Shape{2}});
  CHECK(pd[1] == DataDesc{"b_in", Shape{2, 2}});
  REQUIRE(it.next());
  CHECK(values(it.value().data[0]) == std::vector<double>{5, 6});
  CHECK(values(it.value().data[1]) == std::vector<double>{0, 1, 2, 3});
  CHECK_FALSE(it.next());

  NDArrayIter r(arange(5, Shape{5}), NDArray{}, {.batch_size = 2, .last_batch_handle = "roll_over"});
  CHECK(epoch(r).size() == 2);
  r.reset();
  CHECK(r.num_batches() == 3);  // 1 carried + 5 = 3 batches of 2
  REQUIRE(r.next());
  CHECK(values(r.value().data[0]) == std::vector<double>{4, 0});
  CHECK(r.value().pad == 1);
  r.reset();  // mid-epoch: plain restart
  REQUIRE(r.next());
  CHECK(values(r.value().data[0]) == std::vector<double>{0, 1});
  epoch(r);
  r.hard_reset();  // drops the carried example
  REQUIRE(r.next());
  CHECK(values(r.value().data[0]) == std::vector<double>{0, 1});
  CHECK(r.value().pad == 0);
}

TEST_CASE("NDArrayIter: errors") {
  auto msg = error_of([] {
    NDArrayIter(NDArrayIter::Named{{"pixels", NDArray(Shape{10, 4})}},
                NDArrayIter::Named{{"article", NDArray(Shape{9})}});
  });
  CHECK(msg.find("ShapeError") == 0);
  CHECK(msg.find("'article'") != std::string::npos);
  CHECK(msg.find("'pixels'") != std::string::npos);
  CHECK(msg.find("(9,)") != std::string::npos);
  CHECK(msg.find("(10, 4)") != std::string::npos);
  CHECK_THROWS_AS(NDArrayIter(NDArray(Shape{4, 1}), NDArray{}, {.last_batch_handle = "keep"}),
                  sg::ValueError);
  CHECK_THROWS_AS(NDArrayIter(NDArray(Shape{4, 1}), NDArray{}, {.batch_size = 0}), sg::ValueError);
  CHECK_THROWS_AS(
      NDArrayIter(NDArray(Shape{3, 1}), NDArray{}, {.batch_size = 4, .last_batch_handle = "roll_over"}),
      sg::ValueError);
  CHECK_THROWS_AS(
      NDArrayIter(NDArrayIter::Named{{"x", NDArray(Shape{3})}}, NDArrayIter::Named{{"x", NDArray(Shape{3})}}),
      sg::ValueError);
  CHECK_THROWS_AS(NDArrayIter(NDArray{}), sg::ValueError);
}

TEST_CASE("ResizeIter: a fixed number of batches per epoch, wrapping the inner iterator") {
  NDArrayIter inner(arange(10, Shape{10}), NDArray{}, {.batch_size = 3});  // 4 batches, the last padded
  sg::io::ResizeIter r(inner, 6);
  CHECK(r.num_batches() == 6);
  CHECK(r.batch_size() == 3);
  CHECK(r.provide_data() == inner.provide_data());
  auto e = epoch(r);
  REQUIRE(e.size() == 6);
  CHECK(e[3].data[0] == std::vector<double>{9, 0, 1});
  CHECK(e[3].pad == 2);
  CHECK(e[4].data[0] == std::vector<double>{0, 1, 2});
  CHECK(e[5].data[0] == std::vector<double>{3, 4, 5});
  r.reset();  // resets the inner iterator too
  CHECK(epoch(r)[0].data[0] == std::vector<double>{0, 1, 2});

  NDArrayIter inner2(arange(10, Shape{10}), NDArray{}, {.batch_size = 3});
  sg::io::ResizeIter keep(inner2, 2, /*reset_internal=*/false);
  CHECK(epoch(keep).size() == 2);
  keep.reset();
  CHECK(epoch(keep)[0].data[0] == std::vector<double>{6, 7, 8});
}

namespace {
// Yields `n` batches of one value each and throws on batch `fail` (0-based).
class FailingIter : public sg::io::DataIter {
 public:
  FailingIter(int n, int fail) : DataIter(2), n_(n), fail_(fail) { batch_.data = {NDArray(Shape{2})}; }
  void reset() override { i_ = 0; }
  bool next() override {
    if (i_ == fail_ && bad_alloc_) throw std::bad_alloc();
    if (i_ == fail_) throw sg::IOError("batch " + std::to_string(i_) + " is unreadable");
    if (i_ >= n_) return false;
    batch_.data[0].fill(i_++);
    return true;
  }
  std::vector<DataDesc> provide_data() const override { return {{"data", Shape{2}}}; }
  std::vector<DataDesc> provide_label() const override { return {}; }

 private:
  int n_, fail_, i_ = 0;

 public:
  bool bad_alloc_ = false;
};
}  // namespace

TEST_CASE("PrefetchingIter: same batches as the inner iterator, reset mid-epoch, several inners") {
  auto opts = sg::io::NDArrayIterOptions{
      .batch_size = 4, .shuffle = true, .last_batch_handle = "roll_over", .seed = 11};
  NDArrayIter ref(arange(46, Shape{23, 2}), arange(23, Shape{23}), opts),
      inner(arange(46, Shape{23, 2}), arange(23, Shape{23}), opts);
  sg::io::PrefetchingIter p(inner);
  CHECK(p.batch_size() == 4);
  CHECK(p.provide_data() == ref.provide_data());
  CHECK(p.provide_label() == ref.provide_label());
  CHECK(p.num_batches() == 5);
  for (int e = 0; e < 4; ++e) {
    if (e) ref.reset(), p.reset();
    auto want = epoch(ref), got = epoch(p);
    CHECK(got == want);
    CHECK_FALSE(p.next());
  }
  // reset while a batch is being prefetched
  ref.reset(), p.reset();
  REQUIRE(p.next());
  REQUIRE(ref.next());
  ref.reset(), p.reset();
  CHECK(epoch(p) == epoch(ref));

  NDArrayIter i1(arange(8, Shape{8}), arange(8, Shape{8}, 10), {.batch_size = 3});
  NDArrayIter i2(arange(8, Shape{8}, 20), arange(8, Shape{8}, 30), {.batch_size = 3});
  sg::io::PrefetchingIter two({i1, i2}, {.rename_data = {{{"data", "d1"}}, {{"data", "d2"}}}});
  auto pd = two.provide_data();
  REQUIRE(pd.size() == 2);
  CHECK(pd[0].name == "d1");
  CHECK(pd[1].name == "d2");
  CHECK(two.provide_label().size() == 2);
  auto e = epoch(two);
  REQUIRE(e.size() == 3);
  CHECK(e[2].data == std::vector<std::vector<double>>{{6, 7, 0}, {26, 27, 20}});
  CHECK(e[2].label == std::vector<std::vector<double>>{{16, 17, 10}, {36, 37, 30}});
  CHECK(e[2].pad == 1);
  CHECK(two.value().provide_data == pd);

  NDArrayIter short_one(arange(3, Shape{3}), NDArray{}, {.batch_size = 3});
  NDArrayIter long_one(arange(6, Shape{6}), NDArray{}, {.batch_size = 3});
  sg::io::PrefetchingIter mismatched({short_one, long_one});
  REQUIRE(mismatched.next());
  CHECK_THROWS_AS(mismatched.next(), sg::ValueError);
  CHECK_THROWS_AS(sg::io::PrefetchingIter({i1, i2}, {.rename_data = {{{"data", "d1"}}}}), sg::ValueError);
}

TEST_CASE("PrefetchingIter: an exception in the worker reaches next(); destruction mid-flight is clean") {
  FailingIter f(5, 2);
  sg::io::PrefetchingIter p(f);
  REQUIRE(p.next());
  CHECK(values(p.value().data[0]) == std::vector<double>{0, 0});
  REQUIRE(p.next());
  CHECK(values(p.value().data[0]) == std::vector<double>{1, 1});
  std::string msg = error_of([&] { p.next(); });
  CHECK(msg == "IOError: batch 2 is unreadable");
  p.reset();  // recovers
  REQUIRE(p.next());
  CHECK(values(p.value().data[0]) == std::vector<double>{0, 0});
  {
    FailingIter g(100, -1);
    sg::io::PrefetchingIter q(g);
    REQUIRE(q.next());
  }  // destroyed while prefetching
  // an exception that is not an sg::Error (std::bad_alloc here) reaches next() as an IOError
  FailingIter oom(5, 1);
  oom.bad_alloc_ = true;
  sg::io::PrefetchingIter r(oom);
  REQUIRE(r.next());
  CHECK_THROWS_WITH_AS(r.next(), doctest::Contains("PrefetchingIter: the wrapped iterator failed"),
                       sg::IOError);
}

TEST_CASE("MNISTIter: exact values, raw and gzip, flat, dropped last batch, index") {
  TempDir dir;
  for (bool gz : {false, true}) {
    INFO("gzip " << gz);
    write_file(dir / "img", image_file(7), gz);
    write_file(dir / "lab", label_file(7), gz);
    for (bool flat : {false, true}) {
      sg::io::MNISTIter it({.image = dir / "img",
                            .label = dir / "lab",
                            .batch_size = 3,
                            .shuffle = false,
                            .flat = flat,
                            .silent = true,
                            .data_name = "pixels",
                            .label_name = "article"});
      Shape ds = flat ? Shape{3, 6} : Shape{3, 1, 2, 3};
      CHECK(it.provide_data() == std::vector<DataDesc>{{"pixels", ds}});
      CHECK(it.provide_label() == std::vector<DataDesc>{{"article", Shape{3}}});
      CHECK(it.num_batches() == 2);
      for (int e = 0; e < 2; ++e) {
        if (e) it.reset();
        auto batches = epoch(it);
        REQUIRE(batches.size() == 2);  // the 7th example is dropped, as MXNet
        for (int b = 0; b < 2; ++b) {
          CHECK(batches[b].pad == 0);
          CHECK(it.value().data[0].shape() == ds);
          for (int i = 0; i < 3; ++i) {
            int ex = b * 3 + i;
            CHECK(batches[b].label[0][i] == (ex * 3) % 10);
            CHECK(batches[b].index[i] == ex);
            for (int k = 0; k < 6; ++k) CHECK(batches[b].data[0][i * 6 + k] == pixel(ex, k) / 256.0);
          }
        }
      }
    }
  }
  CHECK(pixel(0, 0) == 0);
  CHECK(pixel(6, 3) == 255);  // the brightest byte becomes 255/256, as MXNet
}

TEST_CASE("MNISTIter: num_parts, limit and shuffle") {
  TempDir dir;
  write_file(dir / "img", image_file(7), true);
  write_file(dir / "lab", label_file(7), false);
  auto labels_of = [&](sg::io::MNISTIterOptions o) {
    o.image = dir / "img", o.label = dir / "lab", o.silent = true;
    sg::io::MNISTIter it(o);
    std::vector<std::int64_t> idx;
    for (const auto& s : epoch(it)) idx.insert(idx.end(), s.index.begin(), s.index.end());
    return idx;
  };
  // MXNet's parts: [floor(7k/3), floor(7(k+1)/3)) = [0,2) [2,4) [4,7)
  CHECK(labels_of({.batch_size = 1, .shuffle = false, .num_parts = 3, .part_index = 0}) ==
        std::vector<std::int64_t>{0, 1});
  CHECK(labels_of({.batch_size = 1, .shuffle = false, .num_parts = 3, .part_index = 1}) ==
        std::vector<std::int64_t>{2, 3});
  CHECK(labels_of({.batch_size = 1, .shuffle = false, .num_parts = 3, .part_index = 2}) ==
        std::vector<std::int64_t>{4, 5, 6});
  CHECK(labels_of({.batch_size = 2, .shuffle = false, .num_parts = 3, .part_index = 2}) ==
        std::vector<std::int64_t>{4, 5});
  CHECK(labels_of({.batch_size = 1, .shuffle = false, .num_parts = 3, .part_index = 2, .limit = 2}) ==
        std::vector<std::int64_t>{4, 5});
  CHECK(labels_of({.batch_size = 1, .shuffle = false, .limit = 4}) == std::vector<std::int64_t>{0, 1, 2, 3});
  CHECK_THROWS_AS(labels_of({.num_parts = 2, .part_index = 2}), sg::ValueError);

  auto s1 = labels_of({.batch_size = 1, .seed = 5}), s2 = labels_of({.batch_size = 1, .seed = 5}),
       s3 = labels_of({.batch_size = 1, .seed = 6});
  CHECK(s1 == s2);
  CHECK(s1 != s3);
  auto sorted = s1;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6});
  // Shuffled once: every epoch has the same order (MXNet's reset only rewinds); values follow the index.
  sg::io::MNISTIter it(
      {.image = dir / "img", .label = dir / "lab", .batch_size = 2, .seed = 5, .silent = true});
  auto e1 = epoch(it);
  it.reset();
  CHECK(epoch(it) == e1);
  for (const auto& b : e1)
    for (int i = 0; i < 2; ++i) {
      CHECK(b.label[0][i] == (b.index[i] * 3) % 10);
      CHECK(b.data[0][i * 6 + 2] == pixel(static_cast<int>(b.index[i]), 2) / 256.0);
    }
}

TEST_CASE("MNISTIter: bad files are IOErrors naming the file and the problem") {
  TempDir dir;
  write_file(dir / "img", image_file(5), false);
  write_file(dir / "lab", label_file(5), false);
  auto open = [&](const std::string& img, const std::string& lab) {
    return error_of([&] { sg::io::MNISTIter it({.image = img, .label = lab, .silent = true}); });
  };
  CHECK(open(dir / "img", dir / "lab") == "(no error)");

  std::string m = open(dir / "missing", dir / "lab");
  CHECK(m.find("IOError") == 0);
  CHECK(m.find(dir / "missing") != std::string::npos);
  CHECK(m.find("no such file") != std::string::npos);

  m = open(dir / "lab", dir / "img");  // swapped
  CHECK(m.find("IOError") == 0);
  CHECK(m.find(dir / "lab") != std::string::npos);
  CHECK(m.find("magic number 2049") != std::string::npos);
  CHECK(m.find("expected 2051") != std::string::npos);
  CHECK(m.find("swapped") != std::string::npos);

  write_file(dir / "lab_bad", label_file(5, 1234), false);
  m = open(dir / "img", dir / "lab_bad");
  CHECK(m.find("lab_bad") != std::string::npos);
  CHECK(m.find("magic number 1234, expected 2049") != std::string::npos);

  for (bool gz : {false, true}) {
    INFO("gzip " << gz);
    auto cut = image_file(5);
    cut.resize(cut.size() - 10);  // 5 images declared, 3 whole ones present
    write_file(dir / "img_cut", cut, gz);
    m = open(dir / "img_cut", dir / "lab");
    CHECK(m.find("IOError") == 0);
    CHECK(m.find("img_cut") != std::string::npos);
    CHECK(m.find("truncated") != std::string::npos);
    CHECK(m.find("needs 30 bytes") != std::string::npos);
    CHECK(m.find("only 20 remain") != std::string::npos);
    CHECK(m.find("3 whole items of 5") != std::string::npos);
    auto header_only = image_file(0);
    header_only.resize(10);
    write_file(dir / "img_hdr", header_only, gz);
    m = open(dir / "img_hdr", dir / "lab");
    CHECK(m.find("truncated") != std::string::npos);
  }
  auto lcut = label_file(5);
  lcut.pop_back();
  write_file(dir / "lab_cut", lcut, true);
  m = open(dir / "img", dir / "lab_cut");
  CHECK(m.find("lab_cut' (gzip) is truncated") != std::string::npos);
  CHECK(m.find("4 whole items of 5") != std::string::npos);

  write_file(dir / "lab6", label_file(6), false);
  m = open(dir / "img", dir / "lab6");
  CHECK(m.find("IOError") == 0);
  CHECK(m.find("holds 5 images") != std::string::npos);
  CHECK(m.find("holds 6 labels") != std::string::npos);
  CHECK(m.find("lab6") != std::string::npos);

  write_file(dir / "img_gz_bad", {0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, false);
  m = open(dir / "img_gz_bad", dir / "lab");
  CHECK(m.find("IOError") == 0);
  CHECK(m.find("img_gz_bad") != std::string::npos);
}

TEST_CASE("MNISTIter: header counts beyond the file allocate nothing; labels must be class indices") {
  TempDir dir;
  // A 27-byte pair: 2^32 - 1 images of 65536 x 65536 pixels declared (2^64 - 2^32 bytes), 3 labels.
  auto huge = image_file(0);
  huge.resize(4);
  for (auto v : {0xFFFFFFFFu, 65536u, 65536u}) {
    auto w = be32(v);
    huge.insert(huge.end(), w.begin(), w.end());
  }
  auto labels3 = label_file(3);
  REQUIRE(huge.size() + labels3.size() == 27);
  auto lab_huge = labels3;
  for (int k = 0; k < 4; ++k) lab_huge[4 + k] = 0xFF;  // the label count must match
  for (bool gz : {false, true}) {
    INFO("gzip " << gz);
    write_file(dir / "img", huge, gz);
    write_file(dir / "lab", lab_huge, gz);
    std::string m =
        error_of([&] { sg::io::MNISTIter it({.image = dir / "img", .label = dir / "lab", .silent = true}); });
    CHECK(m.find("IOError") == 0);
    CHECK(m.find("truncated") != std::string::npos);
    CHECK(m.find("needs 18446744069414584320 bytes from offset 16 but only 0 remain") != std::string::npos);
  }
  // A label outside [0, 10) is an error naming the file, the value and the example ...
  auto bad = label_file(6);
  bad[8 + 4] = 255;
  write_file(dir / "img6", image_file(6), false);
  write_file(dir / "lab255", bad, false);
  std::string m = error_of(
      [&] { sg::io::MNISTIter it({.image = dir / "img6", .label = dir / "lab255", .silent = true}); });
  CHECK(m.find("IOError") == 0);
  CHECK(m.find("lab255") != std::string::npos);
  CHECK(m.find("holds label 255 for example 4, not a class index in [0, 10)") != std::string::npos);
  // ... unless the data set has that many classes
  sg::io::MNISTIter wide({.image = dir / "img6",
                          .label = dir / "lab255",
                          .batch_size = 6,
                          .shuffle = false,
                          .silent = true,
                          .num_classes = 256});
  REQUIRE(wide.next());
  CHECK(wide.value().label[0].to_vector<float>()[4] == 255.0f);
  CHECK_THROWS_AS(
      sg::io::MNISTIter({.image = dir / "img6", .label = dir / "lab255", .silent = true, .num_classes = 0}),
      sg::ValueError);
}

TEST_CASE("MNISTIter: the regression pairs in tests/data/bad/fuzz_mnist are IOErrors") {
  TempDir dir;
  int n = 0;
  for (const auto& e : fs::directory_iterator(std::string(SYMGRAD_TEST_DATA) + "/bad/fuzz_mnist")) {
    INFO(e.path().string());
    std::ifstream f(e.path(), std::ios::binary);
    std::vector<unsigned char> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    REQUIRE(!b.empty());
    // byte 0 is the label file's length / 4, as tests/fuzz/fuzz_mnist.cpp reads it
    const auto cut = static_cast<std::ptrdiff_t>(std::min<std::size_t>(b.size() - 1, std::size_t(b[0]) * 4));
    write_file(dir / "lab", {b.begin() + 1, b.begin() + 1 + cut}, false);
    write_file(dir / "img", {b.begin() + 1 + cut, b.end()}, false);
    CHECK_THROWS_AS(sg::io::MNISTIter({.image = dir / "img", .label = dir / "lab", .silent = true}),
                    sg::IOError);
    ++n;
  }
  CHECK(n >= 3);
}

TEST_CASE("MNISTIter: the installed Fashion-MNIST test set") {
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  if (!fs::exists(dir + "t10k-images-idx3-ubyte.gz") || !fs::exists(dir + "t10k-labels-idx1-ubyte.gz")) {
    MESSAGE("skipped: Fashion-MNIST not found in " << dir << " (apt-get install dataset-fashion-mnist)");
    return;
  }
  sg::io::MNISTIter it({.image = dir + "t10k-images-idx3-ubyte.gz",
                        .label = dir + "t10k-labels-idx1-ubyte.gz",
                        .batch_size = 1000,
                        .shuffle = false,
                        .flat = true,
                        .silent = true});
  CHECK(it.num_examples() == 10000);
  CHECK(it.num_batches() == 10);
  std::int64_t n = 0;
  std::vector<int> per_class(10);
  float lo = 1, hi = 0;
  while (it.next()) {
    const auto& b = it.value();
    const float* l = b.label[0].data<float>();
    for (int i = 0; i < 1000; ++i) {
      REQUIRE(l[i] >= 0);
      REQUIRE(l[i] <= 9);
      per_class[static_cast<int>(l[i])]++;
    }
    const float* d = b.data[0].data<float>();
    auto [mn, mx] = std::minmax_element(d, d + b.data[0].size());
    lo = std::min(lo, *mn), hi = std::max(hi, *mx);
    n += 1000;
  }
  CHECK(n == 10000);
  for (int c = 0; c < 10; ++c) CHECK(per_class[c] == 1000);
  CHECK(lo == 0.0f);
  CHECK(hi == 255.0f / 256.0f);
}
