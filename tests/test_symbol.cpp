// symbol/: names, listing order, groups, indexing, attributes, shape and type inference.
#include <doctest/doctest.h>

#include <symgrad/symgrad.hpp>

namespace sg = symgrad;
using namespace sg::sym;
using Names = std::vector<std::string>;

// The notebook's regression graph.
static Symbol notebook_graph() {
  Symbol x = var("data");
  Symbol y = fully_connected(x, {.num_hidden = 1});
  Symbol label = var("label");
  Symbol loss = make_loss(square(y - label));
  return group({block_grad(y), loss});
}

TEST_CASE("naming and listing follow MXNet") {
  NameManager names;
  Symbol net = notebook_graph();
  CHECK(net.list_arguments() == Names{"data", "fullyconnected0_weight", "fullyconnected0_bias", "label"});
  CHECK(net.list_outputs() == Names{"blockgrad0_output", "makeloss0_output"});
  CHECK(net.list_auxiliary_states().empty());
  CHECK(net.size() == 2);
  CHECK_FALSE(net.name().has_value());
  CHECK(net[1].name() == "makeloss0");
  CHECK(net["blockgrad0_output"].list_outputs() == Names{"blockgrad0_output"});
  CHECK_THROWS_WITH_AS(net["blockgrad_output"], doctest::Contains("Did you mean 'blockgrad0_output'"),
                       sg::NameError);
  CHECK_THROWS_AS(net[2], sg::ValueError);

  Symbol fc2 = fully_connected(var("data"), {.num_hidden = 4, .name = "fc1"});
  CHECK(fc2.list_arguments() == Names{"data", "fc1_weight", "fc1_bias"});
  CHECK(fc2.list_outputs() == Names{"fc1_output"});
  Symbol third = fully_connected(var("data"), {.num_hidden = 4});
  CHECK(third.name() == "fullyconnected1");  // the explicit name used no counter
  Symbol nb = fully_connected(var("x"), {.num_hidden = 4, .no_bias = true, .name = "nb"});
  CHECK(nb.list_arguments() == Names{"x", "nb_weight"});
}

TEST_CASE("operators on symbols get MXNet's automatic names") {
  NameManager names;
  Symbol a = var("a"), b = var("b");
  CHECK((a + b).name() == "_plus0");
  CHECK((a - b).name() == "_minus0");
  CHECK((a * b).name() == "_mul0");
  CHECK((a / b).name() == "_div0");
  CHECK((a + 2.0).name() == "_plusscalar0");
  CHECK((1.0 - a).name() == "_rminusscalar0");
  CHECK((1.0 / a).name() == "_rdivscalar0");
  CHECK(square(a).name() == "square0");
  CHECK(activation(a, {.act_type = "relu"}).name() == "activation0");
  CHECK(block_grad(a).name() == "blockgrad0");
  CHECK(make_loss(a).name() == "makeloss0");
  CHECK(make_loss(a).list_outputs() == Names{"makeloss1_output"});
}

TEST_CASE("auto-created parameters copy the operator's attributes; user attributes") {
  NameManager names;
  Symbol fc = fully_connected(var("data", {.shape = {sg::dyn, 3}, .lr_mult = 2.0}),
                              {.num_hidden = 128, .name = "fc1"});
  auto d = fc.attr_dict();
  CHECK(d.at("fc1").at("num_hidden") == "128");
  CHECK(d.at("fc1_weight").at("num_hidden") == "128");
  CHECK(d.at("data").at("__shape__") == "(0, 3)");
  CHECK(d.at("data").at("__lr_mult__") == "2.0");
  CHECK(fc.attr("num_hidden") == "128");
  CHECK_FALSE(fc.attr("no_bias").has_value());  // defaults are not stored
  fc.set_attr("__ctx_group__", "dev1");
  CHECK(fc.attr("__ctx_group__") == "dev1");
  CHECK_THROWS_AS(fc.set_attr("ctx_group", "x"), sg::ValueError);
  CHECK_THROWS_AS(var("x", {.attrs = {{"bad", "1"}}}), sg::ValueError);
}

TEST_CASE("get_internals and get_children") {
  NameManager names;
  Symbol fc = fully_connected(var("data"), {.num_hidden = 2, .name = "fc1"});
  Symbol act = activation(fc, {.act_type = "relu", .name = "relu1"});
  CHECK(act.get_internals().list_outputs() ==
        Names{"data", "fc1_weight", "fc1_bias", "fc1_output", "relu1_output"});
  CHECK(act.get_internals()["fc1_output"].list_arguments() == Names{"data", "fc1_weight", "fc1_bias"});
  CHECK(act.get_children().list_outputs() == Names{"fc1_output"});
}

