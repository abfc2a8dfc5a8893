// viz/: print_summary and plot_network against MXNet 1.9.1's mx.viz on the same networks
// (tests/data/viz, made by tests/reference/make_viz_golden.py), both built here and loaded from
// MXNet's own symbol JSON; writing and rendering files.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <symgrad/rnn.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/viz.hpp>

#include "test_files.hpp"

namespace sg = symgrad;
namespace viz = sg::viz;
using namespace sg::sym;

namespace {

// A golden file, or its gzip'd form (<name>.gz).
std::string golden(const std::string& name) {
  const std::string path = std::string(SYMGRAD_TEST_DATA) + "/viz/" + name;
  if (std::filesystem::exists(path)) return testing::slurp(path);
  gzFile f = gzopen((path + ".gz").c_str(), "rb");
  REQUIRE_MESSAGE(f != nullptr, "missing golden file " << path);
  std::string text;
  char buf[1 << 16];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return text;
}

// The total and the per-layer counts of a printed table: each row's name (type) and the number
// in the Param # column (columns end at 52, 76, 88, 120 for the default layout).
struct Counts {
  std::vector<std::pair<std::string, std::int64_t>> layers;
  std::int64_t total = -1;
};
Counts parse_table(const std::string& table) {
  Counts c;
  std::istringstream in(table);
  bool body = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Total params: ", 0) == 0) c.total = std::stoll(line.substr(14));
    if (line.rfind("=====", 0) == 0) body = true;
    const bool rule = line.find_first_not_of(line[0]) == std::string::npos;  // ____ or ====
    if (!body || rule || line.size() < 88 || line[0] == ' ') continue;
    std::string name = line.substr(0, 52);
    name.erase(name.find_last_not_of(' ') + 1);
    c.layers.emplace_back(name, std::stoll(line.substr(76, 12)));
  }
  return c;
}

struct Net {
  Symbol symbol;
  sg::ShapeDict shapes;
};

