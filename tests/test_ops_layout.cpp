// The layout operators of MXNet's model exports: Cast, squeeze, reshape_like, reverse (flip),
// broadcast_to, broadcast_axis, broadcast_like, slice_like. Shape rules both ways with their
// errors, values, float64 gradient checks and symbol JSON under MXNet's names.
#include <doctest/doctest.h>

#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;
using testing::out_shape;
using S = sg::Shape;

namespace {
sg::NDArray eval(const Symbol& s, const std::map<std::string, sg::NDArray>& in) {
  sg::ShapeDict shapes;
  sg::TypeDict types;
  for (const auto& [k, v] : in) shapes[k] = v.shape(), types[k] = v.dtype();
  auto ex = s.simple_bind(sg::cpu(), shapes, {.grad_req = "null", .type_dict = types});
  for (const auto& [k, v] : in) ex.arg_dict().at(k).copy_from(v);
  return ex.forward(false)[0].copy();
}
std::vector<double> values(const sg::NDArray& a) { return a.to_vector<double>(); }
}  // namespace

TEST_CASE("Cast: values, saturation, dtype inference and the gradient cast back") {
  Symbol x = var("x");
  sg::NDArray v({1.7, -2.5, 300.0, -1e20, 0.25});
  auto i = eval(cast(x, sg::DType::int32), {{"x", v}});
  CHECK(i.dtype() == sg::DType::int32);
  CHECK(values(i) == std::vector<double>{1, -2, 300, -2147483648.0, 0});
  auto u = eval(cast(x, sg::DType::uint8), {{"x", v}});
  CHECK(values(u) == std::vector<double>{1, 0, 255, 0, 0});  // saturated at uint8's range
  auto types = cast(x, sg::DType::float64).infer_type({{"x", sg::DType::float32}});
  CHECK(types.out_types.at(0) == sg::DType::float64);
  CHECK(check_gradient(cast(x, sg::DType::float64) * 3, {{"x", {2, 3}}}) == 6);
  // float32 data computed in float64: the gradient comes back to x as float32
  auto ex = (cast(x, sg::DType::float64) * 3)
                .simple_bind(sg::cpu(), {{"x", {2}}},
                             {.grad_req = "write", .type_dict = {{"x", sg::DType::float32}}});
  ex.forward(true);
  ex.backward({sg::NDArray(S{2}, sg::cpu(), sg::DType::float64).fill(0.5)});
  CHECK(ex.grad_dict().at("x").dtype() == sg::DType::float32);
  CHECK(values(ex.grad_dict().at("x")) == std::vector<double>{1.5, 1.5});
  // Bad dtypes say which ones exist
  CHECK_THROWS_WITH_AS(sg::ops::create_op("Cast", {{"dtype", "bfloat16"}}, 1), doctest::Contains("float16"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("Cast", {}, 1), doctest::Contains("dtype is required"),
                       sg::ValueError);
}

TEST_CASE("squeeze: the given axes or every size-1 axis, and the errors") {
  Symbol x = var("x");
  CHECK(out_shape(squeeze(x), {{"x", {2, 1, 3, 1}}}) == S{2, 3});
  CHECK(out_shape(squeeze(x, {.axis = {-1}}), {{"x", {2, 1, 3, 1}}}) == S{2, 1, 3});
  CHECK(out_shape(squeeze(x), {{"x", {1, 1}}}) == S{1});  // MXNet keeps one axis
  CHECK_THROWS_WITH_AS(out_shape(squeeze(x, {.axis = {1}}), {{"x", {2, 3}}}), doctest::Contains("not 1"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(squeeze(x, {.axis = {2}}), {{"x", {2, 1}}}),
                       doctest::Contains("out of range"), sg::ShapeError);
  CHECK(check_gradient(squeeze(x, {.axis = {1}}), {{"x", {2, 1, 3}}}) == 6);
}

TEST_CASE("reshape_like: all of rhs's shape or a range of axes, and the size check") {
  Symbol a = var("a"), b = var("b");
  CHECK(out_shape(reshape_like(a, b), {{"a", {2, 3}}, {"b", {3, 2}}}) == S{3, 2});
  CHECK(out_shape(reshape_like(a, b, {.lhs_begin = 1, .rhs_begin = 1}), {{"a", {4, 6}}, {"b", {2, 2, 3}}}) ==
        S{4, 2, 3});
  CHECK(out_shape(reshape_like(a, b, {.lhs_begin = 0, .lhs_end = 1, .rhs_begin = -2}),
                  {{"a", {6, 5}}, {"b", {7, 2, 3}}}) == S{2, 3, 5});
  CHECK_THROWS_WITH_AS(out_shape(reshape_like(a, b), {{"a", {4, 6}}, {"b", {2, 3}}}),
                       doctest::Contains("24 elements"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(reshape_like(a, b, {.lhs_begin = 3}), {{"a", {4, 6}}, {"b", {2, 3}}}),
                       doctest::Contains("lhs_begin"), sg::ShapeError);
  // b takes no part in the gradient: zeros when asked for
  auto ex = reshape_like(a, b).simple_bind(sg::cpu(), {{"a", {2, 3}}, {"b", {3, 2}}},
                                           {.grad_req = std::vector<std::string>{"write", "write"}});
  ex.arg_dict().at("b").fill(5);
  ex.grad_dict().at("b").fill(7);
  ex.forward(true);
  ex.backward({sg::NDArray(S{3, 2}).fill(1)});
  CHECK(values(ex.grad_dict().at("a")) == std::vector<double>(6, 1.0));
  CHECK(values(ex.grad_dict().at("b")) == std::vector<double>(6, 0.0));
}

TEST_CASE("reverse (flip): values along several axes, gradient, errors") {
  Symbol x = var("x");
  sg::NDArray v({{1, 2, 3}, {4, 5, 6}});
  CHECK(values(eval(flip(x, {1}), {{"x", v}})) == std::vector<double>{3, 2, 1, 6, 5, 4});
  CHECK(values(eval(reverse(x, {0, -1}), {{"x", v}})) == std::vector<double>{6, 5, 4, 3, 2, 1});
  CHECK(values(eval(flip(x, {0}), {{"x", v}})) == std::vector<double>{4, 5, 6, 1, 2, 3});
  CHECK(check_gradient(flip(x, {0, 2}), {{"x", {2, 3, 4}}}) == 24);
  CHECK_THROWS_WITH_AS(out_shape(flip(x, {2}), {{"x", {2, 3}}}), doctest::Contains("out of range"),
                       sg::ShapeError);
  CHECK_THROWS_AS(flip(x, {}), sg::ValueError);
  // MXNet writes flip as reverse; both names load
  auto j = flip(x, {1}).tojson();
  CHECK(j.find("\"reverse\"") != std::string::npos);
  CHECK(sg::ops::create_op("flip", {{"axis", "1"}}, 1)->type_name() == "reverse");
}

TEST_CASE("broadcast_to, broadcast_axis, broadcast_like: shapes, values, gradients, errors") {
  Symbol x = var("x"), y = var("y");
  CHECK(out_shape(broadcast_to(x, {2, 0, 3}), {{"x", {1, 4, 1}}}) == S{2, 4, 3});
  CHECK(out_shape(broadcast_axis(x, {.axis = {0, 2}, .size = {2, 4}}), {{"x", {1, 3, 1}}}) == S{2, 3, 4});
  CHECK(out_shape(broadcast_axes(x, {.axis = {-1}, .size = {5}}), {{"x", {3, 1}}}) == S{3, 5});
  CHECK(out_shape(broadcast_like(x, y), {{"x", {1, 3}}, {"y", {2, 3}}}) == S{2, 3});
  CHECK(out_shape(
            broadcast_like(
                x, y, {.lhs_axes = std::vector<std::int64_t>{0}, .rhs_axes = std::vector<std::int64_t>{1}}),
            {{"x", {1, 3}}, {"y", {2, 5}}}) == S{5, 3});
  sg::NDArray v({{1}, {2}});
  CHECK(values(eval(broadcast_to(x, {2, 3}), {{"x", v}})) == std::vector<double>{1, 1, 1, 2, 2, 2});
  CHECK(check_gradient(broadcast_to(x, {2, 3, 4}), {{"x", {2, 1, 4}}}) == 8);
  CHECK(check_gradient(broadcast_axis(x, {.axis = {0, 2}, .size = {2, 3}}), {{"x", {1, 3, 1}}}) == 3);
  CHECK(check_gradient(broadcast_like(x, y), {{"x", {1, 3}}, {"y", {4, 3}}}, {.skip = {"y"}}) == 3);
  CHECK_THROWS_WITH_AS(out_shape(broadcast_to(x, {2, 4}), {{"x", {3, 1}}}),
                       doctest::Contains("only size-1 axes"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(broadcast_to(x, {2, 3}), {{"x", {3}}}), doctest::Contains("same rank"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(broadcast_axis(x, {.axis = {1}, .size = {2}}), {{"x", {1, 3, 1}}}),
                       doctest::Contains("not 1"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(broadcast_like(x, y), {{"x", {3}}, {"y", {2, 3}}}),
                       doctest::Contains("same rank"), sg::ShapeError);
  CHECK_THROWS_AS(broadcast_axis(x, {.axis = {0, 1}, .size = {2}}), sg::ValueError);
  CHECK_THROWS_AS(sg::ops::create_op("broadcast_to", {}, 1), sg::ValueError);
  CHECK(sg::ops::create_op("broadcast_axes", {{"axis", "0"}, {"size", "2"}}, 1)->type_name() ==
        "broadcast_axis");
}

TEST_CASE("slice_like: the leading block, on every axis or the given ones") {
  Symbol x = var("x"), y = var("y");
  CHECK(out_shape(slice_like(x, y), {{"x", {4, 6}}, {"y", {2, 3}}}) == S{2, 3});
  CHECK(out_shape(slice_like(x, y, {.axes = {-1}}), {{"x", {4, 6}}, {"y", {2, 3}}}) == S{4, 3});
  CHECK(out_shape(slice_like(x, y, {.axes = {0}}), {{"x", {4, 6}}, {"y", {2}}}) == S{2, 6});
  sg::NDArray v({{1, 2, 3}, {4, 5, 6}});
  CHECK(values(eval(slice_like(x, y), {{"x", v}, {"y", sg::NDArray({{0, 0}})}})) ==
        std::vector<double>{1, 2});
  CHECK(check_gradient(slice_like(x, y, {.axes = {1}}), {{"x", {3, 4}}, {"y", {3, 2}}}, {.skip = {"y"}}) ==
        12);
  CHECK_THROWS_WITH_AS(out_shape(slice_like(x, y), {{"x", {2, 3}}, {"y", {2, 4}}}), doctest::Contains("grow"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(slice_like(x, y), {{"x", {2, 3}}, {"y", {2}}}),
                       doctest::Contains("ranks must be equal"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(slice_like(x, y, {.axes = {1}}), {{"x", {2, 3}}, {"y", {2}}}),
                       doctest::Contains("out of range"), sg::ShapeError);
}

TEST_CASE(
    "typed forms: squeeze<axes...> and broadcast_to<dims...> compute static shapes; the others keep it") {
  auto x = var<"x">(sg::shape<2, 1, 3>);
  auto a = squeeze<1>(x);
  static_assert(decltype(a)::shape == S{2, 3});
  auto n = var<"n">(sg::shape<sg::dyn, 1>);
  static_assert(decltype(squeeze<-1>(n))::shape == S{sg::dyn});
  auto b = broadcast_to<2, 4, 0>(x);
  static_assert(decltype(b)::shape == S{2, 4, 3});
  auto c = erf(floor(cast(flip(x, {0}), sg::DType::float64)));
  static_assert(decltype(c)::shape == S{2, 1, 3});
  auto h = hard_sigmoid(smooth_l1(x, 2.0), {.alpha = 0.3});
  static_assert(decltype(h)::shape == S{2, 1, 3});
  // the same graphs as the runtime forms
  CHECK(out_shape(a, {{"x", {2, 1, 3}}}) == S{2, 3});
  CHECK(out_shape(b, {{"x", {2, 1, 3}}}) == S{2, 4, 3});
  CHECK(Symbol(b).attr("shape") == std::optional<std::string>("(2, 4, 0)"));
  CHECK(Symbol(a).attr("axis") == std::optional<std::string>("(1,)"));
}
