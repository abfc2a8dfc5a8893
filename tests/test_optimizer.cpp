// Optimizers and learning-rate schedulers against MXNet 1.9.1 (goldens written by
// tests/reference/make_optimizer_golden.py into tests/data/optimizer/).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <symgrad/ndarray/ndarray.hpp>
#include <symgrad/train/optimizer.hpp>
#include <vector>

#include <unistd.h>

namespace {

namespace sg = symgrad;
namespace opt = symgrad::opt;
using nlohmann::json;

json read_json(const std::string& file) {
  std::ifstream in(std::string(SYMGRAD_TEST_DATA) + "/optimizer/" + file);
  REQUIRE_MESSAGE(in.good(),
                  "missing golden file " << file << "; run tests/reference/make_optimizer_golden.py");
  return json::parse(in);
}

std::shared_ptr<opt::LRScheduler> make_scheduler(const json& spec) {
  if (spec.is_null()) return nullptr;
  const std::string kind = spec.at("kind");
  const json& a = spec.at("args");
  auto num = [&](const char* k, double d) { return a.contains(k) ? a.at(k).get<double>() : d; };
  auto integer = [&](const char* k, std::int64_t d) {
    return a.contains(k) ? a.at(k).get<std::int64_t>() : d;
  };
  auto str = [&](const char* k) {
    return a.contains(k) ? a.at(k).get<std::string>() : std::string("linear");
  };
  if (kind == "factor")
    return std::make_shared<opt::FactorScheduler>(
        a.at("step").get<std::int64_t>(),
        opt::FactorSchedulerOptions{.factor = num("factor", 1),
                                    .stop_factor_lr = num("stop_factor_lr", 1e-8),
                                    .base_lr = num("base_lr", 0.01),
                                    .warmup_steps = integer("warmup_steps", 0),
                                    .warmup_begin_lr = num("warmup_begin_lr", 0),
                                    .warmup_mode = str("warmup_mode")});
  if (kind == "multifactor")
    return std::make_shared<opt::MultiFactorScheduler>(
        a.at("step").get<std::vector<std::int64_t>>(),
        opt::MultiFactorSchedulerOptions{.factor = num("factor", 1),
                                         .base_lr = num("base_lr", 0.01),
                                         .warmup_steps = integer("warmup_steps", 0),
                                         .warmup_begin_lr = num("warmup_begin_lr", 0),
                                         .warmup_mode = str("warmup_mode")});
  if (kind == "poly")
    return std::make_shared<opt::PolyScheduler>(
        a.at("max_update").get<std::int64_t>(),
        opt::PolySchedulerOptions{.base_lr = num("base_lr", 0.01),
                                  .pwr = num("pwr", 2),
                                  .final_lr = num("final_lr", 0),
                                  .warmup_steps = integer("warmup_steps", 0),
                                  .warmup_begin_lr = num("warmup_begin_lr", 0),
                                  .warmup_mode = str("warmup_mode")});
  if (kind == "cosine")
    return std::make_shared<opt::CosineScheduler>(
        a.at("max_update").get<std::int64_t>(),
        opt::CosineSchedulerOptions{.base_lr = num("base_lr", 0.01),
                                    .final_lr = num("final_lr", 0),
                                    .warmup_steps = integer("warmup_steps", 0),
                                    .warmup_begin_lr = num("warmup_begin_lr", 0),
                                    .warmup_mode = str("warmup_mode")});
  FAIL("unknown scheduler kind " << kind);
  return nullptr;
}

sg::NDArray array(const std::vector<double>& v, const sg::Shape& s, sg::DType t) {
  sg::NDArray a(s, sg::cpu(), t);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (t == sg::DType::float32)
      a.data<float>()[i] = static_cast<float>(v[i]);
    else
      a.data<double>()[i] = v[i];
  }
  return a;
}

bool close(double got, double want, double rtol, double atol) {
  return std::fabs(got - want) <= atol + rtol * std::fabs(want);
}

