// erf, the rounding functions, smooth_l1, hard_sigmoid, _arange, the Sequence* operators and
// take: values against closed forms, float64 gradient checks, shape rules and their errors.
#include <doctest/doctest.h>

#include <cmath>
#include <symgrad/symgrad.hpp>

#include "alloc_counter.hpp"
#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;
using testing::out_shape;
using S = sg::Shape;

namespace {
std::vector<double> eval(const Symbol& s, const std::map<std::string, sg::NDArray>& in) {
  return testing::eval<double>(s, in);
}
}  // namespace

TEST_CASE("erf, rounding, smooth_l1, hard_sigmoid: values, gradients, errors") {
  Symbol x = var("x");
  sg::NDArray v({-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.7});
  CHECK(eval(floor(x), {{"x", v}}) == std::vector<double>{-3, -2, -1, 0, 1, 2, -1});
  CHECK(eval(ceil(x), {{"x", v}}) == std::vector<double>{-2, -1, -0, 1, 2, 3, -0});
  CHECK(eval(round(x), {{"x", v}}) == std::vector<double>{-3, -2, -1, 1, 2, 3, -1});
  CHECK(eval(rint(x), {{"x", v}}) == std::vector<double>{-3, -2, -1, 0, 1, 2, -1});  // ties go down
  CHECK(eval(trunc(x), {{"x", v}}) == std::vector<double>{-2, -1, -0, 0, 1, 2, -0});
  CHECK(eval(fix(x), {{"x", v}}) == std::vector<double>{-2, -1, -0, 0, 1, 2, -0});
  auto e = eval(erf(x), {{"x", v}});
  CHECK(e[3] == doctest::Approx(std::erf(0.5)).epsilon(1e-6));
  CHECK(check_gradient(erf(x), {{"x", {3, 4}}}, {.low = -2, .high = 2}) == 12);
  // smooth_l1 with sigma 2: quadratic inside |x| < 0.25, linear outside
  auto s = eval(smooth_l1(x, 2.0), {{"x", sg::NDArray({0.1, -0.2, 1.0, -3.0})}});
  CHECK(s[0] == doctest::Approx(0.5 * 0.01 * 4));
  CHECK(s[1] == doctest::Approx(0.5 * 0.04 * 4));
  CHECK(s[2] == doctest::Approx(1.0 - 0.125));
  CHECK(s[3] == doctest::Approx(3.0 - 0.125));
  // away from the kinks (|x| = 0.25): the domain avoids them
  CHECK(check_gradient(smooth_l1(x, 2.0), {{"x", {2, 3}}}, {.low = 0.3, .high = 2}) == 6);
  CHECK(check_gradient(smooth_l1(x, 2.0), {{"x", {2, 3}}}, {.low = -0.2, .high = 0.2}) == 6);
  auto h = eval(hard_sigmoid(x), {{"x", sg::NDArray({-3.0, 0.0, 1.0, 3.0})}});
  CHECK(h[0] == 0);
  CHECK(h[1] == 0.5);
  CHECK(h[2] == doctest::Approx(0.7).epsilon(1e-6));
  CHECK(h[3] == 1);
  CHECK(check_gradient(hard_sigmoid(x, {.alpha = 0.3, .beta = 0.4}), {{"x", {2, 3}}}) == 6);
  // the rounding functions pass zeros when a gradient is asked for
  auto ex = (floor(x) + x).simple_bind(sg::cpu(), {{"x", {3}}}, {.grad_req = "write"});
  ex.forward(true);
  ex.backward({sg::NDArray({1.0, 2.0, 3.0})});
  CHECK(ex.grad_dict().at("x").to_vector<double>() == std::vector<double>{1, 2, 3});
  CHECK_THROWS_WITH_AS(smooth_l1(x, 0.0), doctest::Contains("positive"), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("smooth_l1", {{"scalar", "-1"}}, 1), doctest::Contains("positive"),
                       sg::ValueError);
  CHECK_THROWS_AS(sg::ops::create_op("hard_sigmoid", {{"gamma", "1"}}, 1), sg::ValueError);
  // integer data: a TypeError naming the function (the rounding functions too)
  for (const Symbol& f : {erf(x), floor(x)}) {
    auto ex =
        f.simple_bind(sg::cpu(), {{"x", {2}}}, {.grad_req = "null", .type_dict = {{"x", sg::DType::int32}}});
    CHECK_THROWS_WITH_AS(ex.forward(false), doctest::Contains("supports float32 and float64"), sg::TypeError);
  }
  CHECK_THROWS_AS(sg::ops::create_op("floor", {{"axis", "1"}}, 1), sg::ValueError);
}

