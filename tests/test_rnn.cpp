// RNN cells and unroll (sg::rnn), the fused RNN operator, and symbol JSON against MXNet 1.9.1.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <symgrad/rnn.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "cannot open " << path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string json_golden(const std::string& name) {
  return read_text(std::string(SYMGRAD_TEST_DATA) + "/json/" + name + ".json");
}

// The notebook's audio stream: two stacked LSTMs of 256 over 49 steps, the last outputs joined.
Symbol two_stream() {
  Symbol audio = var("audio_data");
  sg::rnn::LSTMCell rnn1(256, "lstm1_");
  auto [o1, s1] = rnn1.unroll(49, audio, {.merge_outputs = false});
  sg::rnn::LSTMCell rnn2(256, "lstm2_");
  auto [o2, s2] = rnn2.unroll(49, o1);
  Symbol r1 = reshape(o1.back(), {.shape = {-1, 256}, .name = "rnn1_last_out_reshape"});
  Symbol r2 = reshape(o2.back(), {.shape = {-1, 256}, .name = "rnn2_last_out_reshape"});
  return concat({r1, r2}, {.dim = 1, .name = "rnn_outputs"});
}

sg::NDArray random_array(const sg::Shape& s, std::uint64_t seed, double lo = -0.5, double hi = 0.5) {
  sg::NDArray a = sg::nd::zeros(s);
  sg::nd::random::Generator g(seed);
  float* p = a.data<float>();
  for (std::int64_t i = 0; i < a.size(); ++i) p[i] = static_cast<float>(lo + (hi - lo) * g.uniform01());
  return a;
}

}  // namespace

TEST_CASE("rnn: the notebook's two-stream LSTM shapes") {
  Symbol net = two_stream();
  auto [args, outs, aux] = net.infer_shape({{"audio_data", {128, 49, 75}}});
  std::vector<std::string> want_names = {"audio_data",       "lstm1_i2h_weight", "lstm1_i2h_bias",
                                         "lstm1_h2h_weight", "lstm1_h2h_bias",   "lstm2_i2h_weight",
                                         "lstm2_i2h_bias",   "lstm2_h2h_weight", "lstm2_h2h_bias"};
  std::vector<sg::Shape> want_shapes = {{128, 49, 75}, {1024, 75}, {1024},      {1024, 256}, {1024},
                                        {1024, 256},   {1024},     {1024, 256}, {1024}};
  CHECK(net.list_arguments() == want_names);
  REQUIRE(args.size() == want_shapes.size());
  for (std::size_t i = 0; i < args.size(); ++i) CHECK(args[i] == want_shapes[i]);
  REQUIRE(outs.size() == 1);
  CHECK(outs[0] == sg::Shape{128, 512});
  CHECK(aux.empty());
  CHECK(net.list_auxiliary_states().empty());
  CHECK(net.list_outputs() == std::vector<std::string>{"rnn_outputs_output"});
}

TEST_CASE("rnn: the two-stream network binds and runs forward and backward") {
  Symbol net = two_stream();
  auto ex = net.simple_bind(sg::cpu(), {{"audio_data", {4, 49, 75}}});
  std::uint64_t seed = 1;
  for (auto [name, arr] : ex.arg_dict()) arr.copy_from(random_array(arr.shape(), seed++, -0.1, 0.1));
  auto& out = ex.forward(true);
  REQUIRE(out[0].shape() == sg::Shape{4, 512});
  const float* o = out[0].data<float>();
  for (std::int64_t i = 0; i < out[0].size(); ++i) {
    REQUIRE(std::isfinite(o[i]));
    REQUIRE(std::abs(o[i]) < 1.0f);  // h = o * tanh(c), |h| < 1
  }
  ex.backward(sg::nd::ones({4, 512}));
  double norm = 0;
  auto& g = ex.grad_dict().at("lstm1_i2h_weight");
  for (std::int64_t i = 0; i < g.size(); ++i) norm += std::abs(g.data<float>()[i]);
  CHECK(norm > 0);
}