// Runs one golden case with weights and gradients of dtype t.
void run_golden(const json& c, sg::DType t) {
  const std::string id = c.at("id");
  INFO("case " << id << " (" << sg::dtype_name(t) << ")");
  std::map<std::string, double> params = c.at("params").get<std::map<std::string, double>>();
  auto o = opt::create(c.at("optimizer").get<std::string>(), params, make_scheduler(c.at("scheduler")));
  o->set_param_names(c.at("param_names").get<std::vector<std::string>>());
  std::map<std::string, sg::AttrMap> attrs;
  for (const auto& [name, m] : c.at("sym_attrs").items())
    for (const auto& [k, v] : m.items()) attrs[name][k] = v.get<std::string>();
  o->set_symbol_attrs(attrs);
  if (!c.at("lr_mult").empty()) o->set_lr_mult(c.at("lr_mult").get<std::map<std::string, double>>());
  if (!c.at("wd_mult").empty()) o->set_wd_mult(c.at("wd_mult").get<std::map<std::string, double>>());

  sg::Shape shape = sg::Shape::unknown_dims(0);
  for (auto d : c.at("shape")) shape.push_back(d.get<std::int64_t>());
  std::vector<sg::NDArray> weights;
  for (const auto& w : c.at("weights0")) weights.push_back(array(w.get<std::vector<double>>(), shape, t));
  // float32 agrees with MXNet to a few ulp; float64 runs against the float32 goldens differ by
  // float32's rounding over the steps.
  const double rtol = t == sg::DType::float32 ? 1e-6 : 1e-5, atol = t == sg::DType::float32 ? 1e-8 : 1e-7;
  int step = 0;
  for (const auto& s : c.at("steps")) {
    INFO("step " << step);
    auto index = s.at("index").get<std::size_t>();
    sg::NDArray g = array(s.at("grad").get<std::vector<double>>(), shape, t);
    o->update(index, weights[index], g);
    auto want = s.at("weight").get<std::vector<double>>();
    for (std::size_t i = 0; i < want.size(); ++i) {
      double got = weights[index].at_flat(static_cast<std::int64_t>(i));
      CHECK_MESSAGE(close(got, want[i], rtol, atol),
                    "element " << i << ": symgrad " << got << ", MXNet " << want[i]);
    }
    CHECK(o->num_update() == s.at("num_update").get<std::int64_t>());
    CHECK(o->learning_rate() == doctest::Approx(s.at("learning_rate").get<double>()).epsilon(1e-12));
    ++step;
  }
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("symgrad_opt_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

}  // namespace

TEST_CASE("optimizers match MXNet 1.9.1 step by step (float32)") {
  json g = read_json("updates.json");
  CHECK(g.at("mxnet") == "1.9.1");
  REQUIRE(g.at("cases").size() >= 25);
  for (const auto& c : g.at("cases")) run_golden(c, sg::DType::float32);
}

TEST_CASE("optimizers on float64 weights follow the same updates") {
  json g = read_json("updates.json");
  for (const auto& c : g.at("cases")) run_golden(c, sg::DType::float64);
}

TEST_CASE("schedulers match MXNet 1.9.1 over a sequence of num_update") {
  json g = read_json("schedulers.json");
  REQUIRE(g.at("cases").size() >= 10);
  for (const auto& c : g.at("cases")) {
    INFO(c.at("kind").get<std::string>() << " " << c.at("args").dump());
    auto s = make_scheduler(c);
    auto ns = c.at("num_update").get<std::vector<std::int64_t>>();
    auto lrs = c.at("lr").get<std::vector<double>>();
    for (std::size_t i = 0; i < ns.size(); ++i) {
      INFO("num_update " << ns[i]);
      CHECK((*s)(ns[i]) == doctest::Approx(lrs[i]).epsilon(1e-12));
    }
    CHECK(s->base_lr() == doctest::Approx(c.at("base_lr_after").get<double>()).epsilon(1e-12));
  }
}

TEST_CASE("FactorScheduler logs each change as MXNet") {
  std::vector<std::string> lines;
  opt::FactorScheduler s(
      2, {.factor = 0.5, .stop_factor_lr = 0.02, .base_lr = 0.1, .logger = [&](const std::string& l) {
            lines.push_back(l);
          }});
  CHECK(s(3) == doctest::Approx(0.05));
  CHECK(s(7) == doctest::Approx(0.02));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Update[3]: Change learning rate to 5.00000e-02");
  CHECK(lines[2] == "Update[7]: now learning rate arrived at 2.00000e-02, will not change in the future");
}

TEST_CASE("create: names, defaults and the learning rate a scheduler gets") {
  CHECK(opt::create("SGD")->name() == "sgd");
  CHECK(opt::create("Adam")->name() == "adam");
  CHECK(opt::create("RMSProp", {{"centered", 1}})->state_names() ==
        std::vector<std::string>{"n", "g", "delta"});
  CHECK(opt::create("sgd")->learning_rate() == doctest::Approx(0.01));
  CHECK(opt::create("adam")->learning_rate() == doctest::Approx(0.001));
  CHECK(opt::create("sgd", {{"momentum", 0.9}})->state_names() == std::vector<std::string>{"momentum"});
  CHECK(opt::create("nag")->state_names().empty());
  CHECK(opt::create("signum")->state_names() == std::vector<std::string>{"momentum"});
  CHECK(opt::create("signum", {{"momentum", 0}})->state_names().empty());
  CHECK(opt::create("ftml")->state_names() == std::vector<std::string>{"d", "v", "z"});
  CHECK(opt::create("ftrl")->state_names() == std::vector<std::string>{"z", "n"});
  // MXNet's defaults: the rate each passes on (Ftrl keeps its own aside from a scheduler).
  CHECK(opt::create("signum")->learning_rate() == doctest::Approx(0.01));
  CHECK(opt::create("ftml")->learning_rate() == doctest::Approx(0.01));
  CHECK(opt::create("ftrl")->learning_rate() == doctest::Approx(0.1));
  CHECK(opt::create("adamax")->learning_rate() == doctest::Approx(0.002));
  CHECK(opt::create("nadam")->learning_rate() == doctest::Approx(0.001));
  CHECK(opt::create("lamb")->learning_rate() == doctest::Approx(0.001));
  CHECK(opt::create("lars")->learning_rate() == doctest::Approx(0.01));

  // No learning_rate: the scheduler's base_lr stands. Adam's default 0.001 overwrites it (MXNet).
  auto s = std::make_shared<opt::FactorScheduler>(10, opt::FactorSchedulerOptions{.base_lr = 0.3});
  CHECK(opt::create("sgd", {}, s)->learning_rate() == doctest::Approx(0.3));
  CHECK(opt::create("sgd", {{"learning_rate", 0.2}}, s)->learning_rate() == doctest::Approx(0.2));
  CHECK(s->base_lr() == doctest::Approx(0.2));
  opt::create("adam", {}, s);
  CHECK(s->base_lr() == doctest::Approx(0.001));

  opt::SGD sgd({.learning_rate = 0.5, .momentum = 0.9, .wd = 1e-4});
  CHECK(sgd.learning_rate() == 0.5);
  sgd.set_learning_rate(0.25);
  CHECK(sgd.learning_rate() == 0.25);
  auto with_sched = opt::create("sgd", {}, s);
  CHECK_THROWS_AS(with_sched->set_learning_rate(0.1), sg::ValueError);
}

TEST_CASE("lr_mult and wd_mult: MXNet's defaults, symbol attributes and explicit settings") {
  opt::SGD o({.learning_rate = 0.1, .wd = 0.01});
  o.set_param_names({"data", "fc_weight", "fc_bias", "bn_gamma", "bn_beta", "emb_weight"});
  CHECK(o.get_wd(0) == 0.0);
  CHECK(o.get_wd(1) == doctest::Approx(0.01));
  CHECK(o.get_wd(2) == 0.0);
  CHECK(o.get_wd(3) == doctest::Approx(0.01));
  CHECK(o.get_wd(4) == 0.0);
  CHECK(o.get_wd(99) == doctest::Approx(0.01));  // an index without a name: multiplier 1, as MXNet
  o.set_symbol_attrs(
      {{"fc_bias", {{"__wd_mult__", "2"}, {"__lr_mult__", "0.5"}}}, {"emb_weight", {{"__lr_mult__", "3"}}}});
  CHECK(o.get_wd(2) == doctest::Approx(0.02));
  CHECK(o.get_lr(2) == doctest::Approx(0.05));
  CHECK(o.get_lr(5) == doctest::Approx(0.3));
  o.set_lr_mult({{"fc_bias", 4.0}});  // explicit settings win over attributes
  o.set_wd_mult({{"fc_weight", 0.0}});
  CHECK(o.get_lr(2) == doctest::Approx(0.4));
  CHECK(o.get_lr(5) == doctest::Approx(0.3));
  CHECK(o.get_wd(1) == 0.0);
  CHECK(o.get_wd(2) == doctest::Approx(0.02));
  CHECK_THROWS_WITH_AS(o.set_symbol_attrs({{"fc_bias", {{"__lr_mult__", "fast"}}}}),
                       doctest::Contains("'fast', not a number"), sg::ValueError);
  // LARS decays only *_weight by default (MXNet's LARS.set_wd_mult), not *_gamma.
  auto lars = opt::create("lars", {{"wd", 0.01}});
  lars->set_param_names({"fc_weight", "bn_gamma"});
  CHECK(lars->get_wd(0) == doctest::Approx(0.01));
  CHECK(lars->get_wd(1) == 0.0);
}

TEST_CASE("save_states in symgrad's format: a loaded optimizer continues identically") {
  struct Config {
    std::string name;
    std::map<std::string, double> params;
  };
  const std::vector<Config> configs = {
      {"sgd", {{"learning_rate", 0.1}}},
      {"sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}, {"wd", 0.01}}},
      {"nag", {{"momentum", 0.8}}},
      {"adam", {{"learning_rate", 0.01}, {"clip_gradient", 0.4}}},
      {"adagrad", {{"learning_rate", 0.1}}},
      {"rmsprop", {{"centered", 1}, {"learning_rate", 0.01}}},
      {"rmsprop", {}},
      {"adadelta", {{"rho", 0.8}}},
      {"signum", {{"wd_lh", 0.01}}},
      {"signum", {{"momentum", 0}}},
      {"ftml", {}},
      {"ftrl", {{"lamda1", 0.001}}},
      {"adamax", {{"wd", 0.01}}},  // without wd, the zero gradient at step 0 divides 0 by 0 (MXNet too)
      {"nadam", {}},               // its momentum schedule is saved with the states
      {"lamb", {{"lower_bound", 0.1}}},
      {"lars", {{"momentum", 0.9}, {"eta", 0.01}}},  // the rates of the momentum correction are saved
      {"adamw", {{"wd", 0.01}, {"correct_bias", 1}}},
      {"sgld", {{"wd", 0.01}}},  // a is made afresh too, so that both generators start at the seed
  };
  const std::string path = temp_path("states");
  for (const auto& cfg : configs) {
    for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
      INFO(cfg.name << " " << sg::dtype_name(t));
      auto grad_at = [&](int step, int index) {
        std::vector<double> v(6);
        for (int i = 0; i < 6; ++i) v[i] = std::sin(1.3 * step + 0.7 * i + index) * (index ? 0.5 : 1.0);
        return array(v, {2, 3}, t);
      };
      auto sched = [] {
        return std::make_shared<opt::FactorScheduler>(
            2, opt::FactorSchedulerOptions{.factor = 0.7, .base_lr = 0.05});
      };
      auto params = cfg.params;
      params.erase("learning_rate");  // the scheduler sets the rate (Adam and RMSProp overwrite it)
      auto a = opt::create(cfg.name, params, sched());
      std::vector<sg::NDArray> wa = {array({0.5, -0.3, 0.8, -1.2, 0.05, 2.0}, {2, 3}, t),
                                     array({0.1, 0.2, -0.3, 0.4, 0.0, -0.6}, {2, 3}, t)};
      for (int step = 0; step < 3; ++step)
        for (int i = 0; i < 2; ++i) a->update(static_cast<std::size_t>(i) * 3, wa[i], grad_at(step, i));
      a->save_states(path, opt::StatesFormat::symgrad);
      std::vector<sg::NDArray> wb = {wa[0].copy(), wa[1].copy()};

      auto b = opt::create(cfg.name, params, sched());
      if (cfg.name == "sgld") {  // the same generator state in both: a fresh pair from here on
        a = opt::create(cfg.name, params, sched());
        a->load_states(path);
        wb = {wa[0].copy(), wa[1].copy()};
      }
      b->load_states(path);
      CHECK(b->num_update() == 3);
      CHECK(b->update_count(3) == 3);
      for (int step = 3; step < 6; ++step)
        for (int i = 0; i < 2; ++i) {
          a->update(static_cast<std::size_t>(i) * 3, wa[i], grad_at(step, i));
          b->update(static_cast<std::size_t>(i) * 3, wb[i], grad_at(step, i));
        }
      for (int i = 0; i < 2; ++i)
        for (std::int64_t k = 0; k < 6; ++k) CHECK(wa[i].at_flat(k) == wb[i].at_flat(k));
      CHECK(a->learning_rate() == b->learning_rate());
    }
  }
  std::filesystem::remove(path);
}

TEST_CASE("load_states: clear errors for bad or foreign files") {
  const std::string path = temp_path("bad");
  auto w = array({1, 2, 3}, {3}, sg::DType::float32);
  auto g = array({0.1, 0.2, 0.3}, {3}, sg::DType::float32);

  auto sgd = opt::create("sgd", {{"momentum", 0.9}});
  CHECK_THROWS_WITH_AS(sgd->load_states(path + ".missing"), doctest::Contains("cannot open"), sg::IOError);
  { std::ofstream(path) << "not an NDArray file"; }
  CHECK_THROWS_AS(sgd->load_states(path), sg::IOError);
  sg::nd::save(path, std::vector<sg::NDArray>{w});  // an unnamed list
  CHECK_THROWS_AS(sgd->load_states(path), sg::IOError);
  sg::nd::save(path, std::map<std::string, sg::NDArray>{{"fc_weight", w}});
  CHECK_THROWS_WITH_AS(sgd->load_states(path), doctest::Contains("unexpected entry 'fc_weight'"),
                       sg::IOError);

  auto adam = opt::create("adam");
  adam->update(0, w, g);
  adam->save_states(path, opt::StatesFormat::symgrad);
  CHECK_THROWS_WITH_AS(sgd->load_states(path), doctest::Contains("holds state 'mean' for index 0"),
                       sg::ValueError);
  auto rms = opt::create("rmsprop", {{"centered", 1}});
  CHECK_THROWS_WITH_AS(rms->load_states(path), doctest::Contains("'n', 'g', 'delta'"), sg::ValueError);

  // States loaded for another shape are caught at the next update.
  auto adam2 = opt::create("adam");
  adam2->load_states(path);
  auto w4 = array({1, 2, 3, 4}, {4}, sg::DType::float32);
  CHECK_THROWS_WITH_AS(adam2->update(0, w4, w4), doctest::Contains("optimizer state has shape (3,)"),
                       sg::ShapeError);
  auto w64 = array({1, 2, 3}, {3}, sg::DType::float64);
  CHECK_THROWS_WITH_AS(adam2->update(0, w64, w64), doctest::Contains("optimizer state is float32"),
                       sg::TypeError);
  // A failed load leaves the optimizer as it was.
  CHECK(adam2->update_count(0) == 1);
  std::filesystem::remove(path);
}

TEST_CASE("update: errors name the index, the parameter and what was wrong") {
  auto o = opt::create("sgd", {{"momentum", 0.9}});
  o->set_param_names({"fc_weight"});
  auto w = array({1, 2, 3, 4, 5, 6}, {2, 3}, sg::DType::float32);
  auto g = array({1, 2, 3}, {3}, sg::DType::float32);
  CHECK_THROWS_WITH_AS(
      o->update(0, w, g),
      doctest::Contains(
          "sgd.update: index 0 ('fc_weight'): the gradient has shape (3,) but the weight (2, 3)"),
      sg::ShapeError);
  sg::NDArray wi(sg::Shape{3}, sg::cpu(), sg::DType::int32), gi(sg::Shape{3}, sg::cpu(), sg::DType::int32);
  CHECK_THROWS_WITH_AS(o->update(1, wi, gi), doctest::Contains("float32 and float64 weights, not int32"),
                       sg::TypeError);
  auto g64 = array({1, 2, 3, 4, 5, 6}, {2, 3}, sg::DType::float64);
  CHECK_THROWS_WITH_AS(o->update(0, w, g64),
                       doctest::Contains("the gradient is float64 but the weight float32"), sg::TypeError);
  sg::NDArray none;
  CHECK_THROWS_AS(o->update(0, w, none), sg::ValueError);
  CHECK(o->num_update() == 0);  // nothing counted for failed updates
}

TEST_CASE("create: unknown names and parameters") {
  CHECK_THROWS_WITH_AS(opt::create("adm"), doctest::Contains("unknown optimizer 'adm'. Did you mean 'adam'?"),
                       sg::NameError);
  CHECK_THROWS_WITH_AS(opt::create("adm"),
                       doctest::Contains("'sgd', 'nag', 'adam', 'adagrad', 'rmsprop', 'adadelta'"),
                       sg::NameError);
  CHECK_THROWS_WITH_AS(opt::create("dcasgd"),
                       doctest::Contains("MXNet has 'dcasgd', but symgrad does not provide it"),
                       sg::NameError);
  CHECK_THROWS_WITH_AS(
      opt::create("sgd", {{"momentun", 0.9}}),
      doctest::Contains("'sgd' has no parameter 'momentun'; it takes 'momentum', 'lazy_update', "
                        "'learning_rate'"),
      sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::create("sgd", {{"momentun", 0.9}}), doctest::Contains("Did you mean 'momentum'?"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::create("adagrad", {{"epsilon", 1e-6}}), doctest::Contains("it takes 'eps'"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::create("adam", {{"lr_scheduler", 1}}), doctest::Contains("third argument"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::create("rmsprop", {{"centered", 0.5}}), doctest::Contains("give 0 or 1"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::create("sgd", {{"begin_num_update", 1.5}}), doctest::Contains("whole number"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::create("sgd", {{"momentum", -0.5}}), doctest::Contains("momentum must be 0"),
                       sg::ValueError);
  // Accepted and ignored, as for dense arrays in MXNet.
  CHECK_NOTHROW(opt::create("adam", {{"lazy_update", 0}, {"multi_precision", 1}}));
}

TEST_CASE("scheduler arguments are checked as MXNet checks them") {
  CHECK_THROWS_WITH_AS(opt::FactorScheduler(0), doctest::Contains("step must be at least 1"), sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::FactorScheduler(5, {.factor = 1.5}),
                       doctest::Contains("factor must be no more than 1"), sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::MultiFactorScheduler({5, 5}), doctest::Contains("increasing"), sg::ValueError);
  CHECK_THROWS_AS(opt::MultiFactorScheduler({}), sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::PolyScheduler(0), doctest::Contains("strictly positive"), sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::CosineScheduler(5, {.warmup_steps = 5}),
                       doctest::Contains("must exceed warmup_steps"), sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::CosineScheduler(10, {.warmup_mode = "cubic"}), doctest::Contains("'cubic'"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(opt::PolyScheduler(10, {.base_lr = 0.01, .warmup_begin_lr = 0.1}),
                       doctest::Contains("higher than warmup_begin_lr"), sg::ValueError);
  CHECK_THROWS_AS(opt::FactorScheduler(5, {.warmup_steps = -1}), sg::ValueError);
}

TEST_CASE("update keeps its state buffers from step to step") {
  auto o = opt::create("rmsprop", {{"centered", 1}});
  auto w = array({1, 2, 3, 4}, {2, 2}, sg::DType::float32);
  auto g = array({0.1, -0.2, 0.3, -0.4}, {2, 2}, sg::DType::float32);
  CHECK(o->state(0) == nullptr);
  o->update(0, w, g);
  REQUIRE(o->state(0) != nullptr);
  std::vector<const void*> bufs;
  for (const auto& s : *o->state(0)) bufs.push_back(s.raw_data());
  for (int i = 0; i < 3; ++i) o->update(0, w, g);
  for (std::size_t k = 0; k < bufs.size(); ++k) CHECK((*o->state(0))[k].raw_data() == bufs[k]);
  CHECK(o->update_count(0) == 4);
}