TEST_CASE("_arange: values, repeat, dtype, JSON, errors") {
  CHECK(eval(arange(1, {.stop = 7, .step = 2, .repeat = 2}), {}) == std::vector<double>{1, 1, 3, 3, 5, 5});
  CHECK(eval(arange(4), {}) == std::vector<double>{0, 1, 2, 3});
  CHECK(eval(arange(3, {.stop = 0, .step = -1}), {}) == std::vector<double>{3, 2, 1});
  auto f = eval(arange(0, {.stop = 1, .step = 0.3}), {});
  CHECK(f.size() == 4);
  CHECK(f[3] == doctest::Approx(0.9).epsilon(1e-6));
  Symbol a = arange(2, {.stop = 5, .dtype = sg::DType::int32});
  CHECK(a.infer_type({}).out_types.at(0) == sg::DType::int32);
  CHECK(out_shape(a, {}) == S{3});
  Symbol back = Symbol::load_json(a.tojson());
  CHECK(back.tojson() == a.tojson());
  CHECK(a.tojson().find("\"_arange\"") != std::string::npos);
  CHECK_THROWS_WITH_AS(arange(1, {.stop = 5, .step = 0}), doctest::Contains("step"), sg::ValueError);
  CHECK_THROWS_WITH_AS(arange(5, {.stop = 1}), doctest::Contains("empty"), sg::ValueError);
  CHECK_THROWS_WITH_AS(arange(1, {.stop = 5, .infer_range = true}), doctest::Contains("infer_range"),
                       sg::ValueError);
  CHECK_THROWS_AS(sg::ops::create_op("_arange", {{"stop", "3"}}, 0), sg::ValueError);
}

