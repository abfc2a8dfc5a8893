// Optimizer .states files in MXNet 1.9.1's format, AdamW and SGLD (goldens written by
// tests/reference/make_states_golden.py into tests/data/states/).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <vector>

#include "test_files.hpp"

namespace {

namespace sg = symgrad;
namespace opt = symgrad::opt;
using nlohmann::json;
using namespace sg::sym;

std::string data_dir() { return std::string(SYMGRAD_TEST_DATA) + "/states"; }

json read_json(const std::string& file) {
  std::ifstream in(data_dir() + "/" + file);
  REQUIRE_MESSAGE(in.good(), "missing golden file " << file << "; run tests/reference/make_states_golden.py");
  return json::parse(in);
}

sg::NDArray array_of(const json& j) {
  sg::Shape s = sg::Shape::unknown_dims(0);
  for (auto d : j.at("shape")) s.push_back(d.get<std::int64_t>());
  sg::NDArray a(s, sg::cpu(), sg::DType::float32);
  auto v = j.at("values").get<std::vector<double>>();
  REQUIRE(static_cast<std::int64_t>(v.size()) == a.size());
  for (std::size_t i = 0; i < v.size(); ++i) a.data<float>()[i] = static_cast<float>(v[i]);
  return a;
}

std::map<std::string, double> params_of(const json& c) {
  return c.at("params").get<std::map<std::string, double>>();
}

std::unique_ptr<opt::Optimizer> optimizer_of(const json& c) {
  auto o = opt::create(c.at("optimizer").get<std::string>(), params_of(c));
  o->set_param_names(c.at("param_names").get<std::vector<std::string>>());
  return o;
}

// The states an optimizer holds equal, bit for bit, those of a case in states.json.
void check_states(const opt::Optimizer& o, const json& c) {
  for (const auto& [key, st] : c.at("states").items()) {
    INFO("index " << key);
    auto index = static_cast<std::size_t>(std::stoul(key));
    const auto* got = o.state(index);
    REQUIRE(got != nullptr);
    const auto& want = st.at("arrays");
    REQUIRE(got->size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
      sg::NDArray w = array_of(want[k]);
      CHECK((*got)[k].shape() == w.shape());
      CHECK((*got)[k].dtype() == sg::DType::float32);
      CHECK(sg::nd::max_abs_diff((*got)[k], w) == 0);
    }
  }
}

Symbol net() {
  Symbol h = tanh(fully_connected(var("data"), {.num_hidden = 3, .name = "fc1"}));
  return softmax_output(fully_connected(h, {.num_hidden = 2, .name = "fc2"}), var("softmax_label"),
                        {.name = "softmax"});
}

// make_states_golden.py's batch(step).
sg::io::DataBatch batch(int step) {
  sg::NDArray x(sg::Shape{2, 4}), y(sg::Shape{2});
  for (int i = 0; i < 8; ++i) x.data<float>()[i] = static_cast<float>(std::sin(i * 0.7 + step));
  y.data<float>()[0] = static_cast<float>(step % 2);
  y.data<float>()[1] = static_cast<float>((step + 1) % 2);
  sg::io::DataBatch b;
  b.data = {x};
  b.label = {y};
  return b;
}

sg::Module module_of(const json& c, const json& params) {
  sg::Module m(net(), {.logger = [](const std::string&) {}});
  m.bind({{"data", sg::Shape{2, 4}}}, {{"softmax_label", sg::Shape{2}}});
  std::map<std::string, sg::NDArray> arg;
  for (const auto& [name, a] : params.items()) arg[name] = array_of(a);
  m.set_params(arg, {});
  sg::OptimizerParams p;
  for (const auto& [k, v] : params_of(c)) p[k] = v;
  m.init_optimizer({.optimizer = c.at("optimizer").get<std::string>(), .optimizer_params = p});
  return m;
}

std::string temp_path(const std::string& name) { return testing::scratch("states") + "/" + name; }

}  // namespace

