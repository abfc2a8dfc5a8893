// Shape, layout, broadcast, reduction and dot operators: shape rules (with their failures),
// float64 gradient checks, values.
#include <doctest/doctest.h>

#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;
using testing::out_shape;
using S = sg::Shape;

namespace {
std::vector<float> eval(const Symbol& s, const std::map<std::string, sg::NDArray>& in) {
  return testing::eval<float>(s, in);
}
}  // namespace

TEST_CASE("reshape: MXNet's special codes") {
  Symbol x = var("x");
  auto r = [&](S in, std::vector<std::int64_t> code, bool rev = false) {
    return out_shape(reshape(x, {.shape = code, .reverse = rev}), {{"x", in}});
  };
  CHECK(r({2, 3, 4}, {4, 0, 2}) == S{4, 3, 2});
  CHECK(r({2, 3, 4}, {2, 0, 0}) == S{2, 3, 4});
  CHECK(r({2, 3, 4}, {6, 1, -1}) == S{6, 1, 4});
  CHECK(r({2, 3, 4}, {3, -1, 8}) == S{3, 1, 8});
  CHECK(r({2, 3, 4}, {-1}) == S{24});
  CHECK(r({2, 3, 4}, {-2}) == S{2, 3, 4});
  CHECK(r({2, 3, 4}, {2, -2}) == S{2, 3, 4});
  CHECK(r({2, 3, 4}, {-2, 1, 1}) == S{2, 3, 4, 1, 1});
  CHECK(r({2, 3, 4}, {-3, 4}) == S{6, 4});
  CHECK(r({2, 3, 4, 5}, {-3, -3}) == S{6, 20});
  CHECK(r({2, 3, 4}, {0, -3}) == S{2, 12});
  CHECK(r({2, 3, 4}, {-3, -2}) == S{6, 4});
  CHECK(r({2, 3, 4}, {-4, 1, 2, -2}) == S{1, 2, 3, 4});
  CHECK(r({2, 3, 4}, {2, -4, -1, 3, -2}) == S{2, 1, 3, 4});
  CHECK(r({2, 3, 4}, {-1, 0}) == S{8, 3});
  CHECK(r({10, 5, 4}, {-1, 0}) == S{40, 5});
  CHECK(r({10, 5, 4}, {-1, 0}, true) == S{50, 4});
  // Sizes must add up (MXNet stopped checking in 1.5 and truncates silently).
  CHECK_THROWS_WITH_AS(r({2, 3, 4}, {5, 5}), doctest::Contains("different number of elements"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(r({2, 3, 4}, {5, -1}), doctest::Contains("not divisible"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(r({2, 3, 4}, {-1, -1}), doctest::Contains("only one dimension can be -1"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(r({2, 3, 4}, {-4, -1, -1, -2}), doctest::Contains("cannot both be -1"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(r({2, 3, 4}, {-4, 5, -1, -2}), doctest::Contains("do not divide"), sg::ShapeError);
  CHECK_THROWS_AS(r({2, 3}, {0, 0, 0}), sg::ShapeError);
  // backwards: an unknown input dimension from the output
  auto p = reshape(x, {.shape = {-1}}).infer_shape_partial({{"x", {sg::dyn, 4}}});
  CHECK(p.arg_shapes[0] == S{sg::dyn, 4});
  Symbol y = reshape(x, {.shape = {-1}}) + var("z");
  CHECK(y.infer_shape({{"x", {sg::dyn, 4}}, {"z", {12}}}).arg_shapes[0] == S{3, 4});
  CHECK(check_gradient(reshape(x, {.shape = {3, -1}}), {{"x", {2, 3, 2}}}) == 12);
}

TEST_CASE("flatten and expand_dims") {
  Symbol x = var("x");
  CHECK(out_shape(flatten(x), {{"x", {2, 3, 4}}}) == S{2, 12});
  CHECK(out_shape(flatten(x), {{"x", {5}}}) == S{5, 1});
  CHECK(out_shape(expand_dims(x, 1), {{"x", {2, 3}}}) == S{2, 1, 3});
  CHECK(out_shape(expand_dims(x, -1), {{"x", {2, 3}}}) == S{2, 3, 1});
  CHECK(out_shape(expand_dims(x, 0), {{"x", {2, 3}}}) == S{1, 2, 3});
  CHECK_THROWS_WITH_AS(out_shape(expand_dims(x, 3), {{"x", {2, 3}}}), doctest::Contains("out of range"),
                       sg::ShapeError);
  CHECK(check_gradient(flatten(x), {{"x", {2, 3, 2}}}) == 12);
  CHECK(check_gradient(expand_dims(x, 1), {{"x", {2, 3}}}) == 6);
}

TEST_CASE("transpose and swapaxes") {
  Symbol x = var("x");
  CHECK(out_shape(transpose(x), {{"x", {2, 3, 4}}}) == S{4, 3, 2});
  CHECK(out_shape(transpose(x, {1, 0, 2}), {{"x", {2, 3, 4}}}) == S{3, 2, 4});
  CHECK(out_shape(swapaxes(x, 0, 2), {{"x", {2, 3, 4}}}) == S{4, 3, 2});
  CHECK_THROWS_WITH_AS(out_shape(transpose(x, {0, 0, 1}), {{"x", {2, 3, 4}}}),
                       doctest::Contains("permutation"), sg::ShapeError);
  CHECK_THROWS_AS(out_shape(transpose(x, {0, 1}), {{"x", {2, 3, 4}}}), sg::ShapeError);
  CHECK(eval(transpose(x), {{"x", sg::NDArray({{1, 2, 3}, {4, 5, 6}})}}) ==
        std::vector<float>{1, 4, 2, 5, 3, 6});
  CHECK(check_gradient(transpose(x, {2, 0, 1}), {{"x", {2, 3, 4}}}) == 24);
  CHECK(check_gradient(swapaxes(x, 1, 2), {{"x", {2, 3, 4}}}) == 24);
  // backwards inference through the permutation
  CHECK(transpose(x, {1, 0}).infer_shape_partial({}).out_shapes[0].rank_known() == false);
}

TEST_CASE("concat and split (SliceChannel)") {
  sg::sym::NameManager names;  // automatic names count from 0 in this case
  Symbol a = var("a"), b = var("b");
  CHECK(out_shape(concat({a, b}), {{"a", {2, 3}}, {"b", {2, 5}}}) == S{2, 8});
  CHECK(out_shape(concat({a, b}, {.dim = 0}), {{"a", {2, 3}}, {"b", {4, 3}}}) == S{6, 3});
  CHECK_THROWS_WITH_AS(out_shape(concat({a, b}), {{"a", {2, 3}}, {"b", {3, 5}}}),
                       doctest::Contains("differs from the others outside dim 1"), sg::ShapeError);
  // the one missing input size along dim follows from the output
  Symbol c = concat({a, b}) + var("o");
  CHECK(c.infer_shape({{"a", {2, 3}}, {"o", {2, 8}}}).arg_shapes[1] == S{2, 5});
  CHECK(concat({a, b}).list_arguments() == std::vector<std::string>{"a", "b"});
  CHECK(check_gradient(concat({a, b}, {.dim = -1}), {{"a", {2, 3}}, {"b", {2, 2}}}) == 10);

  Symbol x = var("x");
  Symbol s = split(x, {.num_outputs = 3, .axis = 1});
  CHECK(s.size() == 3);
  CHECK(s.list_outputs() == std::vector<std::string>{"split0_output0", "split0_output1", "split0_output2"});
  auto shp = s.infer_shape({{"x", {2, 6}}});
  CHECK(shp.out_shapes == std::vector<S>{{2, 2}, {2, 2}, {2, 2}});
  CHECK(split(x, {.num_outputs = 3, .axis = 1, .squeeze_axis = true})
            .infer_shape({{"x", {2, 3, 4}}})
            .out_shapes[0] == S{2, 4});
  CHECK_THROWS_WITH_AS(s.infer_shape({{"x", {2, 7}}}), doctest::Contains("3 does not divide 7"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(
      split(x, {.num_outputs = 2, .axis = 1, .squeeze_axis = true}).infer_shape({{"x", {2, 4}}}),
      doctest::Contains("squeeze_axis"), sg::ShapeError);
  CHECK(slice_channel(x, {.num_outputs = 2}).name()->starts_with("slicechannel"));
  // the input's shape follows from an output
  Symbol t = split(x, {.num_outputs = 4, .axis = 1, .squeeze_axis = true})[2] + var("y");
  CHECK(t.infer_shape({{"y", {5, 7}}}).arg_shapes[0] == S{5, 4, 7});
  // gradient: every output, and only some of them (zeros for the rest)
  CHECK(check_gradient(s, {{"x", {2, 6}}}) == 12);
  CHECK(check_gradient(s[1] * 2.0, {{"x", {2, 6}}}) == 12);
}

TEST_CASE("slice and slice_axis") {
  Symbol x = var("x");
  auto xv = sg::NDArray({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}});
  CHECK(eval(slice(x, {.begin = {0, 1}, .end = {2, 3}}), {{"x", xv}}) == std::vector<float>{1, 2, 5, 6});
  CHECK(eval(slice(x, {.begin = {None, None}, .end = {None, None}, .step = {-1, 2}}), {{"x", xv}}) ==
        std::vector<float>{8, 10, 4, 6, 0, 2});
  CHECK(eval(slice(x, {.begin = {-1}, .end = {None}}), {{"x", xv}}) == std::vector<float>{8, 9, 10, 11});
  CHECK(eval(slice_axis(x, {.axis = 1, .begin = -2}), {{"x", xv}}) == std::vector<float>{2, 3, 6, 7, 10, 11});
  CHECK(eval(slice_axis(x, {.axis = 0, .begin = 1, .end = 2}), {{"x", xv}}) ==
        std::vector<float>{4, 5, 6, 7});
  CHECK_THROWS_WITH_AS(out_shape(slice(x, {.begin = {2}, .end = {1}}), {{"x", {3, 4}}}),
                       doctest::Contains("empty"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(slice(x, {.begin = {0}, .end = {1}, .step = {0}}), {{"x", {3, 4}}}),
                       doctest::Contains("step cannot be 0"), sg::ShapeError);
  CHECK_THROWS_AS(out_shape(slice_axis(x, {.axis = 2, .begin = 0}), {{"x", {3, 4}}}), sg::ShapeError);
  CHECK(check_gradient(slice(x, {.begin = {1, None}, .end = {None, None}, .step = {1, -2}}),
                       {{"x", {3, 4}}}) == 12);
  CHECK(check_gradient(slice_axis(x, {.axis = -1, .begin = 1, .end = 3}), {{"x", {3, 4}}}) == 12);
}

TEST_CASE("tile and repeat") {
  Symbol x = var("x");
  auto xv = sg::NDArray({{1, 2}, {3, 4}});
  CHECK(out_shape(tile(x, {2, 3}), {{"x", {2, 2}}}) == S{4, 6});
  CHECK(out_shape(tile(x, {2}), {{"x", {2, 2}}}) == S{2, 4});
  CHECK(out_shape(tile(x, {2, 1, 1}), {{"x", {2, 2}}}) == S{2, 2, 2});
  CHECK(eval(tile(x, {1, 2}), {{"x", xv}}) == std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4});
  CHECK(eval(repeat(x, {.repeats = 2, .axis = 1}), {{"x", xv}}) ==
        std::vector<float>{1, 1, 2, 2, 3, 3, 4, 4});
  CHECK(eval(repeat(x, {.repeats = 2}), {{"x", xv}}) == std::vector<float>{1, 1, 2, 2, 3, 3, 4, 4});
  CHECK(out_shape(repeat(x, {.repeats = 3}), {{"x", {2, 2}}}) == S{12});
  CHECK(eval(repeat(x, {.repeats = 2, .axis = 0}), {{"x", xv}}) ==
        std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4});
  CHECK_THROWS_AS(out_shape(tile(x, {0}), {{"x", {2}}}), sg::ShapeError);
  CHECK_THROWS_AS(out_shape(repeat(x, {.repeats = 2, .axis = 2}), {{"x", {2, 2}}}), sg::ShapeError);
  CHECK(check_gradient(tile(x, {2, 1, 3}), {{"x", {2, 3}}}) == 6);
  CHECK(check_gradient(repeat(x, {.repeats = 3, .axis = -1}), {{"x", {2, 3}}}) == 6);
}

TEST_CASE("shape rules: sizes beyond int64 are ShapeErrors naming the operator, from a loaded file too") {
  using Attrs = std::vector<std::pair<std::string, std::string>>;
  // One operator node over `inputs` variables, with the attributes as a symbol file gives them.
  auto one_op = [](const std::string& op, const Attrs& attrs, int inputs) {
    std::string nodes, ins, a;
    for (int i = 0; i < inputs; ++i) {
      nodes += "{\"op\": \"null\", \"name\": \"in" + std::to_string(i) + "\", \"inputs\": []}, ";
      ins += (i ? ", [" : "[") + std::to_string(i) + ", 0, 0]";
    }
    for (const auto& [k, v] : attrs) a += (a.empty() ? "\"" : ", \"") + k + "\": \"" + v + "\"";
    return Symbol::load_json("{\"nodes\": [" + nodes + "{\"op\": \"" + op +
                             "\", \"name\": \"n\", \"attrs\": {" + a + "}, \"inputs\": [" + ins +
                             "]}], \"heads\": [[" + std::to_string(inputs) + ", 0, 0]]}");
  };
  const std::string e62 = "4611686018427387904", max = "9223372036854775807";
  struct Case {
    std::string op;
    Attrs attrs;
    int inputs;
    S data;
  };
  const std::vector<Case> cases{
      {"tile", {{"reps", "(" + e62 + ", 1)"}}, 1, S{4, 2}},
      {"repeat", {{"repeats", e62}, {"axis", "0"}}, 1, S{4, 2}},
      {"UpSampling", {{"scale", e62}, {"sample_type", "nearest"}, {"num_args", "1"}}, 1, S{1, 1, 4, 4}},
      {"Pad", {{"mode", "constant"}, {"pad_width", "(0, 0, 0, 0, " + max + ", 1, 0, 0)"}}, 1, S{1, 1, 2, 2}},
      {"Convolution",
       {{"kernel", "(1, 1)"}, {"num_filter", "1"}, {"pad", "(" + e62 + ", 0)"}},
       3,
       S{1, 1, 2, 2}},
      {"Pooling", {{"kernel", "(1, 1)"}, {"pad", "(" + e62 + ", 0)"}}, 1, S{1, 1, 2, 2}},
      {"Deconvolution",
       {{"kernel", "(2, 2)"}, {"num_filter", "1"}, {"stride", "(" + e62 + ", 1)"}},
       2,
       S{1, 1, 3, 2}},
      {"RNN", {{"state_size", e62}, {"num_layers", "1"}, {"mode", "lstm"}}, 4, S{2, 1, 3}},
      {"RNN", {{"state_size", "8"}, {"num_layers", e62}, {"mode", "gru"}}, 3, S{2, 1, 3}},
  };
  for (const Case& c : cases) {
    INFO(c.op << " " << c.attrs[0].first << "=" << c.attrs[0].second);
    Symbol s = one_op(c.op, c.attrs, c.inputs);
    auto m = testing::error_message<sg::ShapeError>([&] { s.infer_shape({{"in0", c.data}}); });
    CHECK(m.find("n (" + c.op + ")") != std::string::npos);
    CHECK(m.find("does not fit in a 64-bit integer") != std::string::npos);
  }
}

TEST_CASE("broadcast_* operators") {
  Symbol a = var("a"), b = var("b");
  CHECK(out_shape(broadcast_add(a, b), {{"a", {2, 1, 4}}, {"b", {3, 1}}}) == S{2, 3, 4});
  CHECK(out_shape(broadcast_mul(a, b), {{"a", {4}}, {"b", {2, 4}}}) == S{2, 4});
  CHECK_THROWS_WITH_AS(out_shape(broadcast_sub(a, b), {{"a", {2, 3}}, {"b", {2, 4}}}),
                       doctest::Contains("could not be broadcast together with shapes (2, 3) and (2, 4)"),
                       sg::ShapeError);
  CHECK(eval(broadcast_sub(a, b), {{"a", sg::NDArray({{1, 2}, {3, 4}})}, {"b", sg::NDArray({10, 20})}}) ==
        std::vector<float>{-9, -18, -7, -16});
  sg::ShapeDict s{{"a", {2, 1, 3}}, {"b", {4, 1}}};
  CHECK(check_gradient(broadcast_add(a, b), s) == 10);
  CHECK(check_gradient(broadcast_sub(a, b), s) == 10);
  CHECK(check_gradient(broadcast_mul(a, b), s) == 10);
  CHECK(check_gradient(broadcast_div(a, b), s, {.domain = {{"b", {0.5, 2}}}}) == 10);
  CHECK(check_gradient(broadcast_maximum(a, b), s) == 10);
  CHECK(check_gradient(broadcast_minimum(a, b), s) == 10);
  CHECK(check_gradient(broadcast_power(a, b), s, {.domain = {{"a", {0.5, 2}}}}) == 10);
  CHECK(check_gradient(broadcast_mul(a, b), {{"a", {3, 2}}, {"b", {3, 2}}}) == 12);  // equal shapes
}

TEST_CASE("stack: shapes both ways and the errors") {
  Symbol a = var("a"), b = var("b");
  CHECK(out_shape(stack({a, b}, {.axis = 1}), {{"a", {2, 3}}, {"b", {2, 3}}}) == S{2, 2, 3});
  CHECK(out_shape(stack({a, b}, {.axis = -1}), {{"a", {2, 3}}}) == S{2, 3, 2});
  auto r = stack({a, b}).infer_shape({{"a", {4}}});
  CHECK(r.arg_shapes.at(1) == S{4});
  CHECK_THROWS_WITH_AS(out_shape(stack({a, b}), {{"a", {2, 3}}, {"b", {2, 4}}}),
                       doctest::Contains("need one shape"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(stack({a, b}, {.axis = 3}), {{"a", {2, 3}}, {"b", {2, 3}}}),
                       doctest::Contains("out of range"), sg::ShapeError);
}

TEST_CASE("elementwise maximum, minimum, power, clip and the new unary functions") {
  Symbol a = var("a"), b = var("b");
  sg::ShapeDict s{{"a", {3, 4}}, {"b", {3, 4}}};
  CHECK(check_gradient(maximum(a, b), s) == 24);
  CHECK(check_gradient(minimum(a, b), s) == 24);
  CHECK(check_gradient(power(a, b), s, {.domain = {{"a", {0.5, 2}}}}) == 24);
  sg::ShapeDict sa{{"a", {3, 4}}};
  CHECK(check_gradient(maximum(a, 0.2), sa) == 12);
  CHECK(check_gradient(minimum(a, 0.2), sa) == 12);
  CHECK(check_gradient(power(a, 3.0), sa) == 12);
  CHECK(check_gradient(power(2.0, a), sa) == 12);
  CHECK(check_gradient(clip(a, -0.5, 0.5), sa) == 12);
  CHECK(eval(clip(a, -1, 1), {{"a", sg::NDArray({-3, 0.5, 2})}}) == std::vector<float>{-1, 0.5, 1});
  CHECK_THROWS_AS(clip(a, 1, -1), sg::ValueError);
  {  // NaN passes through clip in the SIMD lanes and in the scalar tail alike (as on the GPU)
    std::vector<float> xs(19, std::nanf(""));
    xs[3] = -3;
    xs[17] = 3;
    auto y = eval(clip(a, -1, 1), {{"a", sg::NDArray(xs, sg::Shape{19})}});
    for (std::size_t i = 0; i < y.size(); ++i)
      CHECK((i == 3 ? y[i] == -1 : i == 17 ? y[i] == 1 : std::isnan(y[i])));
  }
  CHECK(check_gradient(reciprocal(a), sa, {.low = 0.5, .high = 2}) == 12);
  CHECK(check_gradient(rsqrt(a), sa, {.low = 0.5, .high = 2}) == 12);
  CHECK(check_gradient(log1p(a), sa, {.low = 0, .high = 2}) == 12);
  CHECK(check_gradient(expm1(a), sa) == 12);
  CHECK(check_gradient(sin(a), sa) == 12);
  CHECK(check_gradient(cos(a), sa) == 12);
  CHECK(check_gradient(sign(a), sa) == 12);
  CHECK(eval(sign(a), {{"a", sg::NDArray({-3, 0, 2})}}) == std::vector<float>{-1, 0, 1});
  {  // comparisons: 1 or 0 (NaN compares false: not_equal gives 1), from functions and operators
    auto x = sg::NDArray({-3.0, 0.5, std::nan(""), 2.0});
    CHECK(eval(equal(a, 0.5), {{"a", x}}) == std::vector<float>{0, 1, 0, 0});
    CHECK(eval(not_equal(a, 0.5), {{"a", x}}) == std::vector<float>{1, 0, 1, 1});
    CHECK(eval(a > 0.0, {{"a", x}}) == std::vector<float>{0, 1, 0, 1});
    CHECK(eval(0.5 >= a, {{"a", x}}) == std::vector<float>{1, 1, 0, 0});
    CHECK(eval(a < b, {{"a", x}, {"b", sg::NDArray({-4.0, 1.0, 0.0, 2.0})}}) ==
          std::vector<float>{0, 1, 0, 0});
    CHECK(eval(a <= b, {{"a", x}, {"b", sg::NDArray({-4.0, 1.0, 0.0, 2.0})}}) ==
          std::vector<float>{0, 1, 0, 1});
    CHECK((a > 0.0).name()->starts_with("_greater_scalar"));
  }
  CHECK((a + b).name()->starts_with("_plus"));
  CHECK(maximum(a, b).name()->starts_with("_maximum"));
  CHECK(power(a, 2.0).name()->starts_with("_powerscalar"));
}

TEST_CASE("reductions: sum, mean, max, min, prod, norm") {
  Symbol x = var("x");
  CHECK(out_shape(sum(x), {{"x", {2, 3}}}) == S{1});
  CHECK(out_shape(sum(x, {.axis = {1}}), {{"x", {2, 3, 4}}}) == S{2, 4});
  CHECK(out_shape(sum(x, {.axis = {1}, .keepdims = true}), {{"x", {2, 3, 4}}}) == S{2, 1, 4});
  CHECK(out_shape(mean(x, {.axis = {1}, .exclude = true}), {{"x", {2, 3, 4}}}) == S{3});
  CHECK(out_shape(max(x, {.axis = {-1, 0}}), {{"x", {2, 3, 4}}}) == S{3});
  CHECK_THROWS_WITH_AS(out_shape(sum(x, {.axis = {3}}), {{"x", {2, 3, 4}}}), doctest::Contains("exceeds"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(sum(x, {.axis = {1, -2}}), {{"x", {2, 3, 4}}}),
                       doctest::Contains("duplicates"), sg::ShapeError);
  auto xv = sg::NDArray({{1, -2, 3}, {4, 5, -6}});
  CHECK(eval(sum(x, {.axis = {0}}), {{"x", xv}}) == std::vector<float>{5, 3, -3});
  CHECK(eval(mean(x, {.axis = {1}}), {{"x", xv}}) == std::vector<float>{2.0f / 3, 1});
  CHECK(eval(max(x, {.axis = {1}}), {{"x", xv}}) == std::vector<float>{3, 5});
  CHECK(eval(min(x), {{"x", xv}}) == std::vector<float>{-6});
  CHECK(eval(prod(x, {.axis = {0}}), {{"x", xv}}) == std::vector<float>{4, -10, -18});
  CHECK(eval(norm(x), {{"x", xv}})[0] == doctest::Approx(std::sqrt(91.0)));
  CHECK(eval(norm(x, {.ord = 1, .axis = {1}}), {{"x", xv}}) == std::vector<float>{6, 15});
  sg::ShapeDict s{{"x", {2, 3, 4}}};
  CHECK(check_gradient(sum(x), s) == 24);
  CHECK(check_gradient(sum(x, {.axis = {0, 2}, .keepdims = true}), s) == 24);
  CHECK(check_gradient(mean(x, {.axis = {1}}), s) == 24);
  CHECK(check_gradient(mean(x, {.axis = {1}, .exclude = true}), s) == 24);
  CHECK(check_gradient(max(x, {.axis = {2}}), s) == 24);
  CHECK(check_gradient(min(x, {.axis = {0}}), s) == 24);
  CHECK(check_gradient(prod(x, {.axis = {1}}), s, {.low = 0.5, .high = 1.5}) == 24);
  CHECK(check_gradient(norm(x, {.axis = {2}}), s) == 24);
  CHECK(check_gradient(norm(x, {.ord = 1}), s) == 24);
  CHECK_THROWS_AS(norm(x, {.ord = 3}), sg::ValueError);
}

TEST_CASE("dot and batch_dot") {
  Symbol a = var("a"), b = var("b");
  CHECK(out_shape(dot(a, b), {{"a", {2, 3}}, {"b", {3, 4}}}) == S{2, 4});
  CHECK(out_shape(dot(a, b, {.transpose_a = true}), {{"a", {3, 2}}, {"b", {3, 4}}}) == S{2, 4});
  CHECK(out_shape(dot(a, b, {.transpose_b = true}), {{"a", {2, 3}}, {"b", {4, 3}}}) == S{2, 4});
  CHECK(out_shape(dot(a, b), {{"a", {2, 5, 3}}, {"b", {3, 4, 6}}}) == S{2, 5, 4, 6});
  CHECK(out_shape(dot(a, b), {{"a", {3}}, {"b", {3}}}) == S{1});
  CHECK(out_shape(batch_dot(a, b), {{"a", {7, 2, 3}}, {"b", {7, 3, 4}}}) == S{7, 2, 4});
  CHECK(out_shape(batch_dot(a, b, {.transpose_a = true, .transpose_b = true}),
                  {{"a", {7, 3, 2}}, {"b", {7, 4, 3}}}) == S{7, 2, 4});
  CHECK_THROWS_WITH_AS(out_shape(dot(a, b), {{"a", {2, 3}}, {"b", {4, 3}}}),
                       doctest::Contains("contracted dimensions differ"), sg::ShapeError);
  CHECK_THROWS_AS(out_shape(batch_dot(a, b), {{"a", {7, 2, 3}}, {"b", {6, 3, 4}}}), sg::ShapeError);
  CHECK(eval(dot(a, b), {{"a", sg::NDArray({{1, 2}, {3, 4}})}, {"b", sg::NDArray({{5}, {6}})}}) ==
        std::vector<float>{17, 39});
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      CAPTURE(ta);
      CAPTURE(tb);
      S sa = ta ? S{3, 2} : S{2, 3}, sb = tb ? S{4, 3} : S{3, 4};
      CHECK(check_gradient(dot(a, b, {.transpose_a = ta, .transpose_b = tb}), {{"a", sa}, {"b", sb}}) == 18);
      S ba = ta ? S{2, 3, 2} : S{2, 2, 3}, bb = tb ? S{2, 4, 3} : S{2, 3, 4};
      CHECK(check_gradient(batch_dot(a, b, {.transpose_a = ta, .transpose_b = tb}), {{"a", ba}, {"b", bb}}) ==
            36);
    }
  CHECK(check_gradient(dot(a, b), {{"a", {2, 2, 3}}, {"b", {3, 2}}}) == 18);
}

TEST_CASE("typed shape operators: static shapes through reshape, transpose, concat, dot") {
  auto x = var<"x">(sg::shape<sg::dyn, 6>);
  auto r = reshape<-1, 2, 3>(x);
  static_assert(decltype(r)::shape == S{sg::dyn, 2, 3});
  auto t = transpose<0, 2, 1>(r);
  static_assert(decltype(t)::shape == S{sg::dyn, 3, 2});
  auto f = flatten(t);
  static_assert(decltype(f)::shape == S{sg::dyn, 6});
  auto c = concat<1>(f, x);
  static_assert(decltype(c)::shape == S{sg::dyn, 12});
  auto e = expand_dims<1>(x);
  static_assert(decltype(e)::shape == S{sg::dyn, 1, 6});
  auto w = var<"w">(sg::shape<12, 5>);
  auto d = dot(c, w);
  static_assert(decltype(d)::shape == S{sg::dyn, 5});
  auto bd = batch_dot<false, true>(r, r);
  static_assert(decltype(bd)::shape == S{sg::dyn, 2, 2});
  Symbol s = d;
  CHECK(s.infer_shape({{"x", {4, 6}}}).out_shapes[0] == S{4, 5});
  CHECK(check_gradient(square(d) + 1.0, {{"x", {2, 6}}}) == 12 + 60);
}

TEST_CASE("operators round-trip through the registry") {
  Symbol x = var("x"), y = var("y");
  std::vector<Symbol> syms{reshape(x, {.shape = {-1, 0}, .reverse = true}),
                           flatten(x),
                           expand_dims(x, -1),
                           transpose(x, {1, 0}),
                           swapaxes(x, 0, 1),
                           concat({x, y}, {.dim = 0}),
                           split(x, {.num_outputs = 2, .axis = 0, .squeeze_axis = true}),
                           slice(x, {.begin = {1, None}, .end = {None, -1}, .step = {1, -1}}),
                           slice_axis(x, {.axis = 1, .begin = 0, .end = 2}),
                           tile(x, {2, 2}),
                           repeat(x, {.repeats = 2, .axis = 0}),
                           broadcast_power(x, y),
                           sum(x, {.axis = {1}, .keepdims = true}),
                           norm(x, {.ord = 1}),
                           dot(x, y, {.transpose_b = true}),
                           batch_dot(x, y, {.transpose_a = true}),
                           clip(x, -1, 2),
                           maximum(x, 3.0),
                           fully_connected(x, {.num_hidden = 3, .no_bias = true}),
                           make_loss(x, {.normalization = "valid"})};
  for (const auto& s : syms) {
    const auto& n = *s.entries()[0].node;
    CAPTURE(n.op->type_name());
    auto op = sg::ops::create_op(n.op->type_name(), n.op->attrs(), n.inputs.size());
    CHECK(op->type_name() == n.op->type_name());
    CHECK(op->attrs() == n.op->attrs());
  }
  CHECK_THROWS_WITH_AS(sg::ops::create_op("FullyConnectd", {}, 1),
                       doctest::Contains("Did you mean 'FullyConnected'"), sg::NameError);
}

TEST_CASE("typed broadcast operators fuse into one kernel, forward and backward") {
  auto a = var<"a">(sg::shape<2, 1, 3>);
  auto b = var<"b">(sg::shape<4, 1>);
  auto c = var<"c">(sg::shape<3>);
  auto e = broadcast_sub(broadcast_mul(exp(a) + 1.0, b), broadcast_add(b, c) * 2.0);
  static_assert(decltype(e)::shape == S{2, 4, 3});
  Symbol s = e;
  auto ex = s.simple_bind(sg::cpu(), {});
  auto steps = ex.debug_str();
  CHECK(steps.find("_fused[") != std::string::npos);
  CHECK(steps.find("broadcast_mul0") == std::string::npos);  // the inner nodes are gone
  CHECK(check_gradient(s, {}) == 6 + 4 + 3);
  // the same graph without fusion gives the same numbers
  Symbol av = var("a"), bv = var("b"), cv = var("c");
  Symbol plain = broadcast_sub(broadcast_mul(exp(av) + 1.0, bv), broadcast_add(bv, cv) * 2.0);
  auto in_a = sg::nd::random::uniform(-1, 1, {2, 1, 3}, {.seed = 1});
  auto in_b = sg::nd::random::uniform(-1, 1, {4, 1}, {.seed = 2});
  auto in_c = sg::nd::random::uniform(-1, 1, {3}, {.seed = 3});
  auto head = sg::nd::random::uniform(-1, 1, {2, 4, 3}, {.seed = 4});
  auto run = [&](const Symbol& sym) {
    auto x = sym.simple_bind(sg::cpu(), {{"a", {2, 1, 3}}, {"b", {4, 1}}, {"c", {3}}});
    x.forward(true, {{"a", in_a}, {"b", in_b}, {"c", in_c}});
    x.backward(head);
    std::vector<sg::NDArray> r{x.outputs()[0].copy()};
    for (auto& g : x.grad_arrays()) r.push_back(g.copy());
    return r;
  };
  auto f = run(s), p = run(plain);
  for (std::size_t i = 0; i < f.size(); ++i) CHECK(sg::nd::max_abs_diff(f[i], p[i]) < 1e-5);
  // broadcasting against a large operand, through the SIMD rows
  auto big = var<"big">(sg::shape<64, 37>);
  auto row = var<"row">(sg::shape<37>);
  Symbol t = broadcast_div(square(big), broadcast_add(row, row * row) + 2.0);
  CHECK(check_gradient(t, {}, {.rtol = 1e-4}) == 64 * 37 + 37);
}

TEST_CASE("typed reductions, tile, repeat, one_hot, argmax, swapaxes, softmax keep static shapes") {
  auto x = var<"x">(sg::shape<sg::dyn, 3, 4>);
  static_assert(decltype(sum<1>(x))::shape == S{sg::dyn, 4});
  static_assert(decltype(sum<>(x))::shape == S{1});
  static_assert(decltype(mean_keepdims<-1>(x))::shape == S{sg::dyn, 3, 1});
  static_assert(decltype(tile<2, 1, 3>(x))::shape == S{sg::dyn, 3, 12});
  static_assert(decltype(repeat<2, 1>(x))::shape == S{sg::dyn, 6, 4});
  static_assert(decltype(one_hot<5>(x))::shape == S{sg::dyn, 3, 4, 5});
  static_assert(decltype(argmax<2>(x))::shape == S{sg::dyn, 3});
  static_assert(decltype(swapaxes<1, 2>(x))::shape == S{sg::dyn, 4, 3});
  static_assert(decltype(softmax(x))::shape == S{sg::dyn, 3, 4});
  static_assert(decltype(dropout(x))::shape == S{sg::dyn, 3, 4});
  static_assert(decltype(activation(x, {.act_type = "relu"}))::shape == S{sg::dyn, 3, 4});
  Symbol s = sum<1>(tile<1, 2>(x));
  CHECK(s.infer_shape({{"x", {5, 3, 4}}}).out_shapes[0] == S{5, 8});
  CHECK(check_gradient(s, {{"x", {2, 3, 4}}}) == 24);
}
