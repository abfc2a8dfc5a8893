// core/profiler.hpp: a profile of one ResNet-18 training step is valid Chrome trace JSON with an
// event for every node of the graph, forward and backward, and the aggregate table's total is
// the step's time; nothing is recorded while stopped; Module.fit's data waits are recorded.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

#include "testing.hpp"

namespace sg = symgrad;
namespace fs = std::filesystem;
using namespace sg::sym;

namespace {

int counter = 0;
std::string uniq(const std::string& p) { return p + std::to_string(counter++); }

Symbol conv_bn(const Symbol& x, std::int64_t f, std::int64_t k, std::int64_t s, bool act) {
  Symbol c = convolution(x, {.kernel = {k, k},
                             .stride = {s, s},
                             .pad = {k / 2, k / 2},
                             .num_filter = f,
                             .no_bias = true,
                             .name = uniq("conv")});
  Symbol b = batch_norm(c, {.fix_gamma = false, .name = uniq("bn")});
  return act ? activation(b, {.act_type = "relu", .name = uniq("relu")}) : b;
}

// ResNet-18 (v1 basic blocks), for 32x32 inputs and 10 classes.
Symbol resnet18() {
  Symbol x = conv_bn(var("data"), 64, 7, 2, true);
  x = pooling(x, {.kernel = {3, 3}, .pool_type = "max", .stride = {2, 2}, .pad = {1, 1}, .name = "pool0"});
  std::int64_t in = 64;
  for (std::int64_t f : {64, 128, 256, 512})
    for (int b = 0; b < 2; ++b) {
      const std::int64_t s = (b == 0 && f != 64) ? 2 : 1;
      Symbol y = conv_bn(conv_bn(x, f, 3, s, true), f, 3, 1, false);
      Symbol sc = (in != f) ? conv_bn(x, f, 1, s, false) : x;
      x = activation(elemwise_add(y, sc), {.act_type = "relu", .name = uniq("relu")});
      in = f;
    }
  x = pooling(x, {.kernel = {1, 1}, .pool_type = "avg", .global_pool = true, .name = "gap"});
  x = fully_connected(flatten(x), {.num_hidden = 10, .name = "fc"});
  return softmax_output(x, var("softmax_label"), {.name = "softmax"});
}

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() / ("symgrad_" + name)).string();
}

// The "Total" of a category in dumps().
double category_total(const std::string& table, const std::string& cat) {
  auto at = table.find("\n" + cat + "\n");
  REQUIRE(at != std::string::npos);
  auto t = table.find("\nTotal", at);
  REQUIRE(t != std::string::npos);
  std::istringstream in(table.substr(t + 6));
  double v = 0;
  in >> v;
  return v;
}

}  // namespace

TEST_CASE("profiler: one ResNet-18 training step as a Chrome trace, and the aggregate table") {
  Symbol net = resnet18();
  auto e = net.simple_bind(sg::cpu(), {{"data", {2, 3, 32, 32}}, {"softmax_label", {2}}});
  sg::nd::random::Generator g(2);
  for (auto& a : e.arg_arrays()) sg::nd::random::uniform(-0.1, 0.1, a.shape(), g).copy_to(a);
  e.arg_dict().at("softmax_label").data<float>()[0] = 3;
  e.arg_dict().at("softmax_label").data<float>()[1] = 7;
  e.forward(true);  // warm-up (and the convolutions' kernel choice) outside the profile
  e.backward();
  const std::string file = temp_file("profile.json");
  fs::remove(file);
  sg::profiler::set_config({.filename = file, .aggregate_stats = true});
  sg::profiler::dumps(true);
  sg::profiler::set_state("run");
  const auto t0 = std::chrono::steady_clock::now();
  e.forward(true);
  e.backward();
  const double wall =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  sg::profiler::set_state("stop");
  e.forward(false);  // not recorded
  sg::profiler::dump();
  const std::string table = sg::profiler::dumps(true);
  CAPTURE(table);

  std::ifstream f(file);
  REQUIRE(f.good());
  auto j = nlohmann::json::parse(f);  // throws on invalid JSON
  REQUIRE(j.contains("traceEvents"));
  std::set<std::string> forward, backward;
  double last_end = 0;
  for (const auto& ev : j["traceEvents"]) {
    if (ev["ph"] != "X") continue;
    CHECK(ev["dur"].get<double>() >= 0);
    last_end = std::max(last_end, ev["ts"].get<double>() + ev["dur"].get<double>());
    if (ev["cat"] == "operator") (ev["args"]["pass"] == "forward" ? forward : backward).insert(ev["name"]);
  }
  // every operator node of the graph ran once forward (recorded under its name)
  std::size_t nodes = 0;
  for (const auto& out : net.get_internals().list_outputs()) {
    const std::string node = out.substr(0, out.rfind('_'));
    if (out.ends_with("_output") && !node.empty()) {
      ++nodes;
      CHECK_MESSAGE(forward.count(node), node);
    }
  }
  CHECK(nodes > 60);
  CHECK(backward.size() > 40);
  CHECK(last_end > 0);
  // the operators' total is the step's wall time, within 5%
  const double total = category_total(table, "operator");
  CHECK(total <= wall * 1.001);
  CHECK(total >= wall * 0.95);
  fs::remove(file);
}

TEST_CASE("profiler: stopped records nothing; bad states and files are errors; no half-written file") {
  const std::string file = temp_file("profile_empty.json");
  sg::profiler::set_config({.filename = file});
  sg::profiler::dumps(true);
  auto e = fully_connected(var("x"), {.num_hidden = 2, .name = "fc"}).simple_bind(sg::cpu(), {{"x", {1, 3}}});
  e.forward(false);
  sg::profiler::dump();
  std::ifstream f(file);
  auto j = nlohmann::json::parse(f);
  int events = 0;
  for (const auto& ev : j["traceEvents"]) events += ev["ph"] == "X";
  CHECK(events == 0);
  CHECK(sg::profiler::dumps().find("operator") == std::string::npos);
  CHECK_THROWS_WITH_AS(sg::profiler::set_state("running"), doctest::Contains("'run' or 'stop'"),
                       sg::ValueError);
  sg::profiler::set_config({.filename = "/nonexistent-dir/p.json"});
  CHECK_THROWS_AS(sg::profiler::dump(), sg::IOError);
  CHECK_FALSE(fs::exists("/nonexistent-dir/p.json.tmp"));
  fs::remove(file);
}

TEST_CASE("profiler: Module.fit records the data iterator's waits") {
  sg::NDArray x(sg::Shape{8, 4}), y(sg::Shape{8});
  for (int i = 0; i < 8; ++i) y.data<float>()[i] = float(i % 2);
  sg::io::NDArrayIter it(x, y, {.batch_size = 4});
  Symbol net = softmax_output(fully_connected(var("data"), {.num_hidden = 2, .name = "fc"}),
                              var("softmax_label"), {.name = "softmax"});
  sg::Module mod(net, {.logger = [](const std::string&) {}});
  sg::profiler::dumps(true);
  sg::profiler::set_state("run");
  mod.fit(it, {.num_epoch = 1, .progress = "off"});
  sg::profiler::set_state("stop");
  const std::string table = sg::profiler::dumps(true);
  CAPTURE(table);
  CHECK(table.find("DataIter") != std::string::npos);
  CHECK(table.find("fc") != std::string::npos);
}