TEST_CASE("rnn: unroll returns what MXNet returns for merge_outputs false, true and unset") {
  for (std::optional<bool> merge :
       {std::optional<bool>{}, std::optional<bool>{false}, std::optional<bool>{true}}) {
    for (const char* layout : {"NTC", "TNC"}) {
      CAPTURE(layout);
      sg::rnn::GRUCell cell(6, "gru_");
      auto r = cell.unroll(3, var("data"), {.layout = layout, .merge_outputs = merge});
      REQUIRE(r.states.size() == 1);
      sg::Shape in = std::string(layout) == "NTC" ? sg::Shape{2, 3, 5} : sg::Shape{3, 2, 5};
      if (merge.value_or(false)) {
        REQUIRE(r.outputs.size() == 1);
        auto [a, o, x] = r.outputs[0].infer_shape({{"data", in}});
        CHECK(o[0] == (std::string(layout) == "NTC" ? sg::Shape{2, 3, 6} : sg::Shape{3, 2, 6}));
      } else {
        REQUIRE(r.outputs.size() == 3);
        for (const auto& s : r.outputs) {
          auto [a, o, x] = s.infer_shape({{"data", in}});
          CHECK(o[0] == sg::Shape{2, 6});
        }
        CHECK(r.outputs[2].list_outputs() == std::vector<std::string>{"gru_t2_out_output"});
      }
      // the begin states are zeros, not arguments
      CHECK(group(r.outputs).list_arguments() == std::vector<std::string>{"data", "gru_i2h_weight",
                                                                          "gru_i2h_bias", "gru_h2h_weight",
                                                                          "gru_h2h_bias"});
    }
  }
  // a list of per-step inputs
  sg::rnn::RNNCell cell(4, "r_", {.activation = "relu"});
  auto r = cell.unroll(2, std::vector<Symbol>{var("x0"), var("x1")}, {.merge_outputs = true});
  auto [a, o, x] = r.outputs[0].infer_shape({{"x0", {3, 7}}, {"x1", {3, 7}}});
  CHECK(o[0] == sg::Shape{3, 2, 4});
  CHECK_THROWS_WITH_AS(cell.unroll(3, std::vector<Symbol>{var("x0")}),
                       doctest::Contains("1 inputs given for length 3"), sg::ValueError);
  // state_info, explicit begin states
  sg::rnn::LSTMCell lstm(5, "l_");
  REQUIRE(lstm.state_info().size() == 2);
  CHECK(lstm.state_info()[0].shape == sg::Shape{sg::dyn, 5});
  auto r2 = lstm.unroll(2, var("data"), {.begin_state = {var("h0"), var("c0")}});
  auto names = group(r2.outputs).list_arguments();
  CHECK(std::find(names.begin(), names.end(), "h0") != names.end());
}

