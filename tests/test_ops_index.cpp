// topk, sort, argsort, gather_nd, scatter_nd: values against hand-worked cases, float64 gradient
// checks, shape rules both ways and their errors, symbol JSON under MXNet's names.
#include <doctest/doctest.h>

#include <cmath>
#include <symgrad/symgrad.hpp>

#include "alloc_counter.hpp"
#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;
using testing::check_gradient;
using S = sg::Shape;

namespace {
S out_shape(const Symbol& s, const sg::ShapeDict& in, std::size_t i = 0) {
  return s.infer_shape(in).out_shapes.at(i);
}
std::vector<double> eval(const Symbol& s, const std::map<std::string, sg::NDArray>& in, std::size_t out = 0) {
  sg::ShapeDict shapes;
  for (const auto& [k, v] : in) shapes[k] = v.shape();
  auto ex = s.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
  for (const auto& [k, v] : in) ex.arg_dict().at(k).copy_from(v);
  return ex.forward(false)[out].to_vector<double>();
}
using V = std::vector<double>;
}  // namespace

TEST_CASE("topk, sort, argsort: values, ties, NaN, dtypes") {
  Symbol d = var("data");
  // two rows of (2, 5); row 0 has ties
  sg::NDArray x(std::vector<float>{3, 1, 3, 2, 1, 0.5f, -2, 4, 0, 1}, S{2, 5});
  auto in = std::map<std::string, sg::NDArray>{{"data", x}};
  CHECK(eval(topk(d, {.k = 2}), in) == V{0, 2, 2, 4});
  CHECK(eval(topk(d, {.k = 2, .ret_typ = "value"}), in) == V{3, 3, 4, 1});
  CHECK(eval(topk(d, {.k = 2, .is_ascend = true}), in) == V{1, 4, 1, 3});
  CHECK(eval(topk(d, {.k = 2, .ret_typ = "mask"}), in) == V{1, 0, 1, 0, 0, 0, 0, 1, 0, 1});
  auto both = topk(d, {.k = 3, .ret_typ = "both", .dtype = sg::DType::int32, .name = "t"});
  CHECK(both.list_outputs() == std::vector<std::string>{"t_output0", "t_output1"});
  CHECK(eval(both, in, 0) == V{3, 3, 2, 4, 1, 0.5});
  CHECK(eval(both, in, 1) == V{0, 2, 3, 2, 4, 0});
  auto types = both.infer_type({{"data", sg::DType::float64}}).out_types;
  CHECK(types.at(0) == sg::DType::float64);
  CHECK(types.at(1) == sg::DType::int32);
  // k < 1: the whole row; axis 0; axis None over the flattened data
  CHECK(eval(topk(d, {.k = 0, .ret_typ = "value"}), in) == V{3, 3, 2, 1, 1, 4, 1, 0.5, 0, -2});
  CHECK(eval(topk(d, {.axis = 0, .k = 1}), in) == V{0, 0, 1, 0, 0});
  CHECK(eval(topk(d, {.axis = std::nullopt, .k = 3, .ret_typ = "value"}), in) == V{4, 3, 3});
  CHECK(eval(topk(d, {.axis = std::nullopt, .k = 3}), in) == V{7, 0, 2});
  CHECK(eval(sort(d), in) == V{1, 1, 2, 3, 3, -2, 0, 0.5, 1, 4});
  CHECK(eval(sort(d, {.is_ascend = false}), in) == V{3, 3, 2, 1, 1, 4, 1, 0.5, 0, -2});
  CHECK(eval(argsort(d), in) == V{1, 4, 3, 0, 2, 1, 3, 0, 4, 2});
  CHECK(eval(argsort(d, {.is_ascend = false}), in) == V{0, 2, 3, 1, 4, 2, 4, 0, 3, 1});
  CHECK(eval(argsort(d, {.axis = std::nullopt}), in).size() == 10);
  // NaN sorts after every number, before them when descending
  sg::NDArray n({1.0, std::nan(""), -1.0});
  CHECK(eval(argsort(d), {{"data", n}}) == V{2, 0, 1});
  CHECK(eval(argsort(d, {.is_ascend = false}), {{"data", n}}) == V{1, 0, 2});
  // integer data
  auto xi = sg::NDArray({5.0, 9.0, 7.0}).astype(sg::DType::int32);
  CHECK(eval(topk(d, {.k = 2, .ret_typ = "value"}), {{"data", xi}}) == V{9, 7});
  CHECK(eval(argsort(d, {.dtype = sg::DType::int64}), {{"data", xi}}) == V{0, 2, 1});
}