// The networks of make_viz_golden.py, built the same way.
Net mlp() {
  Symbol x = var("data");
  x = fully_connected(x, {.num_hidden = 128, .name = "fc1"});
  x = activation(x, {.act_type = "relu", .name = "relu1"});
  x = fully_connected(x, {.num_hidden = 64, .no_bias = true, .name = "fc2"});
  x = activation(x, {.act_type = "tanh", .name = "tanh2"});
  x = fully_connected(x, {.num_hidden = 10, .name = "fc3"});
  return {softmax_output(x, {.name = "softmax"}), {{"data", {32, 784}}}};
}
Net convnet() {
  Symbol x = var("data");
  Symbol c1 = convolution(x, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 16, .name = "conv1"});
  Symbol b1 = batch_norm(c1, {.fix_gamma = false, .name = "bn1"});
  Symbol r1 = activation(b1, {.act_type = "relu", .name = "relu1"});
  Symbol p1 = pooling(r1, {.kernel = {2, 2}, .pool_type = "max", .stride = {2, 2}, .name = "pool1"});
  Symbol c2 = convolution(p1, {.kernel = {3, 3},
                               .stride = {2, 2},
                               .pad = {1, 1},
                               .num_filter = 32,
                               .no_bias = true,
                               .name = "conv2"});
  Symbol b2 = batch_norm(c2, {.name = "bn2"});
  Symbol l2 = leaky_relu(b2, {.slope = 0.1, .name = "leaky2"});
  Symbol c3 =
      convolution(l2, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 32, .num_group = 4, .name = "conv3"});
  Symbol c4 = convolution(l2, {.kernel = {1, 1}, .num_filter = 8, .name = "conv4"});
  Symbol cat = concat({c3, c4}, {.dim = 1, .name = "concat"});
  Symbol p2 = pooling(cat, {.kernel = {1, 1}, .pool_type = "avg", .global_pool = true, .name = "pool2"});
  Symbol f = flatten(p2, "flatten");
  Symbol d = dropout(f, {.p = 0.25, .name = "drop"});
  Symbol fc = fully_connected(d, {.num_hidden = 10, .name = "fc"});
  return {softmax_output(fc, {.name = "softmax"}), {{"data", {8, 3, 32, 32}}}};
}
Net embed() {
  Symbol x = var("data");
  Symbol e = embedding(x, {.input_dim = 1000, .output_dim = 32, .name = "embed"});
  Symbol fc0 = fully_connected(e, {.num_hidden = 16, .name = "fc0"});
  Symbol r = reshape(e, {.shape = {-1, 640}, .name = "reshape"});
  Symbol fc = fully_connected(r, {.num_hidden = 4, .name = "fc"});
  return {group({fc0, linear_regression_output(fc, {}, {.name = "lro"})}), {{"data", {8, 20}}}};
}
Net regression() {
  NameManager names;
  Symbol x = var("data");
  Symbol y = fully_connected(x, {.num_hidden = 1});
  Symbol label = var("label");
  Symbol loss = make_loss(square(y - label));
  return {group({block_grad(y), loss}), {{"data", {32, 2}}, {"label", {32, 1}}}};
}
// The notebook's two-stream network, as examples/two_stream_audio_face.cpp builds it.
Net two_stream() {
  NameManager names;
  Symbol audio = var("audio_data"), face = var("face_data"), label = var("softmax_label");
  sg::rnn::LSTMCell lstm1(256, "lstm1_");
  auto [out1, states1] = lstm1.unroll(49, audio, {.merge_outputs = false});
  sg::rnn::LSTMCell lstm2(256, "lstm2_");
  auto [out2, states2] = lstm2.unroll(49, out1, {.merge_outputs = false});
  Symbol last1 = reshape(out1.back(), {.shape = {-1, 256}, .name = "rnn1_last_out_reshape"});
  Symbol last2 = reshape(out2.back(), {.shape = {-1, 256}, .name = "rnn2_last_out_reshape"});
  Symbol rnn_outputs = concat({last1, last2}, {.dim = 1, .name = "rnn_outputs"});
  Symbol f = convolution(face, {.kernel = {1, 1}, .num_filter = 64, .name = "face_conv1"});
  f = activation(batch_norm(f, {.fix_gamma = false, .name = "face_bn1"}),
                 {.act_type = "relu", .name = "face_relu1"});
  f = convolution(f, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 64, .name = "face_conv2"});
  f = activation(f, {.act_type = "relu", .name = "face_relu2"});
  f = pooling(f, {.kernel = {2, 2}, .stride = {2, 2}, .name = "face_pool1"});
  f = pooling(f, {.kernel = {1, 1}, .pool_type = "avg", .global_pool = true, .name = "face_pool2"});
  Symbol face_vector = flatten(f, "face_vector");
  Symbol both = concat({rnn_outputs, face_vector}, {.dim = 1, .name = "fused"});
  Symbol fc = fully_connected(both, {.num_hidden = 6, .name = "fc"});
  return {softmax_output(fc, label, {.name = "softmax"}),
          {{"audio_data", {128, 49, 75}}, {"face_data", {128, 512, 14, 14}}, {"softmax_label", {128}}}};
}

const std::vector<std::pair<std::string, Net (*)()>> kNets{{"mlp", mlp},
                                                           {"convnet", convnet},
                                                           {"embed", embed},
                                                           {"regression", regression},
                                                           {"two_stream", two_stream}};

// The summary's rows and total agree with the golden table's, then the whole text.
void check_summary(const viz::Summary& s, const std::string& want) {
  const Counts c = parse_table(want);
  REQUIRE(c.total >= 0);
  CHECK(s.total_params == c.total);
  REQUIRE(s.layers.size() == c.layers.size());
  for (std::size_t i = 0; i < s.layers.size(); ++i) {
    INFO("layer " << i);
    CHECK((s.layers[i].name + "(" + s.layers[i].op + ")").substr(0, 52) == c.layers[i].first);
    CHECK(s.layers[i].params == c.layers[i].second);
  }
  CHECK(s.table == want);
}

}  // namespace