TEST_CASE("states: MXNet 1.9.1's .states files load into every optimizer, with MXNet's layout") {
  json g = read_json("states.json");
  REQUIRE(g.at("cases").size() == 15);
  for (const auto& c : g.at("cases")) {
    INFO("case " << c.at("id").get<std::string>());
    auto o = optimizer_of(c);
    o->load_states(data_dir() + "/" + c.at("file").get<std::string>());
    check_states(*o, c);
    // MXNet keeps update counts in the optimizer, not in the file: a fresh optimizer restarts them.
    CHECK(o->update_count(0) == 0);
    CHECK(o->num_update() == 0);
    // What MXNet pickles for this optimizer: None, one NDArray, or a tuple.
    const std::string layout = c.at("states").at("0").at("layout");
    CHECK(layout == (o->state_names().empty() ? "none" : o->mxnet_state_is_tuple() ? "tuple" : "array"));
  }
}

TEST_CASE("states: a fresh sg::Module continues from MXNet's file as a fresh mx.mod.Module does") {
  // Same parameter names and order in both: the file's index i is the i-th of param_names().
  json g = read_json("states.json");
  for (const auto& c : g.at("cases")) {
    INFO("case " << c.at("id").get<std::string>());
    sg::Module m = module_of(c, c.at("saved_params"));
    CHECK(m.param_names() == c.at("param_names").get<std::vector<std::string>>());
    m.load_optimizer_states(data_dir() + "/" + c.at("file").get<std::string>());
    m.forward_backward(batch(3));
    m.update();
    auto [arg, aux] = m.get_params();
    for (const auto& [name, want] : c.at("next_params").items()) {
      INFO(name);
      sg::NDArray w = array_of(want);
      for (std::int64_t i = 0; i < w.size(); ++i)
        CHECK(arg.at(name).at_flat(i) == doctest::Approx(w.at_flat(i)).epsilon(2e-5).scale(1e-2));
    }
  }
}

TEST_CASE("states: pickle protocols 2, 3 and 5 and parameter-name keys read as protocol 4") {
  json g = read_json("states.json");
  const json* adam = nullptr;
  for (const auto& c : g.at("cases"))
    if (c.at("id") == "adam") adam = &c;
  REQUIRE(adam);
  for (std::string f :
       {"mx_adam_p2.states", "mx_adam_p3.states", "mx_adam_p5.states", "mx_adam_names.states"}) {
    INFO(f);
    auto o = optimizer_of(*adam);
    o->load_states(data_dir() + "/" + f);
    check_states(*o, *adam);
  }
  // Name keys need the names.
  auto o = opt::create("adam");
  CHECK_THROWS_WITH_AS(o->load_states(data_dir() + "/mx_adam_names.states"),
                       doctest::Contains("keys a state by the parameter name 'fc1_bias'"), sg::ValueError);
  o->set_param_names({"fc1_weight", "fc1_bias"});
  CHECK_THROWS_WITH_AS(o->load_states(data_dir() + "/mx_adam_names.states"),
                       doctest::Contains("parameters are fc1_weight, fc1_bias"), sg::ValueError);
}