TEST_CASE("infer_shape: forward and backward, as the notebook needs") {
  NameManager names;
  Symbol net = notebook_graph();
  auto [args, outs, aux] = net.infer_shape({{"data", {32, 2}}});
  CHECK(args == std::vector<sg::Shape>{{32, 2}, {1, 2}, {1}, {32, 1}});  // label through y - label
  CHECK(outs == std::vector<sg::Shape>{{32, 1}, {32, 1}});
  CHECK(aux.empty());
  // Backwards: the label's shape fixes the output, whose batch size flows into the data.
  Symbol fc = fully_connected(var("data", {.shape = {sg::dyn, 2}}), {.num_hidden = 3});
  Symbol d = fc - var("target");
  auto r = d.infer_shape({{"target", {8, 3}}});
  CHECK(r.arg_shapes[0] == sg::Shape{8, 2});
}

TEST_CASE("infer_shape_partial returns unknowns; infer_shape names them") {
  NameManager names;
  Symbol fc = fully_connected(var("data"), {.num_hidden = 4});
  auto p = fc.infer_shape_partial({});
  CHECK_FALSE(p.arg_shapes[0].rank_known());
  CHECK(p.arg_shapes[2] == sg::Shape{4});  // the bias needs only num_hidden
  CHECK_THROWS_WITH_AS(fc.infer_shape({}), doctest::Contains("data: unknown"), sg::ShapeError);
  auto q = fc.infer_shape_partial({{"data", {sg::dyn, 5}}});
  CHECK(q.arg_shapes[1] == sg::Shape{4, 5});
  CHECK(q.out_shapes[0] == sg::Shape{sg::dyn, 4});
  CHECK_THROWS_WITH(fc.infer_shape({{"data", {sg::dyn, 5}}}), doctest::Contains("data: (?, 5)"));
}

TEST_CASE("infer_shape errors name the node, the operator, the argument and both shapes") {
  NameManager names;
  Symbol net = notebook_graph();
  CHECK_THROWS_WITH_AS(net.infer_shape({{"data", {32, 2}}, {"label", {32, 2}}}),
                       doctest::Contains("_minus0 (elemwise_sub): rhs 'label' has shape (32, 2) but lhs "
                                         "'fullyconnected0_output' has shape (32, 1)"),
                       sg::ShapeError);
  CHECK_THROWS_WITH_AS(net.infer_shape({{"dat", {32, 2}}}), doctest::Contains("Did you mean 'data'?"),
                       sg::NameError);
  Symbol fc = fully_connected(var("data"), {.num_hidden = 4, .name = "fc1"});
  CHECK_THROWS_WITH_AS(fc.infer_shape({{"data", {3, 5}}, {"fc1_weight", {4, 6}}}),
                       doctest::Contains("fc1 (FullyConnected): weight 'fc1_weight' has shape (4, 6) but "
                                         "num_hidden=4 and the data shape (3, 5) requires (4, 5)"),
                       sg::ShapeError);
}

TEST_CASE("two variables with one name and different shapes are an error") {
  NameManager names;
  Symbol a = var("x", {.shape = {2, 4}}), b = var("x", {.shape = {3}});
  Symbol s = group({square(a), square(b)});
  CHECK_THROWS_WITH_AS(
      s.infer_shape({}),
      doctest::Contains("two different variables are named 'x', with shapes (2, 4) and (3,)"), sg::NameError);
}

TEST_CASE("infer_type: float32 by default at bind; float64 flows through") {
  NameManager names;
  Symbol net = notebook_graph();
  auto t = net.infer_type({{"data", sg::DType::float64}});
  for (auto& a : t.arg_types) CHECK(a == sg::DType::float64);
  auto p = fully_connected(var("x"), {.num_hidden = 2}).infer_type_partial({});
  CHECK_FALSE(p.arg_types[0].has_value());
  CHECK_THROWS_AS(fully_connected(var("x"), {.num_hidden = 2}).infer_type({}), sg::TypeError);
  Symbol mix = var("a", {.dtype = sg::DType::float64}) + var("b", {.dtype = sg::DType::float32});
  CHECK_THROWS_AS(mix.infer_type({}), sg::TypeError);
}

TEST_CASE("bad operator parameters are clear errors") {
  CHECK_THROWS_WITH_AS(fully_connected(var("x"), {.num_hidden = 0}),
                       doctest::Contains("num_hidden must be at least 1"), sg::ValueError);
  CHECK_THROWS_WITH_AS(activation(var("x"), {.act_type = "gelu"}), doctest::Contains("not one of relu"),
                       sg::ValueError);
  CHECK_THROWS_AS(make_loss(var("x"), {.normalization = "mean"}), sg::ValueError);
  CHECK_THROWS_AS(group({}), sg::ValueError);
  CHECK_THROWS_WITH_AS(fully_connected(group({var("a"), var("b")}), {.num_hidden = 1}),
                       doctest::Contains("must be a symbol with one output"), sg::ValueError);
}