TEST_CASE("SequenceMask, SequenceLast, SequenceReverse: values, gradients, shapes, errors") {
  Symbol d = var("data"), l = var("len");
  // (T, N, C) = (3, 2, 1): sequence 0 is 1, 2, 3 and sequence 1 is 4, 5, 6
  sg::NDArray x(std::vector<float>{1, 4, 2, 5, 3, 6}, S{3, 2, 1});
  sg::NDArray len({1, 3});
  const SequenceMaskOptions mo{.use_sequence_length = true, .value = -1};
  const SequenceOptions so{.use_sequence_length = true};
  CHECK(eval(sequence_mask(d, l, mo), {{"data", x}, {"len", len}}) ==
        std::vector<double>{1, 4, -1, 5, -1, 6});
  CHECK(eval(sequence_last(d, l, so), {{"data", x}, {"len", len}}) == std::vector<double>{1, 6});
  CHECK(eval(sequence_last(d, Symbol()), {{"data", x}}) == std::vector<double>{3, 6});
  CHECK(eval(sequence_reverse(d, l, so), {{"data", x}, {"len", len}}) ==
        std::vector<double>{1, 6, 2, 5, 3, 4});
  // axis 1: (N, T, C)
  sg::NDArray xb(std::vector<float>{1, 2, 3, 4, 5, 6}, S{2, 3, 1});
  CHECK(eval(sequence_last(d, l, {.use_sequence_length = true, .axis = 1}), {{"data", xb}, {"len", len}}) ==
        std::vector<double>{1, 6});
  CHECK(out_shape(sequence_last(d, l, so), {{"data", {5, 2, 3}}}) == S{2, 3});
  auto r = sequence_mask(d, l, mo).infer_shape({{"data", {5, 2, 3}}});
  CHECK(r.arg_shapes.at(1) == S{2});
  // gradients (lengths fixed, not differentiated)
  testing::GradCheckOptions o{.inputs = {{"len", sg::NDArray({2.0, 4.0, 1.0}).astype(sg::DType::float64)}},
                              .skip = {"len"}};
  const sg::ShapeDict sh{{"data", {4, 3, 2}}, {"len", {3}}};
  CHECK(check_gradient(sequence_mask(d, l, mo), sh, o) == 24);
  CHECK(check_gradient(sequence_last(d, l, so), sh, o) == 24);
  CHECK(check_gradient(sequence_reverse(d, l, so), sh, o) == 24);
  CHECK(check_gradient(sequence_last(d, l, {.use_sequence_length = true, .axis = 1}),
                       {{"data", {3, 4, 2}}, {"len", {3}}}, o) == 24);
  // errors
  CHECK_THROWS_WITH_AS(out_shape(sequence_mask(d, l, mo), {{"data", {4}}}),
                       doctest::Contains("time and a batch"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(sequence_mask(d, l, mo), {{"data", {4, 3}}, {"len", {2}}}),
                       doctest::Contains("len"), sg::ShapeError);
  CHECK_THROWS_AS(sequence_reverse(d, l, {.use_sequence_length = true, .axis = 1}), sg::ValueError);
  CHECK_THROWS_AS(sequence_mask(d, l, {.axis = 2}), sg::ValueError);
  CHECK_THROWS_AS(sequence_mask(d, Symbol(), {.use_sequence_length = true}), sg::ValueError);
  CHECK_THROWS_WITH_AS(eval(sequence_last(d, l, so), {{"data", x}, {"len", sg::NDArray({0, 3})}}),
                       doctest::Contains("sequence_length holds 0 for sequence 0"), sg::ValueError);
  CHECK_THROWS_WITH_AS(eval(sequence_reverse(d, l, so), {{"data", x}, {"len", sg::NDArray({1, 4})}}),
                       doctest::Contains("outside [0, 3]"), sg::ValueError);
  // a mask past the end masks nothing
  CHECK(eval(sequence_mask(d, l, mo), {{"data", x}, {"len", sg::NDArray({5, 3})}}) ==
        std::vector<double>{1, 4, 2, 5, 3, 6});
  CHECK_THROWS_AS(sg::ops::create_op("SequenceMask", {{"use_sequence_length", "True"}}, 1), sg::ValueError);
}

TEST_CASE("take: shapes, clip/wrap/raise, gradient, errors") {
  Symbol a = var("a"), i = var("indices");
  CHECK(out_shape(take(a, i), {{"a", {5, 3}}, {"indices", {2, 4}}}) == S{2, 4, 3});
  CHECK(out_shape(take(a, i, {.axis = -1}), {{"a", {5, 3}}, {"indices", {2}}}) == S{5, 2});
  sg::NDArray v({10, 11, 12, 13, 14});
  CHECK(eval(take(a, i), {{"a", v}, {"indices", sg::NDArray({-1.0, 5.0, 7.0, 2.7})}}) ==
        std::vector<double>{10, 14, 14, 12});
  CHECK(eval(take(a, i, {.mode = "wrap"}), {{"a", v}, {"indices", sg::NDArray({-1, 5, 7, -6})}}) ==
        std::vector<double>{14, 10, 12, 14});
  CHECK(eval(take(a, i, {.mode = "raise"}), {{"a", v}, {"indices", sg::NDArray({-1, 4})}}) ==
        std::vector<double>{14, 14});
  CHECK_THROWS_WITH_AS(eval(take(a, i, {.mode = "raise"}), {{"a", v}, {"indices", sg::NDArray({1, 5})}}),
                       doctest::Contains("outside [-5, 4]"), sg::ValueError);
  CHECK_THROWS_WITH_AS(eval(take(a, i), {{"a", v}, {"indices", sg::NDArray({std::nan("")})}}),
                       doctest::Contains("nan"), sg::ValueError);
  testing::GradCheckOptions o{
      .inputs = {{"indices", sg::NDArray({{0.0, 3.0}, {3.0, 1.0}}).astype(sg::DType::float64)}},
      .skip = {"indices"}};
  CHECK(check_gradient(take(a, i, {.axis = 1}), {{"a", {2, 4, 3}}, {"indices", {2, 2}}}, o) == 24);
  CHECK_THROWS_WITH_AS(out_shape(take(a, i, {.axis = 2}), {{"a", {5, 3}}, {"indices", {2}}}),
                       doctest::Contains("out of range"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(take(a, i, {.mode = "nearest"}), doctest::Contains("clip, wrap or raise"),
                       sg::ValueError);
}

TEST_CASE("the operators of MXNet's model exports allocate nothing in forward and backward after bind") {
  Symbol x = var("x"), len = var("len"), idx = var("idx"), b = var("b"), c = var("c");
  const SequenceOptions with_len{.use_sequence_length = true};
  std::vector<Symbol> parts{
      sequence_last(
          sequence_reverse(sequence_mask(x, len, {.use_sequence_length = true, .value = -1}), len, with_len),
          len, with_len),
      take(flip(x, {0}), idx, {.axis = 1}),
      squeeze(reshape_like(broadcast_to(b, {4, 3, 2}), x), {}) *
          broadcast_axis(b, {.axis = {0, 2}, .size = {4, 2}}),
      broadcast_like(b, x) + erf(x) + floor(x) + smooth_l1(x, 2.0) + hard_sigmoid(x),
      cast(cast(x, sg::DType::float64), sg::DType::float32) * reshape_like(arange(24), x),
      slice_like(x, c)};
  std::vector<Symbol> losses;
  for (const auto& p : parts) losses.push_back(make_loss(sum(p)));
  Executor ex = group(losses).simple_bind(
      sg::cpu(), {{"x", {4, 3, 2}}, {"len", {3}}, {"idx", {2}}, {"b", {1, 3, 1}}, {"c", {2, 3, 2}}});
  ex.arg_dict().at("len").copy_from(sg::NDArray({1, 4, 2}));
  ex.arg_dict().at("idx").copy_from(sg::NDArray({2, 0}));
  ex.forward(true);  // warm-up (thread pool start-up)
  ex.backward();
  testing::AllocCounter counter;
  for (int i = 0; i < 3; ++i) {
    ex.forward(true);
    ex.backward();
  }
  CHECK(counter.count() == 0);
}