TEST_CASE("states: files symgrad writes are MXNet's pickle, read back equal") {
  // tests/data/states/from_symgrad/ holds what this test writes, and make_states_golden.py --check
  // loads those files into MXNet 1.9.1 (mod.load_optimizer_states); the bytes must not drift.
  // SYMGRAD_STATES_OUT=<folder> writes them anew.
  json g = read_json("states.json");
  const char* out = std::getenv("SYMGRAD_STATES_OUT");
  const std::string path = temp_path("written.states");
  for (const auto& c : g.at("cases")) {
    const std::string file = c.at("file");
    INFO("case " << file);
    auto a = optimizer_of(c);
    a->load_states(data_dir() + "/" + file);
    a->save_states(path);
    const std::string bytes = testing::slurp(path);
    REQUIRE(bytes.size() > 2);
    CHECK(static_cast<unsigned char>(bytes[0]) == 0x80);
    CHECK(bytes[1] == 4);
    if (out) testing::spit(std::string(out) + "/" + file, bytes);
    CHECK(bytes == testing::slurp(data_dir() + "/from_symgrad/" + file));
    auto b = optimizer_of(c);
    b->load_states(path);
    check_states(*b, c);
  }
  // A folder that does not exist: IOError, and no file.
  CHECK_THROWS_WITH_AS(optimizer_of(g.at("cases").at(0))->save_states(path + ".missing/x.states"),
                       doctest::Contains("cannot open"), sg::IOError);
  // Nothing is left behind but the file itself.
  for (auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    CHECK(e.path().filename() == "written.states");
}

TEST_CASE("states: sg::Module numbers the optimizer's indices as MXNet's Module: param_names order") {
  json g = read_json("states.json");
  const json& c = g.at("cases").at(0);  // SGD with momentum: one array per index
  REQUIRE(c.at("id") == "sgd_momentum");
  sg::Module m = module_of(c, c.at("saved_params"));
  m.forward_backward(batch(0));
  m.update();
  const std::string path = temp_path("module.states");
  m.save_checkpoint(path.substr(0, path.size() - 7), 1, true);  // also writes <prefix>-0001.states
  auto o = optimizer_of(c);
  o->load_states(path.substr(0, path.size() - 7) + "-0001.states");
  const std::vector<sg::Shape> shapes = {
      {3, 4}, {3}, {2, 3}, {2}};  // fc1_weight, fc1_bias, fc2_weight, fc2_bias
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    REQUIRE(o->state(i) != nullptr);
    CHECK((*o->state(i))[0].shape() == shapes[i]);
  }
  CHECK(o->state(4) == nullptr);
}

TEST_CASE("states: loading MXNet's file keeps this optimizer's counts; a fresh one restarts them") {
  auto grad = [](int step) {
    sg::NDArray g(sg::Shape{5});
    for (int i = 0; i < 5; ++i) g.data<float>()[i] = static_cast<float>(std::cos(step + 0.3 * i));
    return g;
  };
  auto w0 = [] {
    sg::NDArray w(sg::Shape{5});
    for (int i = 0; i < 5; ++i) w.data<float>()[i] = 0.1f * static_cast<float>(i) - 0.2f;
    return w;
  };
  auto a = opt::create("adam", {{"learning_rate", 0.1}});
  auto ref = opt::create("adam", {{"learning_rate", 0.1}});
  sg::NDArray wa = w0(), wr = w0();
  for (int s = 0; s < 3; ++s) a->update(2, wa, grad(s)), ref->update(2, wr, grad(s));
  const std::string path = temp_path("counts.states");
  a->save_states(path);
  a->load_states(path);  // the same optimizer: counts stay, so it continues as if nothing happened
  CHECK(a->update_count(2) == 3);
  auto fresh = opt::create("adam", {{"learning_rate", 0.1}});
  fresh->load_states(path);
  CHECK(fresh->update_count(2) == 0);
  sg::NDArray wf = wa.copy();
  a->update(2, wa, grad(3));
  ref->update(2, wr, grad(3));
  fresh->update(2, wf, grad(3));
  CHECK(sg::nd::max_abs_diff(wa, wr) == 0);
  // The fresh optimizer's bias correction starts again at t = 1 (as MXNet's would): another step.
  CHECK(fresh->update_count(2) == 1);
  CHECK(sg::nd::max_abs_diff(wf, wr) > 1e-4);
  // An index in this optimizer but not in the file keeps its count; its state starts again at 0.
  auto b = opt::create("adam", {{"learning_rate", 0.1}});
  b->update(7, wr, grad(0));
  b->update(7, wr, grad(0));
  b->load_states(path);  // holds index 2 only
  CHECK(b->update_count(7) == 2);
  CHECK(b->state(7)->empty());
  b->update(7, wr, grad(0));
  CHECK(b->update_count(7) == 3);
  REQUIRE(b->state(7)->size() == 2);
}

