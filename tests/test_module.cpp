// train/: Module (names, bind errors, the notebook's label_names pitfall, fit/score/predict,
// parameters, checkpoints moving both ways with MXNet 1.9.1), callbacks and the curve file.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

#include "testing.hpp"

namespace sg = symgrad;
namespace fs = std::filesystem;
using namespace sg::sym;

namespace {

// A small separable 3-class problem: class = argmax of a fixed linear map of 4 features.
struct Blobs {
  sg::NDArray x, y;
  explicit Blobs(std::int64_t n, std::uint64_t seed = 5) : x(sg::Shape{n, 4}), y(sg::Shape{n}) {
    sg::nd::random::Generator g(seed);
    float* px = x.data<float>();
    float* py = y.data<float>();
    const float w[3][4] = {{1, -1, 0.5f, 0}, {-0.5f, 1, 0, 1}, {0, 0.2f, -1, -1}};
    for (std::int64_t i = 0; i < n; ++i) {
      float best = -1e9f;
      for (int k = 0; k < 4; ++k) px[i * 4 + k] = static_cast<float>(g.uniform01() * 2 - 1);
      for (int c = 0; c < 3; ++c) {
        float v = 0;
        for (int k = 0; k < 4; ++k) v += w[c][k] * px[i * 4 + k];
        if (v > best) best = v, py[i] = static_cast<float>(c);
      }
    }
  }
};

Symbol mlp(const std::string& data = "data", const std::string& label = "softmax_label") {
  Symbol h = activation(fully_connected(var(data), {.num_hidden = 16, .name = "fc1"}), {.act_type = "relu"});
  return softmax_output(fully_connected(h, {.num_hidden = 3, .name = "fc2"}), var(label),
                        {.name = "softmax"});
}

std::string temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("symgrad_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

}  // namespace

TEST_CASE("module: names are checked, and an undeclared label is caught at bind") {
  NameManager names;
  Symbol net = mlp("pixels", "article");
  CHECK_THROWS_WITH_AS(sg::Module(net, {.data_names = {"pixels"}, .label_names = {"artcle"}}),
                       doctest::Contains("Did you mean 'article'"), sg::NameError);
  // The notebook's mistake: the label is not declared, so it would become a "parameter".
  sg::Module m(net, {.data_names = {"pixels"}, .label_names = {}});
  CHECK(m.param_names() ==
        std::vector<std::string>{"fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "article"});
  auto msg = testing::error_message<sg::ValueError>([&] { m.bind({{"pixels", {8, 4}}}); });
  CHECK(msg.find("argument 'article' is neither data") != std::string::npos);
  CHECK(msg.find("It looks like a label: add it to label_names") != std::string::npos);
  // The iterator's names must be the module's.
  sg::Module ok(net, {.data_names = {"pixels"}, .label_names = {"article"}});
  CHECK_THROWS_WITH_AS(ok.bind({{"data", {8, 4}}}, {{"article", {8}}}),
                       doctest::Contains("do not match data_names"), sg::ValueError);
  ok.bind({{"pixels", {8, 4}}}, {{"article", {8}}});
  CHECK(ok.binded());
  CHECK_THROWS_AS(ok.init_optimizer(), sg::ValueError);  // parameters first
}

TEST_CASE("module: fit learns, score and predict drop the padding, parameters round-trip") {
  NameManager names;
  Blobs train(600), val(150);
  sg::io::NDArrayIter it(train.x, train.y, {.batch_size = 32, .shuffle = true, .seed = 1});
  sg::io::NDArrayIter vit(val.x, val.y, {.batch_size = 32});
  std::vector<std::string> lines;
  sg::Module mod(mlp(), {.logger = [&](const std::string& l) { lines.push_back(l); }});
  std::vector<int> epochs_seen;
  std::string dir = temp_dir("fit");
  mod.fit(it, {.eval_data = &vit,
               .epoch_end_callback =
                   [&](int e, const Symbol&, const sg::ParamDict& a, const sg::ParamDict&) {
                     epochs_seen.push_back(e);
                     CHECK(a.count("fc1_weight"));
                   },
               .optimizer = "sgd",
               .optimizer_params = {{"learning_rate", 0.5}, {"momentum", 0.9}},
               .num_epoch = 8,
               .progress = "off",
               .curve_csv = dir + "/curve.csv",
               .curve_svg = dir + "/curve.svg"});
  CHECK(epochs_seen == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
  auto acc = mod.score(vit, std::string("acc"));
  CHECK(acc.at(0).first == "accuracy");
  CHECK(acc.at(0).second > 0.9);
  // MXNet's log lines
  CHECK(std::find_if(lines.begin(), lines.end(),
                     [](auto& l) { return l.starts_with("Epoch[0] Train-accuracy="); }) != lines.end());
  CHECK(std::find_if(lines.begin(), lines.end(),
                     [](auto& l) { return l.starts_with("Epoch[7] Validation-accuracy="); }) != lines.end());
  CHECK(std::find_if(lines.begin(), lines.end(),
                     [](auto& l) { return l.starts_with("Epoch[3] Time cost="); }) != lines.end());
  // the curve: a header and one row per epoch; an SVG
  std::ifstream csv(dir + "/curve.csv");
  std::string header, row;
  std::getline(csv, header);
  CHECK(header == "epoch,train-accuracy,validation-accuracy,seconds");
  int rows = 0;
  while (std::getline(csv, row)) ++rows;
  CHECK(rows == 8);
  CHECK(fs::file_size(dir + "/curve.svg") > 200);
  // predict: 150 rows (the last batch's 10 padding rows dropped)
  auto pred = mod.predict(vit);
  REQUIRE(pred.size() == 1);
  CHECK(pred[0].shape() == sg::Shape{150, 3});
  // get_params / set_params on a fresh module gives the same predictions
  auto [arg, aux] = mod.get_params();
  sg::Module other(mlp());
  other.bind(vit.provide_data(), vit.provide_label(), {.for_training = false});
  other.set_params(arg, aux);
  auto pred2 = other.predict(vit);
  CHECK(sg::nd::max_abs_diff(pred[0], pred2[0]) == 0);
  CHECK_THROWS_AS(other.set_params({{"fc1_weight", arg.at("fc1_weight")}}), sg::ValueError);  // missing ones
  fs::remove_all(dir);
}

TEST_CASE("module: fixed parameters stay, inputs_need_grad gives the data a gradient") {
  NameManager names;
  Blobs b(64);
  sg::io::NDArrayIter it(b.x, b.y, {.batch_size = 16});
  sg::Module mod(mlp(), {.fixed_param_names = {"fc1_weight"}, .logger = [](const std::string&) {}});
  mod.fit(it, {.num_epoch = 1, .progress = "off"});
  auto before = mod.get_params().first;
  it.reset();
  mod.fit(it, {.optimizer_params = {{"learning_rate", 0.5}}, .num_epoch = 1, .progress = "off"});
  auto after = mod.get_params().first;
  CHECK(sg::nd::max_abs_diff(before.at("fc1_weight"), after.at("fc1_weight")) == 0);
  CHECK(sg::nd::max_abs_diff(before.at("fc2_weight"), after.at("fc2_weight")) > 0);
  sg::Module g(mlp(), {.logger = [](const std::string&) {}});
  g.bind(it.provide_data(), it.provide_label(), {.inputs_need_grad = true});
  g.init_params();
  it.reset();
  REQUIRE(it.next());
  g.forward_backward(it.value());
  CHECK_FALSE(g.executor().grad_dict().at("data").is_none());
}

TEST_CASE("module: checkpoints are MXNet's files, written atomically, and load back") {
  NameManager names;
  Blobs b(64);
  sg::io::NDArrayIter it(b.x, b.y, {.batch_size = 16});
  std::string dir = temp_dir("ckpt");
  sg::Module mod(mlp(), {.logger = [](const std::string&) {}});
  mod.fit(it, {.epoch_end_callback = sg::callback::do_checkpoint(dir + "/m", 1, [](const std::string&) {}),
               .num_epoch = 2,
               .progress = "off"});
  CHECK(fs::exists(dir + "/m-symbol.json"));
  CHECK(fs::exists(dir + "/m-0001.params"));
  CHECK(fs::exists(dir + "/m-0002.params"));
  for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
  auto c = sg::load_checkpoint(dir + "/m", 2);
  CHECK(c.symbol.list_arguments() == mod.symbol().list_arguments());
  auto [arg, aux] = mod.get_params();
  for (const auto& [k, v] : arg) CHECK(sg::nd::max_abs_diff(c.arg_params.at(k), v) == 0);
  auto raw = sg::nd::load(dir + "/m-0002.params");
  CHECK(raw.count("arg:fc1_weight"));
  auto m2 = sg::Module::load(dir + "/m", 2, {.logger = [](const std::string&) {}});
  m2.bind(it.provide_data(), it.provide_label(), {.for_training = false});
  m2.set_params(m2.preloaded()->arg_params, m2.preloaded()->aux_params);
  CHECK(sg::nd::max_abs_diff(m2.predict(it)[0], mod.predict(it)[0]) == 0);
  CHECK_THROWS_AS(sg::load_checkpoint(dir + "/m", 7), sg::IOError);
  fs::remove_all(dir);
}

TEST_CASE("module: a checkpoint written by MXNet 1.9.1 reproduces MXNet's outputs") {
  std::string d = std::string(SYMGRAD_TEST_DATA) + "/checkpoint";
  auto c = sg::load_checkpoint(d + "/mx_mlp", 1);
  CHECK(c.symbol.list_arguments() == std::vector<std::string>{"data", "fc1_weight", "fc1_bias", "fc2_weight",
                                                              "fc2_bias", "softmax_label"});
  auto io = sg::nd::load(d + "/mx_mlp_io.params");
  auto ex = c.symbol.simple_bind(sg::cpu(), {{"data", io.at("data").shape()}}, {.grad_req = "null"});
  ex.copy_params_from(c.arg_params, c.aux_params);
  ex.forward(false, {{"data", io.at("data")}});
  testing::check_close(ex.outputs()[0], io.at("out:0"), 1e-5, 1e-6, "MXNet checkpoint output");
}

TEST_CASE("module: gluon RNN layers and an unrolled cell exported by MXNet 1.9.1 give MXNet's outputs") {
  // _rnn_param_concat (fused LSTM, bidirectional GRU), stack (unroll with merge_outputs=True) and a
  // variable-length model (Sequence*, Cast, broadcast_like, _arange, take, reverse, slice_like,
  // squeeze, erf, hard_sigmoid); tests/reference/make_gluon_rnn_golden.py wrote the files.
  std::string d = std::string(SYMGRAD_TEST_DATA) + "/gluon";
  for (std::string name : {"lstm", "gru_bi", "cell_unroll", "masked_sequence"}) {
    CAPTURE(name);
    auto c = sg::load_checkpoint(d + "/" + name, 0);
    auto io = sg::nd::load(d + "/" + name + "_io.params");
    sg::ShapeDict shapes;
    std::map<std::string, sg::NDArray> inputs;
    int k = 0;  // the graph's inputs (the arguments without parameters) in order: data0, data1 ...
    for (const auto& a : c.symbol.list_arguments())
      if (!c.arg_params.count(a)) {
        inputs[a] = io.at("data" + std::to_string(k++));
        shapes[a] = inputs[a].shape();
      }
    auto ex = c.symbol.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
    ex.copy_params_from(c.arg_params, c.aux_params);
    ex.forward(false, inputs);
    REQUIRE(ex.outputs().size() == c.symbol.list_outputs().size());
    for (std::size_t i = 0; i < ex.outputs().size(); ++i)
      testing::check_close(ex.outputs()[i], io.at("out:" + std::to_string(i)), 1e-4, 1e-5,
                           std::string(name) + " output " + std::to_string(i));
    // and back: the loaded graph writes the operators it read
    auto json = c.symbol.tojson();
    CHECK(sg::Symbol::load_json(json).tojson() == json);
  }
}

TEST_CASE("module: a checkpoint written by symgrad loads in MXNet 1.9.1 (checked by the reference script)") {
  std::string d = std::string(SYMGRAD_TEST_DATA) + "/checkpoint";
  // The fixture: the same fixed network and parameters, written by symgrad now and compared with
  // the committed files that MXNet loaded (tests/reference/make_checkpoint_golden.py).
  NameManager names;
  Symbol data = var("data");
  Symbol h = activation(fully_connected(data, {.num_hidden = 6, .name = "fc1"}),
                        {.act_type = "tanh", .name = "act1"});
  Symbol net = softmax_output(fully_connected(h, {.num_hidden = 3, .name = "fc2"}), {.name = "softmax"});
  sg::nd::random::Generator g(99);
  sg::ParamDict arg{{"fc1_weight", sg::nd::random::uniform(-1, 1, {6, 4}, g)},
                    {"fc1_bias", sg::nd::random::uniform(-1, 1, {6}, g)},
                    {"fc2_weight", sg::nd::random::uniform(-1, 1, {3, 6}, g)},
                    {"fc2_bias", sg::nd::random::uniform(-1, 1, {3}, g)}};
  auto x = sg::nd::random::uniform(-1, 1, {5, 4}, g);
  auto ex = net.simple_bind(sg::cpu(), {{"data", {5, 4}}}, {.grad_req = "null"});
  ex.copy_params_from(arg);
  ex.forward(false, {{"data", x}});
  std::string dir = std::getenv("SYMGRAD_WRITE_FIXTURES") ? d : temp_dir("sgfix");
  sg::save_checkpoint(dir + "/sg_mlp", 3, net, arg, {});
  sg::nd::save(dir + "/sg_mlp_io.params", {{"data", x}, {"out:0", ex.outputs()[0]}});
  if (dir != d) {
    // The symbol and the parameters must match byte for byte. The computed output depends on the
    // BLAS kernels of the machine (OpenBLAS picks them per CPU), so it is compared numerically.
    for (std::string f : {"/sg_mlp-symbol.json", "/sg_mlp-0003.params"}) {
      std::ifstream a(dir + f, std::ios::binary), b(d + f, std::ios::binary);
      std::stringstream sa, sb;
      sa << a.rdbuf();
      sb << b.rdbuf();
      INFO("fixture " << f
                      << " differs from what symgrad writes now; regenerate it (see the reference script)");
      CHECK(sa.str() == sb.str());
    }
    auto mine = sg::nd::load(dir + "/sg_mlp_io.params"), fixed = sg::nd::load(d + "/sg_mlp_io.params");
    REQUIRE(fixed.count("data"));
    REQUIRE(fixed.count("out:0"));
    CHECK(sg::nd::max_abs_diff(mine.at("data"), fixed.at("data")) == 0);
    testing::check_close(mine.at("out:0"), fixed.at("out:0"), 1e-5, 1e-6, "fixture output");
    fs::remove_all(dir);
  }
  std::ifstream check(d + "/sg_mlp_mxnet_check.json");
  REQUIRE_MESSAGE(check.good(), "run tests/reference/make_checkpoint_golden.py");
  std::stringstream ss;
  ss << check.rdbuf();
  CHECK(ss.str().find("\"ok\": true") != std::string::npos);
}

TEST_CASE("module: the default logger names the worker when the job has several") {
  std::ostringstream captured;
  auto* old = std::cerr.rdbuf(captured.rdbuf());
  sg::default_log("alone");
  ::setenv("OMPI_COMM_WORLD_RANK", "1", 1);
  ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  sg::default_log("Epoch[0] Train-accuracy=0.5");
  ::unsetenv("OMPI_COMM_WORLD_RANK");
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
  std::cerr.rdbuf(old);
  CHECK(captured.str() == "alone\n[worker 1/2] Epoch[0] Train-accuracy=0.5\n");
}
