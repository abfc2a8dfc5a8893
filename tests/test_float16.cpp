// float16 (MXNet type code 2) as a storage type: the Half value type's conversions, float16
// NDArrays (creation, copies, astype, printing) and the errors of everything that computes.
// Golden bit patterns come from MXNet 1.9.1 (NDArray.astype('float16'), tests/reference/float16.py).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <symgrad/symgrad.hpp>

namespace sg = symgrad;
using sg::DType;
using sg::Half;
using sg::NDArray;
using sg::Shape;
using namespace sg::sym;

namespace {
float from_bits(std::uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
std::uint32_t bits_of(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
}  // namespace

TEST_CASE("Half: every float16 converts to float exactly and back unchanged") {
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    const Half h = Half::from_bits(static_cast<std::uint16_t>(b));
    const float f = static_cast<float>(h);
    const std::uint32_t e = (b >> 10) & 0x1f, m = b & 0x3ff;
    if (e == 0x1f && m) {  // NaN stays NaN, quiet, same sign
      REQUIRE(std::isnan(f));
      CHECK(Half(f).bits == (b | 0x200));
      continue;
    }
    // the value from the definition: (-1)^s * 2^(e-15) * (1 + m/1024), or 2^-14 * m/1024
    double want = e == 0x1f ? INFINITY
                  : e == 0  ? std::ldexp(static_cast<double>(m), -24)
                            : std::ldexp(1.0 + m / 1024.0, static_cast<int>(e) - 15);
    if (b & 0x8000) want = -want;
    REQUIRE(static_cast<double>(f) == want);
    REQUIRE(Half(f).bits == b);
  }
}

TEST_CASE("Half: float -> float16 rounds to nearest, ties to even, subnormals and overflow included") {
  // Between each pair of neighbours: the exact midpoint goes to the even one, a float either
  // side of it to the nearer one.
  for (std::uint32_t b = 0; b < 0x7c00; ++b) {
    const float lo = static_cast<float>(Half::from_bits(static_cast<std::uint16_t>(b)));
    const double hi =
        b + 1 == 0x7c00 ? 65536.0 : static_cast<float>(Half::from_bits(static_cast<std::uint16_t>(b + 1)));
    const auto mid = static_cast<float>((lo + hi) / 2);  // exact: fewer than 24 bits
    const std::uint32_t even = (b & 1) ? b + 1 : b;
    REQUIRE(Half(mid).bits == even);
    REQUIRE(Half(std::nextafter(mid, 0.0f)).bits == b);
    REQUIRE(Half(std::nextafter(mid, INFINITY)).bits == b + 1);
    REQUIRE(Half(-mid).bits == (even | 0x8000));
  }
  CHECK(Half(65519.996f).bits == 0x7bff);
  CHECK(Half(65520.0f).bits == 0x7c00);
  CHECK(Half(1e30f).bits == 0x7c00);
  CHECK(Half(-INFINITY).bits == 0xfc00);
  CHECK(Half(std::numeric_limits<float>::denorm_min()).bits == 0);
  CHECK(Half(-0.0f).bits == 0x8000);
#if defined(__FLT16_MAX__)
  // The compiler's own conversion, over a spread of float bit patterns.
  for (std::uint64_t b = 0; b < 0x100000000ull; b += 4099) {
    const float f = from_bits(static_cast<std::uint32_t>(b));
    const auto c = static_cast<_Float16>(f);
    std::uint16_t want;
    std::memcpy(&want, &c, 2);
    if (std::isnan(f))
      REQUIRE(std::isnan(static_cast<float>(Half(f))));
    else
      REQUIRE(Half(f).bits == want);
  }
#endif
}

TEST_CASE("Half: MXNet 1.9.1's conversions (NDArray.astype('float16')), bit for bit") {
  // mx.nd.array(x, dtype='float32').astype('float16'): round to nearest even, as numpy
  const std::vector<float> x = {1 + 0x1p-11f + 0x1p-20f,
                                1 + 0x1p-11f,
                                1 + 3 * 0x1p-11f,
                                65504,
                                65520,
                                65519.99f,
                                1e-8f,
                                0x1p-25f,
                                0x1p-25f * 1.0000001f,
                                0x1p-24f,
                                3 * 0x1p-26f,
                                INFINITY,
                                -INFINITY,
                                NAN,
                                -0.0f,
                                6.1e-5f};
  const std::vector<std::uint16_t> mx = {15361, 15360, 15362, 31743, 31744, 31743, 0,     0,
                                         1,     1,     1,     31744, 64512, 32256, 32768, 1023};
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(Half(x[i]).bits == mx[i]);
  NDArray a = NDArray(std::vector<float>(x), Shape{16}).astype(DType::float16);
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(a.data<Half>()[i].bits == mx[i]);
  // float64 goes through float32 as in mshadow (MXNet gives 15360; numpy, rounding once, 15361)
  CHECK(Half(1 + 0x1p-11 + 0x1p-40).bits == 15360);
  NDArray d = NDArray(std::vector<double>{1 + 0x1p-11 + 0x1p-40}, Shape{1}).astype(DType::float16);
  CHECK(d.data<Half>()[0].bits == 15360);
  // int32: [65519, 2049, 70000, -70000] -> [65504, 2048, inf, -inf]
  NDArray i = NDArray(std::vector<std::int32_t>{65519, 2049, 70000, -70000}, Shape{4}).astype(DType::float16);
  CHECK(i.to_vector<double>() == std::vector<double>{65504, 2048, INFINITY, -INFINITY});
  (void)bits_of;
}

TEST_CASE("float16 NDArray: creation, fill, copies and astype between every dtype") {
  NDArray z(Shape{2, 3}, sg::cpu(), DType::float16);
  CHECK(z.dtype() == DType::float16);
  CHECK(z.nbytes() == 12);
  CHECK(z.to_vector<double>() == std::vector<double>(6, 0.0));
  NDArray a({1.5, -2.25, 300.5, 0.1}, DType::float16);
  CHECK(a.at_flat(3) == static_cast<double>(static_cast<float>(Half(0.1))));
  CHECK(a.at_flat(3) == 0.0999755859375);
  CHECK(a.to_vector<float>() == std::vector<float>{1.5f, -2.25f, 300.5f, 0.0999755859375f});
  CHECK(sg::nd::full(Shape{2}, 3.3, sg::cpu(), DType::float16).data<Half>()[1].bits == Half(3.3).bits);
  NDArray v(std::vector<Half>{Half(1), Half(2)}, Shape{2});
  CHECK(v.dtype() == DType::float16);
  CHECK(v.copy().to_vector<int>() == std::vector<int>{1, 2});
  for (DType t : sg::all_dtypes) {
    NDArray small({0, 1, 2, 100}, t);
    NDArray h = small.astype(DType::float16);
    CHECK(h.to_vector<double>() == std::vector<double>{0, 1, 2, 100});
    CHECK(h.astype(t).to_vector<double>() == std::vector<double>{0, 1, 2, 100});
    NDArray dst(Shape{4}, sg::cpu(), t);
    h.copy_to(dst);  // converting copy
    CHECK(dst.to_vector<double>() == std::vector<double>{0, 1, 2, 100});
  }
  CHECK(sg::nd::arange(0, 3, 1, DType::float16).to_vector<double>() == std::vector<double>{0, 1, 2});
  CHECK_THROWS_WITH_AS(a.data<float>(), doctest::Contains("holds float16, not float32"), sg::TypeError);
  CHECK(sg::dtype_from_name("float16") == DType::float16);
  CHECK(sg::dtype_from_code("x", 2) == DType::float16);
  CHECK(sg::dtype_size(DType::float16) == 2);
}

TEST_CASE("float16 NDArray prints the shortest digits that read back as the same float16, as MXNet") {
  // MXNet 1.9.1: print(mx.nd.array([1.1, 2.5, -3.7], dtype='float16'))
  CHECK(sg::to_string(NDArray({1.1, 2.5, -3.7}, DType::float16)) == "[ 1.1  2.5 -3.7]\n<NDArray 3 @cpu(0)>");
  CHECK(sg::to_string(NDArray({0.5, 2.0}, DType::float16)) == "[0.5 2. ]\n<NDArray 2 @cpu(0)>");
}

TEST_CASE("Cast to and from float16 in a graph: values rounded as astype, the gradient cast back") {
  auto ex = cast(cast(var("x"), DType::float16), DType::float64)
                .simple_bind(sg::cpu(), {{"x", {3}}}, {.grad_req = "write"});
  CHECK(ex.arg_dict().at("x").dtype() == DType::float32);
  NDArray({0.1, 65519.0, -1e-8}).copy_to(ex.arg_dict().at("x"));
  auto& out = ex.forward(true);
  CHECK(out[0].dtype() == DType::float64);
  CHECK(out[0].to_vector<double>() == std::vector<double>{0.0999755859375, 65504.0, 0.0});
  CHECK(std::signbit(out[0].to_vector<double>()[2]));  // -1e-8 rounds to -0
  // the float64 head gradient goes to float16 (through float32), then to x's float32
  ex.backward(std::vector<NDArray>{NDArray(std::vector<double>{1.0 / 3, 1e5, 1.0}, Shape{3})});
  CHECK(ex.grad_dict().at("x").to_vector<float>() ==
        std::vector<float>{static_cast<float>(Half(1.0 / 3)), INFINITY, 1.0f});
  CHECK(static_cast<float>(Half(1.0 / 3)) == 0.333251953125f);
}

TEST_CASE("float16 arrays in computations: a TypeError that says what float16 is for") {
  NDArray a({1, 2}, DType::float16);
  CHECK_THROWS_WITH_AS(sg::nd::exp(a), doctest::Contains("nd::exp supports float32 and float64, not float16"),
                       sg::TypeError);
  CHECK_THROWS_WITH_AS(a + a, doctest::Contains("float16 is supported for storage"), sg::TypeError);
  CHECK_THROWS_WITH_AS(sg::nd::sum(a), doctest::Contains("Cast, amp_cast and amp_multicast"), sg::TypeError);
  // bind names the node and its operator
  Symbol y = fully_connected(var("x"), {.num_hidden = 2, .name = "fc1"});
  CHECK_THROWS_WITH_AS(y.simple_bind(sg::cpu(), {{"x", {1, 3}}}, {.type_dict = {{"x", DType::float16}}}),
                       doctest::Contains("node 'fc1' (operator FullyConnected) has a float16 input 0"),
                       sg::TypeError);
  // a cast in front makes the same graph bindable
  Symbol z = fully_connected(cast(var("x"), DType::float32), {.num_hidden = 2, .name = "fc1"});
  auto ex = z.simple_bind(sg::cpu(), {{"x", {1, 3}}}, {.type_dict = {{"x", DType::float16}}});
  CHECK(ex.arg_dict().at("x").dtype() == DType::float16);
  CHECK(ex.arg_dict().at("fc1_weight").dtype() == DType::float32);
}

namespace {
// The output dtypes of amp_multicast over inputs of the given dtypes ('h' float16, 'f' float32,
// 'd' float64, 'i' int32), as a string in the same letters.
std::string multicast_types(const std::string& in, bool narrow) {
  auto dt = [](char c) {
    return c == 'h' ? DType::float16 : c == 'f' ? DType::float32 : c == 'd' ? DType::float64 : DType::int32;
  };
  std::vector<Symbol> xs;
  sg::TypeDict types;
  for (std::size_t i = 0; i < in.size(); ++i) {
    xs.push_back(var("v" + std::to_string(i)));
    types["v" + std::to_string(i)] = dt(in[i]);
  }
  auto r = amp_multicast(xs, {.cast_narrow = narrow}).infer_type(types);
  std::string out;
  for (const auto& t : r.out_types)
    out += *t == DType::float16 ? 'h' : *t == DType::float32 ? 'f' : *t == DType::float64 ? 'd' : 'i';
  return out;
}
}  // namespace

TEST_CASE("amp_cast and amp_multicast: MXNet 1.9.1's type inference") {
  Symbol x = var("x");
  auto out_type = [&](const Symbol& s, DType in) { return *s.infer_type({{"x", in}}).out_types.at(0); };
  // amp_cast converts float32 and float16 only
  CHECK(out_type(amp_cast(x, DType::float16), DType::float32) == DType::float16);
  CHECK(out_type(amp_cast(x, DType::float32), DType::float16) == DType::float32);
  CHECK(out_type(amp_cast(x, DType::float16), DType::float64) == DType::float64);
  CHECK(out_type(amp_cast(x, DType::float16), DType::int32) == DType::int32);
  // forward only: an unknown input leaves the output unknown
  CHECK_FALSE(amp_cast(x, DType::float16).infer_type_partial({}).out_types.at(0).has_value());
  // amp_multicast, against MXNet's infer_type on these inputs
  CHECK(multicast_types("hh", false) == "hh");
  CHECK(multicast_types("hf", false) == "ff");
  CHECK(multicast_types("fh", false) == "ff");
  CHECK(multicast_types("hd", false) == "hd");
  CHECK(multicast_types("dh", false) == "dd");  // no float32: the first input's dtype
  CHECK(multicast_types("ih", false) == "ii");
  CHECK(multicast_types("dfh", false) == "dff");
  CHECK(multicast_types("ihd", false) == "iid");
  CHECK(multicast_types("hf", true) == "hh");
  CHECK(multicast_types("ff", true) == "ff");
  CHECK(multicast_types("df", true) == "df");
  CHECK(multicast_types("fdh", true) == "hdh");
  CHECK(multicast_types("ifh", true) == "ihh");
  // shapes pass through, both directions
  sg::sym::NameManager names;
  Symbol a = var("a"), b = var("b");
  auto m = amp_multicast({a, b});
  CHECK(m.list_outputs() == std::vector<std::string>{"amp_multicast0_output0", "amp_multicast0_output1"});
  auto sh = m.infer_shape({{"a", {2, 3}}, {"b", {4}}});
  CHECK(sh.out_shapes == std::vector<Shape>{Shape{2, 3}, Shape{4}});
  CHECK(sg::ops::create_op("amp_multicast", {{"num_outputs", "2"}, {"cast_narrow", "True"}}, 2)->attrs() ==
        sg::AttrMap{{"cast_narrow", "True"}, {"num_outputs", "2"}});
  CHECK_THROWS_WITH_AS(sg::ops::create_op("amp_multicast", {{"num_outputs", "3"}}, 2),
                       doctest::Contains("num_outputs=3 but the node has 2 inputs"), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("amp_cast", {}, 1), doctest::Contains("dtype is required"),
                       sg::ValueError);
}

TEST_CASE(
    "amp_cast and amp_multicast: values rounded to float16, gradients cast back to each input's dtype") {
  Symbol x = var("x"), y = var("y");
  // x float16, y float32: both outputs float32; the gradients come back as float16 and float32
  auto m = amp_multicast({x, y});
  auto ex =
      group({m[0] * 2, m[1] * 3})
          .simple_bind(sg::cpu(), {{"x", {3}}, {"y", {3}}},
                       {.grad_req = "write", .type_dict = {{"x", DType::float16}, {"y", DType::float32}}});
  NDArray({0.1, 1.0 / 3, 1000.25}).copy_to(ex.arg_dict().at("x"));
  NDArray({0.1, 1.0 / 3, 1000.25}).copy_to(ex.arg_dict().at("y"));
  auto& outs = ex.forward(true);
  CHECK(outs[0].dtype() == DType::float32);
  const double h0 = static_cast<float>(Half(0.1f)), h1 = static_cast<float>(Half(1.0f / 3));
  CHECK(outs[0].to_vector<double>() ==
        std::vector<double>{2 * h0, 2 * h1, 2000.0});  // 1000.25: a tie, to even
  CHECK(outs[1].to_vector<float>() == std::vector<float>{3 * 0.1f, 3 * (1.0f / 3), 3000.75f});
  ex.backward(std::vector<NDArray>{NDArray({0.1, 0.2, 0.3}), NDArray({0.1, 0.2, 0.3})});
  const NDArray& gx = ex.grad_dict().at("x");
  CHECK(gx.dtype() == DType::float16);
  for (int i = 0; i < 3; ++i)
    CHECK(gx.data<Half>()[i].bits == Half(2 * static_cast<float>(0.1 * (i + 1))).bits);
  CHECK(ex.grad_dict().at("y").dtype() == DType::float32);
  CHECK(ex.grad_dict().at("y").to_vector<float>() == std::vector<float>{0.1f * 3, 0.2f * 3, 0.3f * 3});
}