TEST_CASE("print_summary: MXNet's table, parameter counts and totals") {
  for (const auto& [stem, make] : kNets) {
    SUBCASE(stem.c_str()) {
      const Net net = make();
      const std::string want = golden(stem + ".summary.txt");
      check_summary(viz::summary(net.symbol, net.shapes), want);
      // The same from MXNet's own graph, loaded from its symbol JSON.
      const Symbol loaded = Symbol::load_json(golden(stem + ".json"));
      check_summary(viz::summary(loaded, net.shapes), want);
    }
  }
}

TEST_CASE("print_summary: the notebook's two-stream network totals MXNet's count") {
  // MXNet counts the LSTM weights once per unrolled step, and the FullyConnected after Concat
  // from the widths of its inputs: 38 776 454 for the notebook's sizes.
  const Net net = two_stream();
  const viz::Summary s = viz::summary(net.symbol, net.shapes);
  CHECK(s.total_params == 38776454);
  CHECK(s.total_params == parse_table(golden("two_stream.summary.txt")).total);
  const auto& fc = s.layers.back().name == "softmax" ? s.layers[s.layers.size() - 2] : s.layers.back();
  CHECK(fc.name == "fc");
  CHECK(fc.params == (512 + 64 + 1) * 6);
  CHECK(fc.previous == std::vector<std::string>{"fused"});
}

TEST_CASE("print_summary: without shapes, another layout, printing") {
  const Net net = mlp();
  const viz::Summary s = viz::summary(net.symbol);
  check_summary(s, golden("mlp_noshape.summary.txt"));
  CHECK(s.layers[1].output_shape.empty());
  CHECK(viz::summary(convnet().symbol, convnet().shapes, {.line_length = 80, .positions = {.5, .7, .8, 1.}})
            .table == golden("convnet_narrow.summary.txt"));
  // Columns given as positions rather than fractions.
  CHECK(viz::summary(convnet().symbol, convnet().shapes, {.line_length = 80, .positions = {40, 56, 64, 80}})
            .table == golden("convnet_narrow.summary.txt"));
  std::ostringstream os;
  const viz::Summary p = viz::print_summary(os, net.symbol, net.shapes);
  CHECK(os.str() == golden("mlp.summary.txt"));
  CHECK(p.total_params == 109322);
  CHECK(p.layers[1].output_shape == std::vector<std::int64_t>{128});
  CHECK(p.layers[3].previous == std::vector<std::string>{"relu1"});
}

TEST_CASE("print_summary: errors") {
  const Net net = mlp();
  CHECK_THROWS_AS(viz::summary(net.symbol, {{"data", {32, 784}}}, {.positions = {.5, 1.}}), sg::ValueError);
  // An input whose shape is missing leaves the layers unknown: infer_shape says which.
  CHECK_THROWS_WITH_AS(viz::summary(net.symbol, {{"softmax_label", {32}}}), doctest::Contains("data"),
                       sg::ShapeError);
}

TEST_CASE("plot_network: MXNet's DOT source") {
  for (const auto& [stem, make] : kNets) {
    SUBCASE(stem.c_str()) {
      const Net net = make();
      const std::string want = golden(stem + ".dot");
      CHECK(viz::to_dot(net.symbol, net.shapes) == want);
      CHECK(viz::to_dot(Symbol::load_json(golden(stem + ".json")), net.shapes) == want);
    }
  }
  const Net m = mlp();
  CHECK(viz::to_dot(m.symbol) == golden("mlp_noshape.dot"));
  CHECK(viz::to_dot(m.symbol, m.shapes, {.hide_weights = false}) == golden("mlp_weights.dot"));
  CHECK(viz::to_dot(m.symbol, m.shapes, {.dtype = {{"data", sg::DType::float32}}}) ==
        golden("mlp_dtype.dot"));
  const Net c = convnet();
  CHECK(viz::to_dot(c.symbol, c.shapes,
                    {.title = "small convnet", .node_attrs = {{"shape", "oval"}, {"fixedsize", "false"}}}) ==
        golden("convnet_attrs.dot"));
  CHECK_THROWS_AS(viz::to_dot(m.symbol, m.shapes, {.node_attrs = {{"label", "x"}}}), sg::ValueError);
}