TEST_CASE("topk, sort, argsort: gradients") {
  Symbol d = var("data");
  const sg::ShapeDict sh{{"data", {2, 4, 3}}};
  CHECK(check_gradient(topk(d, {.axis = 1, .k = 2, .ret_typ = "value"}), sh) == 24);
  CHECK(check_gradient(topk(d, {.k = 2, .ret_typ = "value", .is_ascend = true}), sh) == 24);
  CHECK(check_gradient(topk(d, {.axis = std::nullopt, .k = 5, .ret_typ = "value"}), sh) == 24);
  CHECK(check_gradient(topk(d, {.axis = 0, .k = 1, .ret_typ = "both", .dtype = sg::DType::float64}), sh) ==
        24);
  CHECK(check_gradient(sort(d, {.axis = 1, .is_ascend = false}), sh) == 24);
  CHECK(check_gradient(sort(d, {.axis = std::nullopt}), sh) == 24);
  // indices, masks and argsort pass no gradient: the data's is zero
  for (const Symbol& s : {topk(d, {.k = 0}), topk(d, {.k = 2, .ret_typ = "mask"}), argsort(d)}) {
    auto ex = (s + d).simple_bind(sg::cpu(), sh, {.grad_req = "write"});
    ex.forward(true);
    ex.backward({sg::nd::ones(out_shape(s + d, sh))});
    for (double g : ex.grad_dict().at("data").to_vector<double>()) CHECK(g == 1);
  }
}