TEST_CASE("rnn: cells match finite differences (float64)") {
  auto check_cell = [](sg::rnn::BaseRNNCell& cell, std::int64_t steps, sg::Shape in) {
    auto r = cell.unroll(steps, var("data"), {.merge_outputs = true});
    std::vector<Symbol> all = r.outputs;
    all.insert(all.end(), r.states.begin(), r.states.end());
    int n = testing::check_gradient(group(all), {{"data", in}}, {.rtol = 1e-5});
    CHECK(n > 0);
  };
  SUBCASE("RNNCell tanh and relu") {
    sg::rnn::RNNCell a(3, "a_");
    check_cell(a, 3, {2, 3, 4});
    sg::rnn::RNNCell b(3, "b_", {.activation = "relu"});
    check_cell(b, 2, {2, 2, 4});
  }
  SUBCASE("LSTMCell") {
    sg::rnn::LSTMCell c(3, "l_", {.forget_bias = 1.0});
    check_cell(c, 3, {2, 3, 4});
  }
  SUBCASE("GRUCell") {
    sg::rnn::GRUCell c(3, "g_");
    check_cell(c, 3, {2, 3, 4});
  }
  SUBCASE("Sequential, Residual and Bidirectional") {
    sg::rnn::SequentialRNNCell stack;
    stack.add(sg::rnn::LSTMCell(4, "s0_"));
    stack.add(std::make_shared<sg::rnn::ResidualCell>(std::make_shared<sg::rnn::GRUCell>(4, "s1_")));
    stack.add(sg::rnn::DropoutCell(0.0));
    check_cell(stack, 2, {2, 2, 3});
    sg::rnn::BidirectionalCell bi(std::make_shared<sg::rnn::RNNCell>(3, "l_"),
                                  std::make_shared<sg::rnn::GRUCell>(2, "r_"));
    auto r = bi.unroll(3, var("data"), {.merge_outputs = true});
    auto [a, o, x] = r.outputs[0].infer_shape({{"data", {2, 3, 4}}});
    CHECK(o[0] == sg::Shape{2, 3, 5});
    check_cell(bi, 3, {2, 3, 4});
  }
}

TEST_CASE("rnn: ZoneoutCell keeps or replaces values, and is the base cell in inference") {
  auto base = std::make_shared<sg::rnn::RNNCell>(3, "z_");
  sg::rnn::ZoneoutCell z(base, 0.5, 0.5);
  auto r = z.unroll(3, var("data"), {.merge_outputs = true});
  auto ex = r.outputs[0].simple_bind(sg::cpu(), {{"data", {2, 3, 4}}});
  std::uint64_t seed = 10;
  for (auto [name, arr] : ex.arg_dict()) arr.copy_from(random_array(arr.shape(), seed++));
  sg::NDArray inference = ex.forward(false)[0].copy();
  sg::rnn::RNNCell plain(3, "z_");
  auto r2 = plain.unroll(3, var("data"), {.merge_outputs = true});
  auto ex2 = r2.outputs[0].simple_bind(sg::cpu(), {{"data", {2, 3, 4}}});
  for (auto [name, arr] : ex2.arg_dict()) arr.copy_from(ex.arg_dict().at(name));
  testing::check_close(inference, ex2.forward(false)[0], 1e-6, 1e-7, "zoneout in inference = base cell");
  ex.forward(true);  // training: runs, values finite
  for (std::int64_t i = 0; i < ex.outputs()[0].size(); ++i)
    CHECK(std::isfinite(ex.outputs()[0].data<float>()[i]));
}

TEST_CASE("rnn: the fused RNN operator matches finite differences in every mode (float64)") {
  for (const char* mode : {"lstm", "gru", "rnn_tanh", "rnn_relu"})
    for (bool bi : {false, true})
      for (int layers : {1, 2}) {
        CAPTURE(mode);
        CAPTURE(bi);
        CAPTURE(layers);
        Symbol s = rnn(var("x"), {.state_size = 3,
                                  .num_layers = layers,
                                  .bidirectional = bi,
                                  .mode = mode,
                                  .state_outputs = true,
                                  .name = "r"});
        int n = testing::check_gradient(s, {{"x", {3, 2, 4}}}, {.rtol = 1e-5});
        CHECK(n > 0);
      }
}