TEST_CASE("states: a file of another optimizer or layout is refused with what it holds") {
  const std::string d = data_dir() + "/";
  auto sgd = opt::create("sgd");
  CHECK_THROWS_WITH_AS(
      sgd->load_states(d + "mx_adam.states"),
      doctest::Contains(
          "holds a tuple of 2 NDArrays as the state of index 0, but SGD(momentum=0) keeps None"),
      sg::ValueError);
  auto rms = opt::create("rmsprop", {{"centered", 1}});
  CHECK_THROWS_WITH_AS(rms->load_states(d + "mx_rmsprop.states"),
                       doctest::Contains("keeps a tuple of 3 NDArrays ('n', 'g', 'delta')"), sg::ValueError);
  auto mom = opt::create("sgd", {{"momentum", 0.9}});
  CHECK_THROWS_WITH_AS(
      mom->load_states(d + "mx_sgd.states"),
      doctest::Contains("holds None as the state of index 0, but SGD(momentum=0.9) keeps one NDArray"),
      sg::ValueError);
  // A bare array and a 1-tuple both serve an optimizer with one state.
  auto ada = opt::create("adagrad");
  CHECK_NOTHROW(ada->load_states(d + "mx_rmsprop.states"));
  // A failed load leaves the optimizer as it was.
  sg::NDArray w(sg::Shape{2}), g(sg::Shape{2});
  w.fill(1), g.fill(0.5);
  mom->update(0, w, g);
  CHECK_THROWS_AS(mom->load_states(d + "mx_adam.states"), sg::ValueError);
  CHECK(mom->update_count(0) == 1);
  CHECK((*mom->state(0))[0].shape() == sg::Shape{2});
}

TEST_CASE("states: corrupt and foreign files give IOError naming the file and the problem") {
  // tests/data/states/bad/README.md describes each file.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"truncated.states", "truncated"},
      {"protocol0.states", "is neither MXNet's optimizer states"},
      {"float_key.states", "opcode 0x47 (BINFLOAT)"},
      {"foreign_global.states", "'collections.OrderedDict'"},
      {"dump_optimizer.states", "dump_optimizer=True"},
      {"huge_length.states", "truncated: bytes of 2147483648 bytes"},
      {"memo_bomb.states", "decodes to more data than the file holds"},
      {"bad_magic.states", "unsupported array format"},
      {"huge_shape.states", "needs 4398046511104 bytes"},
      {"nested.states", "nests tuples"},
      {"trailing.states", "2 bytes follow the pickle's STOP opcode"},
      {"not_dict.states", "not a dict"},
  };
  for (const auto& [file, what] : cases) {
    INFO(file);
    const std::string path = data_dir() + "/bad/" + file;
    auto o = opt::create("adam");
    CHECK_THROWS_WITH_AS(o->load_states(path), doctest::Contains(what.c_str()), sg::IOError);
    CHECK_THROWS_WITH_AS(o->load_states(path), doctest::Contains(path.c_str()), sg::IOError);
  }
  // Every prefix of a good file is refused cleanly.
  const std::string good = testing::slurp(data_dir() + "/mx_adam_p2.states");
  const std::string path = temp_path("prefix.states");
  for (std::size_t n = 1; n < good.size(); ++n) {
    testing::spit(path, good.substr(0, n));
    auto o = opt::create("adam");
    CHECK_THROWS_AS(o->load_states(path), sg::IOError);
  }
  // And every single-byte change either loads or gives an sg::Error (never a crash).
  int refused = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    testing::spit(path, bad);
    auto o = opt::create("adam");
    try {
      o->load_states(path);
    } catch (const sg::Error&) {
      ++refused;
    }
  }
  CHECK(refused > 0);
}