TEST_CASE("topk, sort, argsort: shapes both ways, JSON, errors") {
  Symbol d = var("data");
  CHECK(out_shape(topk(d, {.k = 2}), {{"data", {2, 5, 3}}}) == S{2, 5, 2});
  CHECK(out_shape(topk(d, {.axis = 1, .k = 2}), {{"data", {2, 5, 3}}}) == S{2, 2, 3});
  CHECK(out_shape(topk(d, {.k = 2, .ret_typ = "mask"}), {{"data", {2, 5, 3}}}) == S{2, 5, 3});
  CHECK(out_shape(topk(d, {.axis = std::nullopt, .k = 4}), {{"data", {2, 5, 3}}}) == S{4});
  CHECK(out_shape(sort(d, {.axis = std::nullopt}), {{"data", {2, 5, 3}}}) == S{30});
  CHECK(out_shape(argsort(d), {{"data", {2, 5, 3}}}) == S{2, 5, 3});
  auto both = topk(d, {.axis = 0, .k = 2, .ret_typ = "both"});
  CHECK(out_shape(both, {{"data", {4, 3}}}, 1) == S{2, 3});
  // from the output back to the data: all of it where the rows are whole, else all but the axis
  Symbol y = var("y");
  CHECK((sort(d) + y).infer_shape_partial({{"y", {4, 3}}}).arg_shapes.at(0) == S{4, 3});
  CHECK((topk(d, {.k = 2, .ret_typ = "mask"}) + y).infer_shape_partial({{"y", {4, 3}}}).arg_shapes.at(0) ==
        S{4, 3});
  CHECK((topk(d, {.axis = 0, .k = 2}) + y).infer_shape_partial({{"y", {2, 3}}}).arg_shapes.at(0) ==
        S{sg::dyn, 3});
  // errors
  CHECK_THROWS_WITH_AS(out_shape(topk(d, {.k = 6}), {{"data", {2, 5}}}), doctest::Contains("k=6"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(topk(d, {.axis = 2}), {{"data", {2, 5}}}), doctest::Contains("out of range"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(topk(d, {.ret_typ = "values"}), doctest::Contains("value, indices, mask, both"),
                       sg::ValueError);
  CHECK_THROWS_AS(sg::ops::create_op("sort", {{"k", "2"}}, 1), sg::ValueError);
  CHECK_THROWS_AS(sg::ops::create_op("argsort", {{"dtype", "bfloat16"}}, 1), sg::ValueError);
  // float16 positions are MXNet's, but argsort has no float16 kernel: bind says so
  CHECK_THROWS_WITH_AS(argsort(d, {.dtype = sg::DType::float16}).simple_bind(sg::cpu(), {{"data", {2, 5}}}),
                       doctest::Contains("(operator argsort) has a float16 output 0"), sg::TypeError);
  // JSON: MXNet's names and spellings, None for the flattened data
  Symbol t = topk(d, {.axis = std::nullopt, .k = 3, .ret_typ = "both", .is_ascend = true});
  const std::string js = t.tojson();
  CHECK(js.find("\"axis\": \"None\"") != std::string::npos);
  CHECK(js.find("\"ret_typ\": \"both\"") != std::string::npos);
  CHECK(Symbol::load_json(js).tojson() == js);
  auto op = sg::ops::create_op("topk", {{"axis", "None"}, {"k", "3"}, {"ret_typ", "value"}}, 1);
  CHECK(op->attrs().at("axis") == "None");
  CHECK(op->num_visible_outputs() == 1);
  CHECK(op->outputs().size() == 2);  // the hidden positions, as MXNet's node_row_ptr counts
}

TEST_CASE("gather_nd, scatter_nd: values, negative coordinates, gradients") {
  Symbol d = var("data"), i = var("indices");
  sg::NDArray x(std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, S{3, 4});
  // MXNet 1.9.1 gives 9, 0, 11: negative coordinates count from the end
  CHECK(eval(gather_nd(d, i),
             {{"data", x}, {"indices", sg::NDArray({{-1.0, 0.0, 2.0}, {1.0, -4.0, 3.0}})}}) == V{9, 0, 11});
  // and 0, 6: fractions truncate
  CHECK(eval(gather_nd(d, i), {{"data", x}, {"indices", sg::NDArray({{0.5, 1.9}, {0.2, 2.7}})}}) == V{0, 6});
  CHECK(eval(gather_nd(d, i), {{"data", x}, {"indices", sg::NDArray({{1.0, 2.0}})}}) ==
        V{4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(eval(scatter_nd(d, i, {.shape = {2, 3}}),
             {{"data", sg::NDArray({1.0, 2.0, 3.0})},
              {"indices", sg::NDArray({{0.0, -1.0, 1.0}, {1.0, 2.0, 0.0}})}}) == V{0, 1, 0, 3, 0, 2});
  // repeated coordinates: scatter_nd keeps the last
  CHECK(eval(scatter_nd(d, i, {.shape = {3}}),
             {{"data", sg::NDArray({1.0, 2.0})}, {"indices", sg::NDArray({{1.0, 1.0}})}}) == V{0, 2, 0});
  // out of range, NaN: a ValueError naming the coordinate and the axis
  CHECK_THROWS_WITH_AS(eval(gather_nd(d, i), {{"data", x}, {"indices", sg::NDArray({{0.0}, {4.0}})}}),
                       doctest::Contains("outside [-4, 3] for axis 1"), sg::ValueError);
  CHECK_THROWS_WITH_AS(eval(gather_nd(d, i), {{"data", x}, {"indices", sg::NDArray({{2.5}, {0.0}})}}),
                       doctest::Contains("2.5"), sg::ValueError);
  CHECK_THROWS_AS(eval(gather_nd(d, i), {{"data", x}, {"indices", sg::NDArray({{std::nan("")}, {0.0}})}}),
                  sg::ValueError);
  CHECK_THROWS_AS(eval(scatter_nd(d, i, {.shape = {2}}),
                       {{"data", sg::NDArray({1.0})}, {"indices", sg::NDArray({{-3.0}})}}),
                  sg::ValueError);
  // gradients: repeated and negative coordinates add into the right places
  testing::GradCheckOptions o{
      .inputs = {{"indices",
                  sg::NDArray({{0.0, 2.0, 0.0, -1.0}, {1.0, 3.0, 1.0, 0.0}}).astype(sg::DType::float64)}},
      .skip = {"indices"}};
  CHECK(check_gradient(gather_nd(d, i), {{"data", {3, 4, 2}}, {"indices", {2, 4}}}, o) == 24);
  CHECK(check_gradient(gather_nd(d, i), {{"data", {3, 4}}, {"indices", {2, 4}}}, o) == 12);
  o.inputs["indices"] = sg::NDArray({{0.0, 2.0, 1.0}, {1.0, 3.0, -1.0}}).astype(sg::DType::float64);
  CHECK(check_gradient(scatter_nd(d, i, {.shape = {3, 4, 2}}), {{"data", {3, 2}}, {"indices", {2, 3}}}, o) ==
        6);
}

TEST_CASE("gather_nd, scatter_nd: shapes both ways, JSON, errors") {
  Symbol d = var("data"), i = var("indices");
  CHECK(out_shape(gather_nd(d, i), {{"data", {3, 4, 5}}, {"indices", {2, 6, 7}}}) == S{6, 7, 5});
  CHECK(out_shape(gather_nd(d, i), {{"data", {3, 4, 5}}, {"indices", {3, 6}}}) == S{6});
  CHECK(out_shape(scatter_nd(d, i, {.shape = {3, 4, 5}}), {{"indices", {2, 6, 7}}}) == S{3, 4, 5});
  // scatter_nd: the data's shape from the indices and `shape`
  CHECK(scatter_nd(d, i, {.shape = {3, 4, 5}}).infer_shape({{"indices", {2, 6, 7}}}).arg_shapes.at(0) ==
        S{6, 7, 5});
  // gather_nd: the data's trailing axes from the output
  Symbol y = var("y");
  auto r = (gather_nd(d, i) + y)
               .infer_shape_partial({{"data", S::unknown_dims(3)}, {"indices", {2, 6}}, {"y", {6, 5}}});
  CHECK(r.arg_shapes.at(0) == S{sg::dyn, sg::dyn, 5});
  CHECK_THROWS_WITH_AS(out_shape(gather_nd(d, i), {{"data", {3, 4, 5}}, {"indices", {4, 6}}}),
                       doctest::Contains("holds 4 coordinates"), sg::ShapeError);
  CHECK_THROWS_WITH_AS(out_shape(gather_nd(d, i), {{"data", {3, 4}}, {"indices", {2}}}),
                       doctest::Contains("at least 2 dimensions"), sg::ShapeError);
  CHECK_THROWS_AS(out_shape(scatter_nd(d, i, {.shape = {3, 4}}), {{"data", {6, 7}}, {"indices", {2, 6}}}),
                  sg::ShapeError);
  CHECK_THROWS_WITH_AS(scatter_nd(d, i, {}), doctest::Contains("shape"), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::ops::create_op("scatter_nd", {}, 2), doctest::Contains("required"),
                       sg::ValueError);
  Symbol s = scatter_nd(d, i, {.shape = {3, 4, 5}});
  CHECK(s.tojson().find("\"shape\": \"(3, 4, 5)\"") != std::string::npos);
  CHECK(Symbol::load_json(s.tojson()).tojson() == s.tojson());
  Symbol g = gather_nd(d, i);
  CHECK(Symbol::load_json(g.tojson()).tojson() == g.tojson());
  CHECK(g.infer_type({{"data", sg::DType::float64}}).arg_types.at(1) == sg::DType::float64);
}

TEST_CASE("topk, sort, gather_nd, scatter_nd allocate nothing in forward and backward after bind") {
  Symbol x = var("x"), idx = var("idx");
  std::vector<Symbol> parts{topk(x, {.axis = 1, .k = 2, .ret_typ = "value"}), sort(x, {.axis = 0}),
                            topk(x, {.k = 2, .ret_typ = "mask"}) * x, gather_nd(x, idx),
                            scatter_nd(gather_nd(x, idx), idx, {.shape = {4, 3, 2}})};
  std::vector<Symbol> losses;
  for (const auto& p : parts) losses.push_back(make_loss(sum(p)));
  Executor ex = group(losses).simple_bind(sg::cpu(), {{"x", {4, 3, 2}}, {"idx", {2, 2}}},
                                          {.grad_req = std::map<std::string, std::string>{{"x", "write"}}});
  ex.arg_dict().at("idx").copy_from(sg::NDArray({{2.0, 0.0}, {1.0, 2.0}}));
  ex.forward(true);  // warm-up (thread pool start-up)
  ex.backward();
  testing::AllocCounter counter;
  for (int k = 0; k < 3; ++k) {
    ex.forward(true);
    ex.backward();
  }
  CHECK(counter.count() == 0);
}