TEST_CASE("rnn: fused RNN shapes, names and errors") {
  Symbol s = rnn(var("data"), {.state_size = 8,
                               .num_layers = 2,
                               .bidirectional = true,
                               .mode = "lstm",
                               .state_outputs = true,
                               .name = "r"});
  CHECK(s.list_arguments() == std::vector<std::string>{"data", "r_parameters", "r_state", "r_state_cell"});
  CHECK(s.list_outputs() == std::vector<std::string>{"r_output", "r_state_output", "r_statecell_output"});
  auto [a, o, x] = s.infer_shape({{"data", {5, 3, 6}}});
  // per layer and direction: 4H x C, 4H x H, two 4H biases; layer 1 sees 2H inputs
  std::int64_t size = 2 * (32 * 6 + 32 * 8 + 64) + 2 * (32 * 16 + 32 * 8 + 64);
  CHECK(a[1] == sg::Shape{size});
  CHECK(a[2] == sg::Shape{4, 3, 8});
  CHECK(o[0] == sg::Shape{5, 3, 16});
  CHECK(o[1] == sg::Shape{4, 3, 8});
  Symbol g = rnn(var("data"), {.state_size = 4, .mode = "gru", .name = "g"});
  CHECK(g.list_arguments() == std::vector<std::string>{"data", "g_parameters", "g_state"});
  CHECK(g.list_outputs() == std::vector<std::string>{"g_output"});
  CHECK_THROWS_AS(rnn(var("data"), {.state_size = 4, .mode = "lstm2"}), sg::ValueError);
  CHECK_THROWS_AS(s.infer_shape({{"data", {5, 3, 6}}, {"r_parameters", {size + 1}}}), sg::ShapeError);
}

TEST_CASE("rnn: FusedRNNCell and its unfused cells give the same numbers") {
  for (const char* mode : {"lstm", "gru", "rnn_tanh", "rnn_relu"})
    for (bool bi : {false, true}) {
      CAPTURE(mode);
      CAPTURE(bi);
      NameManager names;
      sg::rnn::FusedRNNCell fused(4, {.num_layers = 2, .mode = mode, .bidirectional = bi, .prefix = "f_"});
      auto rf = fused.unroll(3, var("data"), {.merge_outputs = true});
      auto unfused = fused.unfuse();
      auto ru = unfused.unroll(3, var("data"), {.merge_outputs = true});
      sg::Shape in{2, 3, 5};
      auto exf = rf.outputs[0].simple_bind(sg::cpu(), {{"data", in}});
      auto exu = ru.outputs[0].simple_bind(sg::cpu(), {{"data", in}});
      sg::NDArray x = random_array(in, 3);
      exf.arg_dict().at("data").copy_from(x);
      exu.arg_dict().at("data").copy_from(x);
      // draw the unfused cells' weights, pack them for the fused operator
      std::map<std::string, sg::NDArray> parts;
      std::uint64_t seed = 100;
      for (auto [name, arr] : exu.arg_dict())
        if (name != "data") {
          arr.copy_from(random_array(arr.shape(), seed++));
          parts[name] = arr;
        }
      sg::NDArray packed = fused.pack_weights(parts, 5);
      exf.arg_dict().at("f_parameters").copy_from(packed);
      auto& of = exf.forward(true);
      auto& ou = exu.forward(true);
      REQUIRE(of[0].shape() == ou[0].shape());
      testing::check_close(of[0], ou[0], 1e-5, 1e-6, "fused vs unfused output");
      sg::NDArray head = random_array(of[0].shape(), 7);
      exf.backward({head});
      exu.backward({head});
      testing::check_close(exf.grad_dict().at("data"), exu.grad_dict().at("data"), 1e-4, 1e-5,
                           "data gradient");
      auto back = fused.unpack_weights(exf.grad_dict().at("f_parameters"), 5);
      for (const auto& [name, g] : back) testing::check_close(g, exu.grad_dict().at(name), 1e-4, 1e-5, name);
      // and the round trip of the packing itself
      auto again = fused.unpack_weights(packed, 5);
      for (const auto& [name, w] : again) testing::check_close(w, parts.at(name), 0, 0, name);
    }
}

