// train/monitor.hpp: sg::Monitor as mx.mon.Monitor — which arrays it records and when (interval,
// pattern, sort), the default statistic against its closed form, NaN and Inf flagged by name,
// the executor's monitor callback (intermediate arrays even where inference fuses them), and
// Module.fit with a monitor.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

Symbol net() {
  Symbol h = activation(fully_connected(var("data"), {.num_hidden = 5, .name = "fc1"}), {.act_type = "relu"});
  return softmax_output(fully_connected(h, {.num_hidden = 3, .name = "fc2"}), var("softmax_label"),
                        {.name = "softmax"});
}

sg::Executor bound() {
  auto e = net().simple_bind(sg::cpu(), {{"data", {4, 6}}, {"softmax_label", {4}}});
  sg::nd::random::Generator g(3);
  for (auto& a : e.arg_arrays()) sg::nd::random::uniform(-1, 1, a.shape(), g).copy_to(a);
  float* l = e.arg_dict().at("softmax_label").data<float>();
  for (int i = 0; i < 4; ++i) l[i] = float(i % 3);
  return e;
}

double norm_stat(const sg::NDArray& a) {  // ‖a‖ / sqrt(size)
  double s = 0;
  for (std::int64_t i = 0; i < a.size(); ++i) s += a.at_flat(i) * a.at_flat(i);
  return std::sqrt(s / double(a.size()));
}

const sg::Monitor::Stat* find(const std::vector<sg::Monitor::Stat>& v, const std::string& name) {
  for (const auto& s : v)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("monitor: outputs, weights and gradients of a training step, with the default statistic") {
  auto e = bound();
  sg::Monitor mon(1);
  mon.install(e);
  mon.tic();
  e.forward(true);
  e.backward();
  auto stats = mon.toc();
  std::set<std::string> names;
  for (const auto& s : stats) names.insert(s.name);
  for (const char* n : {"fc1_output", "fc2_output", "softmax_output", "fc1_weight", "fc1_bias", "fc2_weight",
                        "data", "fc1_weight_grad", "fc2_bias_grad"})
    CHECK_MESSAGE(names.count(n), n);
  // the values: ‖a‖ / sqrt(size), as MXNet prints a float32 scalar, then a tab
  const auto* w = find(stats, "fc1_weight");
  REQUIRE(w);
  CHECK(w->step == 1);
  CHECK(std::abs(std::stod(w->value) - norm_stat(e.arg_dict().at("fc1_weight"))) < 1e-6);
  CHECK(w->value.back() == '\t');
  CHECK(find(stats, "softmax_output")->value == find(stats, "softmax_output")->value);
  CHECK(std::abs(std::stod(find(stats, "softmax_output")->value) - norm_stat(e.outputs()[0])) < 1e-6);
  const auto* g = find(stats, "fc1_weight_grad");
  REQUIRE(g);
  CHECK(std::abs(std::stod(g->value) - norm_stat(e.grad_dict().at("fc1_weight"))) < 1e-6);
  for (const auto& s : stats) CHECK_FALSE((s.nan || s.inf));
  // nothing recorded outside tic/toc
  e.forward(true);
  CHECK(mon.toc().empty());
}

TEST_CASE("monitor: interval, pattern and sort as MXNet's") {
  auto e = bound();
  sg::Monitor mon(2, {}, "fc.*weight", true);
  mon.install(e);
  std::vector<int> active;
  for (int b = 0; b < 5; ++b) {
    mon.tic();
    e.forward(true);
    e.backward();
    auto s = mon.toc();
    if (s.empty()) continue;
    active.push_back(s.front().step);
    std::vector<std::string> names;
    for (const auto& x : s) names.push_back(x.name);
    std::string all;
    for (const auto& n : names) all += n + " ";
    CAPTURE(all);
    // matched at the start of the name (the backward steps' outputs too); sorted by name
    CHECK(names == std::vector<std::string>{"fc1_backward_weight_grad", "fc1_weight", "fc1_weight_grad",
                                            "fc2_backward_weight_grad", "fc2_weight", "fc2_weight_grad"});
  }
  CHECK(active == std::vector<int>{1, 3, 5});  // batches 0, 2, 4; MXNet counts the step after tic
  CHECK_THROWS_AS(sg::Monitor(0), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::Monitor(1, {}, "fc[1"), doctest::Contains("not a regular expression"),
                       sg::ValueError);
}

TEST_CASE("monitor: a NaN put into a weight on purpose is flagged, naming the arrays") {
  auto e = bound();
  e.arg_dict().at("fc2_weight").data<float>()[4] = std::numeric_limits<float>::quiet_NaN();
  sg::Monitor mon(1, {}, ".*");
  mon.install(e);
  mon.tic();
  e.forward(true);
  std::ostringstream os;
  mon.toc_print(os);
  const std::string out = os.str();
  CAPTURE(out);
  CHECK(out.find("Monitor: NaN in fc2_weight at batch 1") != std::string::npos);
  CHECK(out.find("Monitor: NaN in fc2_output") != std::string::npos);  // the output it spoils
  CHECK(out.find("Monitor: NaN in fc1_weight") == std::string::npos);  // the others stay clean
  CHECK(out.find("Batch:       1 fc1_weight") != std::string::npos);
  // a custom statistic: the largest absolute value; an infinity is flagged too
  e.arg_dict().at("fc2_weight").data<float>()[4] = std::numeric_limits<float>::infinity();
  sg::Monitor maxabs(
      1,
      [](const sg::NDArray& a) {
        sg::NDArray r(sg::Shape{1});
        double m = 0;
        for (std::int64_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a.at_flat(i)));
        r.data<float>()[0] = float(m);
        return r;
      },
      "fc2_weight$");
  maxabs.install(e);
  maxabs.tic();
  e.forward(false);
  auto s = maxabs.toc();
  REQUIRE(s.size() == 1);
  CHECK(s[0].inf);
  CHECK(s[0].value == "inf\t");
}

