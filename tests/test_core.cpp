// core/: shapes, attribute strings, automatic names, name suggestions.
#include <doctest/doctest.h>

#include <atomic>

#include <symgrad/core/strings.hpp>  // detail::closest
#include <symgrad/symgrad.hpp>

namespace sg = symgrad;

TEST_CASE("Shape: known, unknown, size and printing") {
  sg::Shape s{32, 2};
  CHECK(s.ndim() == 2);
  CHECK(s.known());
  CHECK(s.size() == 64);
  CHECK(s.str() == "(32, 2)");
  CHECK(sg::Shape{5}.str() == "(5,)");
  CHECK(sg::Shape{}.str() == "()");
  CHECK(sg::Shape::unknown().str() == "unknown");
  sg::Shape d{sg::dyn, 256};
  CHECK_FALSE(d.known());
  CHECK(d.size() == sg::dyn);
  CHECK(d.str() == "(?, 256)");
  CHECK_THROWS_AS(sg::Shape({1, 2, 3, 4, 5, 6, 7, 8, 9}), sg::ShapeError);
  CHECK_THROWS_AS(sg::Shape({-2}), sg::ShapeError);
}

TEST_CASE("Shape: a size that overflows int64 is a ShapeError, never a wrapped number") {
  CHECK(sg::Shape{std::int64_t{1} << 31, std::int64_t{1} << 31}.size() == std::int64_t{1} << 62);
  CHECK_THROWS_WITH_AS(sg::Shape({std::int64_t{1} << 32, std::int64_t{1} << 32}).size(),
                       doctest::Contains("does not fit in a 64-bit integer"), sg::ShapeError);
  CHECK_THROWS_AS(sg::Shape({3, INT64_MAX}).size(), sg::ShapeError);
  // a zero dimension makes the size 0 whatever the others are
  CHECK(sg::Shape{std::int64_t{1} << 40, std::int64_t{1} << 40, 0}.size() == 0);
  CHECK(sg::mul_size(6, 7) == 42);
  CHECK_THROWS_AS(sg::mul_size(INT64_MAX, 2), sg::ShapeError);
  CHECK_THROWS_AS(sg::add_size(INT64_MAX, 1), sg::ShapeError);
  static_assert(sg::Shape{4, 8}.size() == 32);
}

TEST_CASE("Shape: merge fills unknowns and detects conflicts, also at compile time") {
  static_assert(sg::merge(sg::Shape{sg::dyn, 1}, sg::Shape{32, 1}).shape == sg::Shape{32, 1});
  static_assert(!sg::merge(sg::Shape{sg::dyn, 1}, sg::Shape{sg::dyn, 3}).ok);
  static_assert(sg::merge(sg::Shape::unknown(), sg::Shape{4}).shape == sg::Shape{4});
  CHECK_FALSE(sg::merge(sg::Shape{2}, sg::Shape{2, 1}).ok);
  CHECK(sg::unknown_count(sg::Shape{sg::dyn, sg::dyn, 3}) == 2);
  CHECK(sg::unknown_count(sg::Shape::unknown()) == 1);
}

TEST_CASE("attributes: Python str() formats and parsing") {
  namespace attr = sg::attr;
  CHECK(attr::format(true) == "True");
  CHECK(attr::format(std::int64_t{128}) == "128");
  CHECK(attr::format(1.0) == "1.0");
  CHECK(attr::format(0.5) == "0.5");
  CHECK(attr::format(1e-3) == "0.001");
  CHECK(attr::format(std::vector<std::int64_t>{3, 3}) == "(3, 3)");
  CHECK(attr::format(std::vector<std::int64_t>{3}) == "(3,)");
  CHECK(attr::parse_bool("op", "k", "True"));
  CHECK_FALSE(attr::parse_bool("op", "k", "0"));
  CHECK(attr::parse_int("op", "k", "128") == 128);
  CHECK(attr::parse_int("op", "k", "2.0") == 2);
  CHECK(attr::parse_float("op", "k", "0.25") == 0.25);
  CHECK(attr::parse_tuple("op", "k", "(3, 3)") == std::vector<std::int64_t>{3, 3});
  CHECK(attr::parse_tuple("op", "k", "[1,2,3]") == std::vector<std::int64_t>{1, 2, 3});
  CHECK(attr::parse_tuple("op", "k", "(5,)") == std::vector<std::int64_t>{5});
  CHECK(attr::parse_tuple("op", "k", "()").empty());
  CHECK_THROWS_WITH_AS(attr::parse_int("FullyConnected", "num_hidden", "abc"),
                       doctest::Contains("FullyConnected: attribute 'num_hidden' = 'abc' is not an integer"),
                       sg::ValueError);
  CHECK_THROWS_AS(attr::parse_bool("op", "k", "yes"), sg::ValueError);
}