TEST_CASE("symbol JSON: byte-identical to MXNet 1.9.1's tojson, and loads back") {
  // exact: graphs built by library code (cells) or without defaulted parameters give MXNet's
  // bytes; otherwise MXNet records the keyword arguments as the user spelled them (axis=1 where
  // symgrad omits a default), so the graph's structure is compared and the attributes are
  // compared by what they mean (both files load to the same computation, checked elsewhere).
  auto check = [](const std::string& name, auto build, bool exact = true) {
    CAPTURE(name);
    std::string want = json_golden(name);
    Symbol s;
    {
      NameManager names;
      s = build();
    }
    if (exact) {
      CHECK(s.tojson() == want);
    } else {
      auto a = nlohmann::json::parse(s.tojson()), b = nlohmann::json::parse(want);
      REQUIRE(a["nodes"].size() == b["nodes"].size());
      for (std::size_t i = 0; i < a["nodes"].size(); ++i)
        for (const char* key : {"op", "name", "inputs"}) CHECK(a["nodes"][i][key] == b["nodes"][i][key]);
      for (const char* key : {"arg_nodes", "node_row_ptr", "heads", "attrs"}) CHECK(a[key] == b[key]);
    }
    Symbol back = Symbol::load_json(want);
    CHECK(back.list_arguments() == s.list_arguments());
    CHECK(back.list_outputs() == s.list_outputs());
    CHECK(back.list_auxiliary_states() == s.list_auxiliary_states());
    CHECK(back.tojson() == want);
  };
  check("mlp", [] {
    Symbol h = activation(fully_connected(var("data"), {.num_hidden = 16, .name = "fc1"}),
                          {.act_type = "relu", .name = "relu1"});
    return softmax_output(fully_connected(h, {.num_hidden = 10, .name = "fc2"}), {.name = "softmax"});
  });
  check("regression", [] {
    Symbol pred = fully_connected(var("data"), {.num_hidden = 1, .name = "fc"});
    return group({block_grad(pred), make_loss(square(pred - var("label")))});
  });
  check("lstm", [] {
    sg::rnn::LSTMCell cell(8, "lstm_");
    auto r = cell.unroll(3, var("data"), {.merge_outputs = true});
    return group({r.outputs[0], r.states[0], r.states[1]});
  });
  check("gru_seq", [] {
    sg::rnn::SequentialRNNCell stack;
    stack.add(sg::rnn::GRUCell(6, "g0_"));
    stack.add(sg::rnn::RNNCell(5, "r1_", {.activation = "relu"}));
    return group(stack.unroll(2, var("data"), {.layout = "TNC", .merge_outputs = false}).outputs);
  });
  check("fused", [] {
    sg::rnn::FusedRNNCell cell(8, {.num_layers = 2, .mode = "lstm", .bidirectional = true, .prefix = "f_"});
    return cell.unroll(4, var("data"), {.merge_outputs = true}).outputs[0];
  });
  check(
      "shapes",
      [] {
        Symbol parts = split(var("data"), {.num_outputs = 2, .axis = 1, .name = "sp"});
        Symbol r = reshape(parts[0], {.shape = {0, -1}, .name = "r"});
        Symbol t = transpose(parts[1], {0, 2, 1}, "t");
        Symbol c = concat({r, flatten(t, "fl")}, {.dim = 1, .name = "cat"});
        Symbol m = sum(c * 2.0 + 1.0, {.axis = {1}, .keepdims = true, .name = "s"});
        return group({m, softmax(c, {.axis = -1, .name = "sm"})});
      },
      false);
}

TEST_CASE("symbol JSON: a loaded MXNet LSTM computes what the symgrad-built one computes") {
  Symbol loaded = Symbol::load_json(json_golden("lstm"));
  sg::rnn::LSTMCell cell(8, "lstm_");
  auto r = cell.unroll(3, var("data"), {.merge_outputs = true});
  Symbol built = group({r.outputs[0], r.states[0], r.states[1]});
  auto a = loaded.simple_bind(sg::cpu(), {{"data", {2, 3, 4}}});
  auto b = built.simple_bind(sg::cpu(), {{"data", {2, 3, 4}}});
  std::uint64_t seed = 40;
  for (auto [name, arr] : a.arg_dict()) {
    arr.copy_from(random_array(arr.shape(), seed++));
    b.arg_dict().at(name).copy_from(arr);
  }
  a.forward(false);
  b.forward(false);
  for (std::size_t i = 0; i < 3; ++i) testing::check_close(a.outputs()[i], b.outputs()[i], 0, 0, "output");
  // the i2h bias keeps its initializer attribute
  CHECK(loaded.attr_dict().at("lstm_i2h_bias").at("__init__") == "[\"lstmbias\", {\"forget_bias\": 1.0}]");
}

