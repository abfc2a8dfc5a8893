// Crop, BilinearResize2D and AdaptiveAvgPooling2D: values against hand-worked cases, float64
// gradient checks, shape rules both ways and their errors, symbol JSON under MXNet's names.
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
using V = std::vector<double>;
// 0, 1, 2, ... in the given shape
sg::NDArray iota(const S& s) {
  std::vector<float> v(static_cast<std::size_t>(s.size()));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return sg::NDArray(v, s);
}
}  // namespace

TEST_CASE("Crop: windows, gradients, shapes, errors") {
  Symbol d = var("data"), l = var("like");
  auto x = iota({1, 1, 4, 5});
  CHECK(eval(Crop(d, {.offset = {1, 2}, .h_w = {2, 2}}), {{"data", x}}) == V{7, 8, 12, 13});
  CHECK(eval(Crop(d, {.h_w = {1, 3}}), {{"data", x}}) == V{0, 1, 2});
  // center: ((4 − 2) / 2, (5 − 2) / 2) = (1, 1)
  CHECK(eval(Crop(d, l, {.center_crop = true}), {{"data", x}, {"like", sg::nd::zeros({3, 7, 2, 2})}}) ==
        V{6, 7, 11, 12});
  CHECK(out_shape(Crop(d, l), {{"data", {2, 3, 8, 8}}, {"like", {1, 1, 4, 5}}}) == S{2, 3, 4, 5});
  // gradients: dy in the window; crop_like gets none
  CHECK(check_gradient(Crop(d, {.offset = {1, 0}, .h_w = {2, 3}}), {{"data", {2, 2, 4, 3}}}) == 48);
  CHECK(check_gradient(Crop(d, l, {.center_crop = true}), {{"data", {1, 2, 5, 4}}, {"like", {1, 1, 2, 3}}},
                       {.skip = {"like"}}) == 40);
  auto ex = Crop(d, l).simple_bind(sg::cpu(), {{"data", {1, 1, 3, 3}}, {"like", {1, 1, 2, 2}}},
                                   {.grad_req = std::vector<std::string>{"write", "write"}});
  ex.forward(true);
  ex.backward({sg::nd::ones({1, 1, 2, 2})});
  for (double g : ex.grad_dict().at("like").to_vector<double>()) CHECK(g == 0);
  // errors
  CHECK_THROWS_WITH_AS(out_shape(Crop(d, {.offset = {3, 0}, .h_w = {2, 2}}), {{"data", {1, 1, 4, 4}}}),
                       doctest::Contains("does not fit"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(Crop(d, {.h_w = {5, 1}}), {{"data", {1, 1, 4, 4}}}),
                       doctest::Contains("does not fit"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(Crop(d, CropOptions{}), {{"data", {1, 1, 4, 4}}}),
                       doctest::Contains("at least (1, 1)"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(Crop(d, {.h_w = {1, 1}}), {{"data", {4, 4}}}), doctest::Contains("4-D"),
                       sg::ShapeError);
  CHECK_THROWS_AS(Crop(d, {.offset = {1}}), sg::ValueError);
  CHECK_THROWS_AS(Crop(d, {.offset = {-1, 0}, .h_w = {1, 1}}), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("Crop", {{"num_args", "2"}}, 1), doctest::Contains("num_args=2"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("Crop", {}, 1), doctest::Contains("required"), sg::ValueError);
  // JSON: MXNet's attributes
  Symbol c = Crop(d, l, {.offset = {1, 1}});
  CHECK(c.list_arguments() == std::vector<std::string>{"data", "like"});
  const std::string js = c.tojson();
  CHECK(js.find("\"num_args\": \"2\"") != std::string::npos);
  CHECK(js.find("\"offset\": \"(1, 1)\"") != std::string::npos);
  CHECK(Symbol::load_json(js).tojson() == js);
}

TEST_CASE("BilinearResize2D: values, modes, gradients, shapes, errors") {
  Symbol d = var("data"), l = var("like");
  // one row 0, 3 on a 1 × 2 image: align_corners puts the ends on the pixels
  sg::NDArray x(std::vector<float>{0, 3}, S{1, 1, 1, 2});
  CHECK(eval(bilinear_resize2d(d, {.height = 1, .width = 4}), {{"data", x}}) == V{0, 1, 2, 3});
  // pixel centres: source x = (j + 0.5) · 2 / 4 − 0.5 = −0.25 (0), 0.25, 0.75, 1.25 (the last pixel)
  CHECK(eval(bilinear_resize2d(d, {.height = 1, .width = 4, .align_corners = false}), {{"data", x}}) ==
        V{0, 0.75, 2.25, 3});
  auto sq = iota({1, 1, 3, 3});
  CHECK(eval(bilinear_resize2d(d, {.height = 2, .width = 2}), {{"data", sq}}) == V{0, 2, 6, 8});
  CHECK(eval(bilinear_resize2d(d, {.height = 3, .width = 3}), {{"data", sq}}) ==
        eval(d * 1.0, {{"data", sq}}));
  // the modes' sizes
  const sg::ShapeDict s57{{"data", {2, 3, 5, 7}}};
  CHECK(out_shape(bilinear_resize2d(d, {.height = 4, .width = 6}), s57) == S{2, 3, 4, 6});
  CHECK(out_shape(bilinear_resize2d(d, {.scale_height = 2.0f, .scale_width = 0.5f}), s57) == S{2, 3, 10, 3});
  // a scale on one axis only: that axis scaled, the other from height/width (MXNet 1.9.1
  // ignores scale_width without scale_height and fails on scale_height alone)
  CHECK(out_shape(bilinear_resize2d(d, {.height = 4, .width = 6, .scale_width = 2.0f}), s57) ==
        S{2, 3, 4, 14});
  CHECK(out_shape(bilinear_resize2d(d, {.scale_height = 2.0f, .scale_width = 0.5f, .mode = "odd_scale"}),
                  s57) == S{2, 3, 9, 4});
  CHECK(out_shape(bilinear_resize2d(d, {.mode = "to_even_down"}), s57) == S{2, 3, 4, 6});
  CHECK(out_shape(bilinear_resize2d(d, {.mode = "to_even_up"}), s57) == S{2, 3, 6, 8});
  CHECK(out_shape(bilinear_resize2d(d, {.mode = "to_odd_down"}), {{"data", {1, 1, 4, 7}}}) == S{1, 1, 3, 7});
  CHECK(out_shape(bilinear_resize2d(d, {.mode = "to_odd_up"}), {{"data", {1, 1, 4, 7}}}) == S{1, 1, 5, 7});
  CHECK(out_shape(bilinear_resize2d(d, l, {.mode = "like"}),
                  {{"data", {2, 3, 5, 7}}, {"like", {9, 9, 2, 8}}}) == S{2, 3, 2, 8});
  // back from the output: the batch and the channels
  Symbol y = var("y");
  CHECK((bilinear_resize2d(d, {.height = 2, .width = 2}) + y)
            .infer_shape_partial({{"y", {4, 3, 2, 2}}})
            .arg_shapes.at(0) == S{4, 3, sg::dyn, sg::dyn});
  // gradients
  for (bool align : {true, false}) {
    CAPTURE(align);
    CHECK(check_gradient(bilinear_resize2d(d, {.height = 5, .width = 2, .align_corners = align}),
                         {{"data", {2, 1, 3, 4}}}) == 24);
    CHECK(check_gradient(bilinear_resize2d(d, {.height = 2, .width = 7, .align_corners = align}),
                         {{"data", {1, 2, 4, 3}}}) == 24);
  }
  CHECK(check_gradient(bilinear_resize2d(d, l, {.mode = "like"}),
                       {{"data", {1, 1, 3, 3}}, {"like", {1, 1, 4, 2}}}, {.skip = {"like"}}) == 9);
  // errors
  CHECK_THROWS_WITH_AS(out_shape(bilinear_resize2d(d, {.scale_height = 0.5f, .mode = "odd_scale"}), s57),
                       doctest::Contains("scale_height and scale_width"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(bilinear_resize2d(d, {.scale_height = 0.1f, .scale_width = 1.0f}), s57),
                       doctest::Contains("at least 1"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(bilinear_resize2d(d, {}), {{"data", {3, 4}}}), doctest::Contains("4-D"),
                       sg::ShapeError);
  CHECK_THROWS_AS(bilinear_resize2d(d, {.mode = "like"}), sg::ValueError);
  CHECK_THROWS_AS(bilinear_resize2d(d, l, {}), sg::ValueError);
  CHECK_THROWS_WITH_AS(bilinear_resize2d(d, {.mode = "area"}), doctest::Contains("to_odd_up"),
                       sg::ValueError);
  CHECK_THROWS_AS(bilinear_resize2d(d, {.height = 0}), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("_contrib_BilinearResize2D", {{"mode", "like"}}, 1),
                       doctest::Contains("2 input"), sg::ValueError);
  // JSON: MXNet's name and spellings
  Symbol b =
      contrib::BilinearResize2D(d, {.height = 4, .width = 6, .scale_height = 1.5f, .align_corners = false});
  CHECK(b.list_outputs().at(0).starts_with("bilinearresize2d"));
  const std::string js = b.tojson();
  CHECK(js.find("\"_contrib_BilinearResize2D\"") != std::string::npos);
  CHECK(js.find("\"align_corners\": \"False\"") != std::string::npos);
  CHECK(js.find("\"scale_height\": \"1.5\"") != std::string::npos);
  CHECK(Symbol::load_json(js).tojson() == js);
}

TEST_CASE("AdaptiveAvgPooling2D: windows, gradients, shapes, errors") {
  Symbol d = var("data");
  auto x = iota({1, 1, 3, 4});
  // rows [0, 2) and [1, 3); columns [0, 2) and [2, 4)
  CHECK(eval(adaptive_avg_pooling2d(d, {.output_size = {2, 2}}), {{"data", x}}) == V{2.5, 4.5, 6.5, 8.5});
  CHECK(eval(adaptive_avg_pooling2d(d), {{"data", x}}) == V{5.5});
  CHECK(eval(adaptive_avg_pooling2d(d, {.output_size = {3, 4}}), {{"data", x}}) ==
        eval(d * 1.0, {{"data", x}}));
  CHECK(out_shape(adaptive_avg_pooling2d(d, {.output_size = {7}}), {{"data", {2, 3, 5, 5}}}) ==
        S{2, 3, 7, 7});
  Symbol y = var("y");
  CHECK((adaptive_avg_pooling2d(d, {.output_size = {2}}) + y)
            .infer_shape_partial({{"y", {4, 3, 2, 2}}})
            .arg_shapes.at(0) == S{4, 3, sg::dyn, sg::dyn});
  CHECK(check_gradient(adaptive_avg_pooling2d(d, {.output_size = {2, 3}}), {{"data", {2, 1, 5, 4}}}) == 40);
  CHECK(check_gradient(adaptive_avg_pooling2d(d, {.output_size = {4, 5}}), {{"data", {1, 2, 3, 3}}}) == 18);
  CHECK_THROWS_WITH_AS(out_shape(adaptive_avg_pooling2d(d), {{"data", {2, 3, 4}}}), doctest::Contains("4-D"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(adaptive_avg_pooling2d(d, {.output_size = {2, 3, 4}}), doctest::Contains("(h, w)"),
                       sg::ValueError);
  CHECK_THROWS_AS(adaptive_avg_pooling2d(d, {.output_size = {0}}), sg::ValueError);
  auto op = sg::ops::create_op("_contrib_AdaptiveAvgPooling2D", {{"output_size", "3"}}, 1);
  CHECK(op->attrs().at("output_size") == "(3,)");
  Symbol a = contrib::AdaptiveAvgPooling2D(d, {.output_size = {2, 3}});
  CHECK(a.list_outputs().at(0).starts_with("adaptiveavgpooling2d"));
  CHECK(a.tojson().find("\"_contrib_AdaptiveAvgPooling2D\"") != std::string::npos);
  CHECK(Symbol::load_json(a.tojson()).tojson() == a.tojson());
}

TEST_CASE(
    "Crop, BilinearResize2D, AdaptiveAvgPooling2D allocate nothing in forward and backward after bind") {
  Symbol x = var("x"), l = var("l");
  std::vector<Symbol> parts{Crop(x, l, {.center_crop = true}), Crop(x, {.h_w = {2, 2}}),
                            bilinear_resize2d(x, {.height = 5, .width = 3}),
                            bilinear_resize2d(x, {.height = 2, .width = 7, .align_corners = false}),
                            adaptive_avg_pooling2d(x, {.output_size = {2, 3}})};
  std::vector<Symbol> losses;
  for (const auto& p : parts) losses.push_back(make_loss(sum(p)));
  Executor ex = group(losses).simple_bind(sg::cpu(), {{"x", {2, 3, 4, 4}}, {"l", {1, 1, 3, 2}}});
  ex.forward(true);  // warm-up (thread pool start-up)
  ex.backward();
  testing::AllocCounter counter;
  for (int k = 0; k < 3; ++k) {
    ex.forward(true);
    ex.backward();
  }
  CHECK(counter.count() == 0);
}