TEST_CASE("plot_network: structure of the drawing") {
  // What a reader of the DOT relies on, independent of the golden text: one node per operator
  // and input, weights hidden, each edge from a layer to its input labelled with the shape.
  const Net net = mlp();
  const std::string dot = viz::to_dot(net.symbol, net.shapes);
  CHECK(dot.rfind("digraph plot {\n", 0) == 0);
  CHECK(dot.find("\tdata [label=data ") != std::string::npos);
  CHECK(dot.find("\tfc1 [label=\"FullyConnected\n128\" fillcolor=\"#fb8072\"") != std::string::npos);
  CHECK(dot.find("fc1_weight") == std::string::npos);
  CHECK(dot.find("\tfc1 -> data [label=784 arrowtail=open dir=back]") != std::string::npos);
  CHECK(dot.find("\tsoftmax -> fc3 [label=10 arrowtail=open dir=back]") != std::string::npos);
  std::size_t edges = 0;
  for (std::size_t p = 0; (p = dot.find(" -> ", p)) != std::string::npos; ++p) ++edges;
  CHECK(edges == 7);  // fc1, relu1, fc2, tanh2, fc3 on their inputs; softmax on fc3 and its label
}

TEST_CASE("plot_network: files") {
  const std::string dir = testing::scratch("viz");
  const Net net = convnet();
  for (const char* ext : {"dot", "gv"}) {
    const std::string path = dir + "/net." + ext;
    viz::plot_network(net.symbol, net.shapes, path);
    CHECK(testing::slurp(path) == golden("convnet.dot"));
  }
  CHECK_THROWS_WITH_AS(viz::plot_network(net.symbol, net.shapes, dir + "/net.txt"), doctest::Contains(".svg"),
                       sg::ValueError);
  CHECK_THROWS_AS(viz::plot_network(net.symbol, net.shapes, dir + "/net"), sg::ValueError);

  SUBCASE("without Graphviz: a clear error and no file") {
    const char* old = std::getenv("PATH");
    const std::string saved = old ? old : "";
    ::setenv("PATH", (dir + "/no-such-folder").c_str(), 1);
    CHECK_FALSE(viz::have_graphviz());
    CHECK_THROWS_WITH_AS(viz::plot_network(net.symbol, net.shapes, dir + "/none.svg"),
                         doctest::Contains("apt-get install graphviz"), sg::IOError);
    ::setenv("PATH", saved.c_str(), 1);
    for (const auto& e : std::filesystem::directory_iterator(dir))
      CHECK(e.path().filename().string().rfind("none", 0) == std::string::npos);
  }
  SUBCASE("rendered by dot") {
    if (!viz::have_graphviz()) {
      MESSAGE("skipped: Graphviz's dot is not on PATH (apt-get install graphviz)");
      return;
    }
    viz::plot_network(net.symbol, net.shapes, dir + "/net.svg");
    const std::string svg = testing::slurp(dir + "/net.svg");
    CHECK(svg.find("<svg") != std::string::npos);
    for (const char* text : {"conv1", "Convolution", "3x3/2x2, 32", "16x32x32", "softmax_label"}) {
      INFO(text);
      CHECK(svg.find(text) != std::string::npos);
    }
    viz::plot_network(net.symbol, net.shapes, dir + "/net.png");
    const std::string png = testing::slurp(dir + "/net.png");
    REQUIRE(png.size() > 8);
    CHECK(png.substr(1, 3) == "PNG");
    // Only the finished files are left.
    std::vector<std::string> left;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{"net.dot", "net.gv", "net.png", "net.svg"});
  }
  std::filesystem::remove_all(dir);
}