TEST_CASE("adamw: MXNet 1.9.1's adamw_update, step by step") {
  json g = read_json("adamw.json");
  for (const auto& c : g.at("cases")) {
    INFO("case " << c.at("id").get<std::string>());
    auto o = opt::create("adamw", params_of(c));
    sg::NDArray w = array_of({{"shape", c.at("shape")}, {"values", c.at("weight0")}});
    int step = -1;
    for (const auto& s : c.at("steps")) {
      ++step;
      INFO("step " << step);
      sg::NDArray grad = array_of({{"shape", c.at("shape")}, {"values", s.at("grad")}});
      o->update(0, w, grad);
      auto check = [](const sg::NDArray& got, const json& want) {
        auto v = want.get<std::vector<double>>();
        for (std::size_t i = 0; i < v.size(); ++i)
          CHECK(got.at_flat(static_cast<std::int64_t>(i)) == doctest::Approx(v[i]).epsilon(1e-6).scale(1e-2));
      };
      check(w, s.at("weight"));
      check((*o->state(0))[0], s.at("mean"));
      check((*o->state(0))[1], s.at("var"));
    }
  }
  // rescale_grad 0 skips the update, as the operator does.
  auto o = opt::create("adamw", {{"rescale_grad", 0}, {"wd", 0.1}});
  sg::NDArray w(sg::Shape{3}), grad(sg::Shape{3});
  w.fill(1), grad.fill(2);
  o->update(0, w, grad);
  CHECK(w.at_flat(0) == 1.0);
  CHECK((*o->state(0))[0].at_flat(0) == 0.0);
  CHECK_THROWS_WITH_AS(opt::create("adamw", {{"momentum", 0.9}}), doctest::Contains("'eta'"), sg::ValueError);
  // States as Adam's in .states files: (mean, var), which MXNet's Adam file gives back byte for byte.
  const std::string path = temp_path("adamw.states");
  auto aw = opt::create("adamw");
  aw->load_states(data_dir() + "/mx_adam.states");
  aw->save_states(path);
  CHECK(testing::slurp(path) == testing::slurp(data_dir() + "/from_symgrad/mx_adam.states"));
}

TEST_CASE("sgld: the drift is MXNet's and the noise has variance lr; a seed repeats the draws") {
  const std::int64_t n = 200000;
  const double lr = 0.01, wd = 0.1, w0 = 0.5, g0 = 4.0;
  for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
    for (double clip : {-1.0, 1.0}) {
      INFO(sg::dtype_name(t) << " clip_gradient " << clip);
      auto o = opt::create("sgld", {{"learning_rate", lr}, {"wd", wd}, {"clip_gradient", clip}, {"seed", 3}});
      o->set_param_names({"fc_weight"});  // decayed by name
      sg::NDArray w(sg::Shape{n}, sg::cpu(), t), grad(sg::Shape{n}, sg::cpu(), t);
      w.fill(w0), grad.fill(g0);
      o->update(0, w, grad);
      double sum = 0, sq = 0;
      for (std::int64_t i = 0; i < n; ++i) sum += w.at_flat(i);
      const double mean = sum / static_cast<double>(n);
      for (std::int64_t i = 0; i < n; ++i) sq += (w.at_flat(i) - mean) * (w.at_flat(i) - mean);
      const double var = sq / static_cast<double>(n - 1);
      // w1 = w0 - lr/2 (clip(g) + wd w0) + N(0, sqrt(lr)): the mean is within 5 standard errors
      // (sqrt(lr / n) = 2.2e-4; the drift is 0.02 or 0.005), the variance within 2% (6 of its
      // relative standard errors, sqrt(2 / n)).
      const double drift = lr / 2 * ((clip > 0 ? std::min(g0, clip) : g0) + wd * w0);
      CHECK(std::fabs(mean - (w0 - drift)) < 5 * std::sqrt(lr / static_cast<double>(n)));
      CHECK(var == doctest::Approx(lr).epsilon(0.02));
      CHECK(o->state(0)->empty());  // no state: None in .states files
    }
  }
  auto draw = [](double seed) {
    auto o = opt::create("sgld", {{"seed", seed}});
    sg::NDArray w(sg::Shape{16}), grad(sg::Shape{16});
    w.fill(0), grad.fill(1);
    for (int s = 0; s < 3; ++s) o->update(s % 2, w, grad);
    return w;
  };
  CHECK(sg::nd::max_abs_diff(draw(7), draw(7)) == 0);
  CHECK(sg::nd::max_abs_diff(draw(7), draw(8)) > 1e-3);
  // No state: None per index in .states files, as MXNet's SGLD and plain SGD.
  const std::string path = temp_path("sgld.states");
  auto sgld = opt::create("sgld");
  sgld->load_states(data_dir() + "/mx_sgd.states");
  sgld->save_states(path);
  CHECK(testing::slurp(path) == testing::slurp(data_dir() + "/from_symgrad/mx_sgd.states"));
  CHECK_THROWS_WITH_AS(opt::create("sgld", {{"seed", -1}}), doctest::Contains("'seed' must be 0 or more"),
                       sg::ValueError);
}