TEST_CASE("symbol JSON: a malformed document is a ValueError naming the node, never a crash") {
  const std::string var0 = R"({"op": "null", "name": "x", "inputs": []})";
  auto doc = [&](const std::string& node, const std::string& heads = "[[1, 0, 0]]") {
    return R"({"nodes": [)" + var0 + ", " + node + R"(], "heads": )" + heads + "}";
  };
  const std::string relu = R"({"op": "Activation", "name": "r", "attrs": {"act_type": "relu"}, "inputs": )";
  CHECK(Symbol::load_json(doc(relu + "[[0, 0, 0]]}")).list_arguments() == std::vector<std::string>{"x"});
  struct Case {
    std::string json, says;
  };
  for (const Case& c : std::vector<Case>{
           {doc(relu + "[[0, 0, 0]]}", "[[1]]"), "head 0 must be an array [node, output, version]"},
           {doc(relu + "[[0, 0, 0]]}", "[[]]"), "head 0 must be an array"},
           {doc(relu + "[[0, 0, 0]]}", "7"), "\"heads\" must be an array"},
           {doc(relu + "[[0, 0, 0]]}", "[[1, 5, 0]]"), "head 0 uses output 5 of 'r', which has 1"},
           {doc(relu + "[[0, 0, 0]]}", "[[9, 0, 0]]"), "head 0 refers to node 9"},
           {doc(relu + "[[0, 0, 0]]}", "[[1.1e90, 0, 0]]"),
            "head 0: the node index must be a non-negative integer"},
           {doc(relu + "[[0, 0, 0]]}", "[[-1, 0, 0]]"), "non-negative integer, found -1"},
           {doc(relu + R"([["0", 0, 0]]})"),
            "node 1 ('r') input 0: the node index must be a non-negative integer"},
           {doc(relu + "[[0, 0.5, 0]]}"), "the output index must be a non-negative integer, found 0.5"},
           {doc(relu + "[[0]]}"), "node 1 ('r') input 0 must be an array"},
           {doc(relu + "5}"), "node 1 ('r'): \"inputs\" must be an array"},
           {doc(R"({"op": "Activation", "name": 3, "inputs": [[0, 0, 0]]})"),
            "node 1: \"name\" must be a string"},
           {doc(R"({"op": ["Activation"], "name": "r", "inputs": [[0, 0, 0]]})"),
            "node 1 ('r'): \"op\" must be a string, found an array"},
           {doc(R"({"op": "Activation", "name": "r", "attrs": 4, "inputs": [[0, 0, 0]]})"),
            "\"attrs\" must be an object"},
           {doc("[1, 2]"), "node 1 must be an object"},
           {R"({"nodes": {}, "heads": []})", "\"nodes\" must be an array"},
           {"[]", "it needs \"nodes\" and \"heads\""},
       }) {
    INFO(c.json);
    auto m = testing::error_message<sg::ValueError>([&] { Symbol::load_json(c.json); });
    CHECK(m.find(c.says) != std::string::npos);
  }
  // An attribute value nested far deeper than any real one is refused, not re-serialised by recursion.
  const std::string deep = std::string(300000, '[') + std::string(300000, ']');
  auto m = testing::error_message<sg::ValueError>([&] {
    Symbol::load_json(doc(R"({"op": "null", "name": "y", "attrs": {"__d__": )" + deep + R"(}, "inputs": []})",
                          "[[1, 0, 0]]"));
  });
  CHECK(m.find("attribute '__d__' is nested more than 32 levels deep") != std::string::npos);
  // a shallow non-string value is kept as its JSON text
  Symbol kept =
      Symbol::load_json(doc(R"({"op": "null", "name": "y", "attrs": {"__d__": [1, [2]]}, "inputs": []})"));
  CHECK(kept.attr_dict().at("y").at("__d__") == "[1,[2]]");
  // SliceChannel's output count is bounded: a short file cannot ask for billions of outputs
  CHECK_THROWS_WITH_AS(
      Symbol::load_json(doc(R"({"op": "SliceChannel", "name": "s", "attrs": {"num_outputs": "4000000000"},
                               "inputs": [[0, 0, 0]]})")),
      doctest::Contains("num_outputs"), sg::ValueError);
  // through Symbol::load: an IOError naming the file
  auto path = std::filesystem::temp_directory_path() / "symgrad_json_bad_heads.json";
  std::ofstream(path) << doc(relu + "[[0, 0, 0]]}", "7");
  CHECK_THROWS_WITH_AS(Symbol::load(path.string()), doctest::Contains("symgrad_json_bad_heads.json"),
                       sg::IOError);
  std::filesystem::remove(path);
}