TEST_CASE("monitor: inference with a monitor runs the plain steps, so fused intermediates are seen") {
  Symbol y = relu(batch_norm(convolution(var("data"), {.kernel = {3, 3}, .num_filter = 2, .name = "c"}),
                             {.fix_gamma = false, .name = "b"}));
  auto e = y.simple_bind(sg::cpu(), {{"data", {1, 2, 5, 5}}}, {.grad_req = "null"});
  CHECK(e.debug_str().find("_fused(") != std::string::npos);
  sg::Monitor mon(1, {}, "c_|b_");
  mon.install(e);
  mon.tic();
  e.forward(false);
  std::set<std::string> names;
  for (const auto& s : mon.toc()) names.insert(s.name);
  CHECK(names.count("c_output"));
  CHECK(names.count("b_output"));
}

TEST_CASE("monitor: Module.fit logs the statistics every interval batches") {
  sg::NDArray x(sg::Shape{16, 6}), yl(sg::Shape{16});
  sg::nd::random::Generator g(1);
  sg::nd::random::uniform(-1, 1, x.shape(), g).copy_to(x);
  for (int i = 0; i < 16; ++i) yl.data<float>()[i] = float(i % 3);
  sg::io::NDArrayIter it(x, yl, {.batch_size = 4});
  std::vector<std::string> lines;
  sg::Module mod(net(), {.logger = [&](const std::string& l) { lines.push_back(l); }});
  sg::Monitor mon(2, {}, "fc1_weight$");
  mod.fit(it, {.num_epoch = 1, .progress = "off", .monitor = &mon});
  int batches = 0;
  for (const auto& l : lines)
    batches += l.rfind("Batch:", 0) == 0 && l.find("fc1_weight") != std::string::npos;
  CHECK(batches == 2);  // batches 0 and 2 of 4
}