TEST_CASE("attributes: integers that are not finite or do not fit are ValueErrors, not casts") {
  namespace attr = sg::attr;
  CHECK(attr::parse_int("op", "k", "1e3") == 1000);
  CHECK(attr::parse_int("op", "k", "-4.0") == -4);
  CHECK(attr::parse_int("op", "k", "9223372036854775807") == INT64_MAX);
  for (const char* v : {"1e300", "-1e300", "9.3e18", "99999999999999999999"})
    CHECK_THROWS_WITH_AS(attr::parse_int("Tile", "reps", v), doctest::Contains("within the 64-bit range"),
                         sg::ValueError);
  for (const char* v : {"inf", "-inf", "nan", "infinity", "1.5"})
    CHECK_THROWS_WITH_AS(attr::parse_int("Tile", "reps", v), doctest::Contains("is not an integer"),
                         sg::ValueError);
  CHECK_THROWS_AS(attr::parse_tuple("op", "k", "(1e300, 2)"), sg::ValueError);
  CHECK(attr::parse_int32("op", "k", "2147483647") == 2147483647);
  CHECK_THROWS_WITH_AS(attr::parse_int32("op", "k", "4000000000"), doctest::Contains("32-bit range"),
                       sg::ValueError);
  CHECK(attr::parse_float32("op", "k", "inf") == INFINITY);
  CHECK_THROWS_WITH_AS(attr::parse_float32("op", "k", "1e300"), doctest::Contains("float32's range"),
                       sg::ValueError);
  // through the registry: an operator built from such attribute strings
  CHECK_THROWS_WITH_AS(sg::ops::create_op("FullyConnected", {{"num_hidden", "1e300"}}, 3),
                       doctest::Contains("num_hidden"), sg::ValueError);
}

TEST_CASE("naming: per-hint counters, explicit names, NameManager and Prefix scopes") {
  sg::sym::NameManager scope;
  CHECK(sg::sym::make_name("", "fullyconnected") == "fullyconnected0");
  CHECK(sg::sym::make_name("", "fullyconnected") == "fullyconnected1");
  CHECK(sg::sym::make_name("fc1", "fullyconnected") == "fc1");  // explicit names use no counter
  CHECK(sg::sym::make_name("", "fullyconnected") == "fullyconnected2");
  CHECK(sg::sym::make_name("", "_minus") == "_minus0");
  {
    sg::sym::NameManager inner;
    CHECK(sg::sym::make_name("", "fullyconnected") == "fullyconnected0");
  }
  CHECK(sg::sym::make_name("", "fullyconnected") == "fullyconnected3");
  {
    sg::sym::Prefix p("net_");
    CHECK(sg::sym::make_name("fc1", "fullyconnected") == "net_fc1");
    CHECK(sg::sym::make_name("", "activation") == "net_activation0");
  }
  CHECK(sg::sym::make_name("fc1", "x") == "fc1");
}

TEST_CASE("closest-name suggestions") {
  std::vector<std::string> names{"data", "fullyconnected0_weight", "fullyconnected0_bias", "label"};
  CHECK(sg::detail::closest("dat", names) == "data");
  CHECK(sg::detail::closest("lable", names) == "label");
  CHECK(sg::detail::closest("zzzzzzzzzzzzzz", names).empty());
}

TEST_CASE("dtype names and sizes") {
  CHECK(sg::dtype_size(sg::DType::float64) == 8);
  CHECK(sg::dtype_from_name("int32") == sg::DType::int32);
  CHECK(sg::dtype_from_name("float16") == sg::DType::float16);
  CHECK_THROWS_WITH_AS(sg::dtype_from_name("bfloat16"), doctest::Contains("float16, uint8"), sg::TypeError);
  CHECK(static_cast<int>(sg::DType::int64) == 6);  // MXNet's type code
  CHECK(sg::dtype_from_code("x", 4) == sg::DType::int32);
  CHECK_THROWS_WITH_AS(sg::dtype_from_code("data", 12), doctest::Contains("data: unknown dtype code 12"),
                       sg::TypeError);
  CHECK_THROWS_AS(sg::dtype_from_code("data", std::int64_t{1} << 32), sg::TypeError);
}

TEST_CASE("saturating_index: NaN and values beyond int64 convert without undefined behaviour") {
  CHECK(sg::saturating_index(3.9) == 3);
  CHECK(sg::saturating_index(-2.5) == -2);
  CHECK(sg::saturating_index(1e30) == INT64_MAX);
  CHECK(sg::saturating_index(-1e30) == INT64_MIN);
  CHECK(sg::saturating_index(NAN) == INT64_MIN);
  CHECK(sg::saturating_index(INFINITY) == INT64_MAX);
}

TEST_CASE("host::ThreadPool: back-to-back calls neither lose, repeat nor hang on tasks") {
  // Many tiny calls in a row: a worker still leaving one call must not take a task of the next
  // (that once lost a completion and hung the caller, about one run in three of this loop).
  auto& pool = symgrad::host::ThreadPool::instance();
  std::atomic<long> sum{0};
  long want = 0;
  for (int r = 0; r < 200000; ++r) {
    const std::size_t n = 1 + static_cast<std::size_t>(r % 7);
    pool.run(n, [&](std::size_t t) { sum += static_cast<long>(t) + 1; });
    want += static_cast<long>(n * (n + 1) / 2);
  }
  CHECK(sum.load() == want);
}