TEST_CASE("symbol JSON: a chain of 200000 nodes loads and is released without deep recursion") {
  std::string nodes = R"({"op": "null", "name": "x", "inputs": []})";
  const int n = 200000;
  for (int i = 1; i <= n; ++i)
    nodes += R"(, {"op": "relu", "name": "r)" + std::to_string(i) + R"(", "inputs": [[)" +
             std::to_string(i - 1) + ", 0, 0]]}";
  {
    Symbol s =
        Symbol::load_json(R"({"nodes": [)" + nodes + R"(], "heads": [[)" + std::to_string(n) + ", 0, 0]]}");
    CHECK(s.list_outputs() == std::vector<std::string>{"r200000_output"});
  }  // released here: one level of recursion per node would overflow the stack
}

TEST_CASE("symbol JSON: the regression files in tests/data/bad/fuzz_symbol_json are IOErrors") {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(SYMGRAD_TEST_DATA) + "/bad/fuzz_symbol_json")) {
    INFO(e.path().string());
    CHECK_THROWS_AS(Symbol::load(e.path().string()), sg::IOError);
    ++n;
  }
  CHECK(n >= 9);
}

TEST_CASE("symbol JSON: save writes atomically, load reports bad files") {
  auto dir = std::filesystem::temp_directory_path() / "symgrad_json_test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "net-symbol.json").string();
  Symbol net =
      softmax_output(fully_connected(var("data"), {.num_hidden = 3, .name = "fc"}), {.name = "softmax"});
  net.save(path);
  CHECK(read_text(path) == net.tojson());
  for (const auto& e : std::filesystem::directory_iterator(dir))
    CHECK_MESSAGE(e.path().filename().string().find("tmp") == std::string::npos, "left behind: " << e.path());
  CHECK(Symbol::load(path).tojson() == net.tojson());
  CHECK_THROWS_WITH_AS(Symbol::load((dir / "missing.json").string()), doctest::Contains("missing.json"),
                       sg::IOError);
  {
    std::ofstream f(dir / "bad.json");
    f << "{\"nodes\": [";
  }
  CHECK_THROWS_AS(Symbol::load((dir / "bad.json").string()), sg::Error);
  {
    std::ofstream f(dir / "unknown.json");
    f << R"({"nodes": [{"op": "null", "name": "x", "inputs": []}, {"op": "NoSuchOp", "name": "y", "inputs": [[0, 0, 0]]}],
"arg_nodes": [0], "node_row_ptr": [0, 1, 2], "heads": [[1, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}})";
  }
  CHECK_THROWS_WITH(Symbol::load((dir / "unknown.json").string()), doctest::Contains("NoSuchOp"));
  std::filesystem::remove_all(dir);
}
