// train/initializer: MXNet 1.9.1's initializers. Dispatch (suffixes, __init__, the label that
// reached the initializer), the distributions' statistics against their closed forms, Orthogonal's
// orthonormality, dumps() against real MXNet (tests/data/init, from make_init_golden.py) and the
// create() round trip, Mixed, Load, the fills, LSTMBias/Bilinear/FusedRNN values, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <symgrad/ndarray/io.hpp>
#include <symgrad/train/initializer.hpp>

namespace sg = symgrad;
namespace init = symgrad::init;

namespace {

nlohmann::json read_json(const std::string& name) {
  std::ifstream f(std::string(SYMGRAD_TEST_DATA) + "/init/" + name);
  REQUIRE_MESSAGE(f.good(),
                  "missing tests/data/init/" << name << "; run tests/reference/make_init_golden.py");
  return nlohmann::json::parse(f);
}

sg::NDArray zeros(sg::Shape s, sg::DType t = sg::DType::float32) { return sg::NDArray(s, sg::cpu(), t); }

struct Stats {
  double mean = 0, var = 0, min = 1e300, max = -1e300;
};
Stats stats(const sg::NDArray& a) {
  Stats s;
  const auto n = static_cast<double>(a.size());
  for (std::int64_t i = 0; i < a.size(); ++i) {
    double v = a.at_flat(i);
    s.mean += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean /= n;
  for (std::int64_t i = 0; i < a.size(); ++i) s.var += (a.at_flat(i) - s.mean) * (a.at_flat(i) - s.mean);
  s.var /= n;
  return s;
}

void run(const init::Initializer& in, const std::string& name, const sg::NDArray& a, std::uint64_t seed = 1,
         sg::AttrMap attrs = {}) {
  sg::nd::random::Generator g(seed);
  in(init::InitDesc{name, std::move(attrs)}, a, g);
}

bool all_equal(const sg::NDArray& a, double v) {
  for (std::int64_t i = 0; i < a.size(); ++i)
    if (a.at_flat(i) != v) return false;
  return true;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const sg::Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Checks a random fill against U(-s, s) (uniform) or N(0, s^2).
void check_distribution(const sg::NDArray& a, bool uniform, double s) {
  Stats st = stats(a);
  const double n = static_cast<double>(a.size()), var = uniform ? s * s / 3 : s * s;
  CHECK(std::fabs(st.mean) < 5 * std::sqrt(var / n));
  CHECK(st.var == doctest::Approx(var).epsilon(0.03));
  if (uniform) {
    CHECK(st.max <= s);
    CHECK(st.min >= -s);
    CHECK(st.max > 0.99 * s);
    CHECK(st.min < -0.99 * s);
  } else {
    CHECK(st.max > 3.5 * s);  // tails: a uniform of the same variance stops at 1.73 s
  }
}

}  // namespace

TEST_CASE("init: dispatch by name suffix") {
  init::Uniform u({.scale = 0.5});
  for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
    auto w = zeros(sg::Shape{40, 30}, t);
    run(u, "fc1_weight", w);
    Stats s = stats(w);
    CHECK(s.max <= 0.5);
    CHECK(s.min >= -0.5);
    CHECK(s.max > 0.4);
    const std::pair<const char*, double> fills[] = {
        {"fc1_bias", 0},       {"bn_gamma", 1},      {"bn_beta", 0},
        {"bn_moving_mean", 0}, {"bn_moving_var", 1}, {"bn_moving_inv_var", 0},
        {"bn_moving_avg", 0},  {"q_min", 0},         {"q_max", 1}};
    for (const auto& [name, v] : fills) {
      auto a = zeros(sg::Shape{7}, t);
      a.fill(5);
      run(u, name, a);
      CHECK_MESSAGE(all_equal(a, v), name);
    }
  }
  CHECK(init::known_pattern("conv0_weight"));
  CHECK(init::known_pattern("bn_moving_var"));
  CHECK_FALSE(init::known_pattern("softmax_label"));
  CHECK_FALSE(init::known_pattern("data"));
  // An empty array is an error, not a silent no-op.
  CHECK_THROWS_AS(run(u, "fc_weight", sg::NDArray()), sg::ValueError);
}

TEST_CASE("init: a variable's __init__ wins over the name and the global initializer") {
  init::Uniform u;
  auto w = zeros(sg::Shape{4, 3});
  run(u, "fc_weight", w, 1, {{"__init__", init::Zero().dumps()}});
  CHECK(all_equal(w, 0));
  auto b = zeros(sg::Shape{5});
  run(u, "fc_bias", b, 1, {{"__init__", R"(["one", {}])"}});
  CHECK(all_equal(b, 1));
  auto x = zeros(sg::Shape{2, 2}, sg::DType::float64);
  run(u, "anything", x, 1, {{"__init__", R"(["constant", {"value": 2.5}])"}});
  CHECK(all_equal(x, 2.5));
  // BatchNorm's statistics as MXNet 1.9.1 marks them.
  auto mv = zeros(sg::Shape{3});
  run(u, "bn_moving_var", mv, 1, {{"__init__", R"(["one", {}])"}});
  CHECK(all_equal(mv, 1));
  // An empty __init__ falls through to the name.
  auto g = zeros(sg::Shape{3});
  run(u, "bn_gamma", g, 1, {{"__init__", ""}});
  CHECK(all_equal(g, 1));
  // LSTMCell's i2h_bias: the string rnn/cells.hpp writes.
  std::string lstm_json = "[\"lstmbias\", {\"forget_bias\": " + sg::attr::format(1.0) + "}]";
  CHECK(lstm_json == init::LSTMBias().dumps());
  auto ib = zeros(sg::Shape{8});
  run(u, "lstm_i2h_bias", ib, 1, {{"__init__", lstm_json}});
  CHECK(ib.to_vector<double>() == std::vector<double>{0, 0, 1, 1, 0, 0, 0, 0});
  // The __init__ initializer's weight rule applies whatever the name: Xavier on a "bias".
  auto xb = zeros(sg::Shape{6, 4});
  run(u, "odd_bias", xb, 1, {{"__init__", init::Xavier().dumps()}});
  CHECK(stats(xb).max > 0);
  CHECK(stats(xb).max <= std::sqrt(3.0 / 5));
}

TEST_CASE("init: a label missing from label_names that reaches the initializer") {
  for (const char* label : {"new_label", "softmax_label"}) {
    auto a = zeros(sg::Shape{32});
    std::string m = error_of([&] { run(init::Uniform({.scale = 0.01}), label, a); });
    INFO(m);
    CHECK(m.starts_with("ValueError: Unknown initialization pattern for " + std::string(label) + "."));
    CHECK(m.find("looks like a label") != std::string::npos);
    CHECK(m.find("label_names") != std::string::npos);
    CHECK(m.find(".label_names = {\"" + std::string(label) + "\"}") !=
          std::string::npos);  // fix 1: declare it
    CHECK(m.find("trailing comma") != std::string::npos);
    CHECK(m.find("var(\"" + std::string(label) + "\", {.init = ") !=
          std::string::npos);  // fix 2: an initializer
  }
  auto a = zeros(sg::Shape{3});
  std::string m = error_of([&] { run(init::Uniform(), "embed_table", a); });
  CHECK(m.find("data_names") != std::string::npos);
  CHECK(m.find("looks like a label") == std::string::npos);
}

TEST_CASE("init: Uniform and Normal statistics, float32 and float64, reproducible") {
  for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
    auto a = zeros(sg::Shape{400, 500}, t);
    run(init::Uniform(), "w_weight", a);
    check_distribution(a, true, 0.07);
    run(init::Uniform({.scale = 2.0}), "w_weight", a, 3);
    check_distribution(a, true, 2.0);
    run(init::Normal(), "w_weight", a);
    check_distribution(a, false, 0.01);
    run(init::Normal({.sigma = 0.5}), "w_weight", a, 9);
    check_distribution(a, false, 0.5);
  }
  auto a = zeros(sg::Shape{1000}), b = zeros(sg::Shape{1000}), c = zeros(sg::Shape{1000});
  run(init::Normal(), "w_weight", a, 42);
  run(init::Normal(), "w_weight", b, 42);
  run(init::Normal(), "w_weight", c, 43);
  CHECK(a.to_vector<float>() == b.to_vector<float>());
  CHECK(a.to_vector<float>() != c.to_vector<float>());
  // The same draws as nd::random with the same seed.
  sg::nd::random::Generator g(42);
  CHECK(sg::nd::random::normal(0, 0.01, sg::Shape{1000}, g).to_vector<float>() == a.to_vector<float>());
  // Integer arrays cannot hold the draws.
  auto i = zeros(sg::Shape{3}, sg::DType::int32);
  CHECK(error_of([&] { run(init::Uniform(), "w_weight", i); }).find("'w_weight'") != std::string::npos);
}

TEST_CASE("init: Xavier fans and bounds, 2-D and 4-D") {
  struct Case {
    sg::Shape shape;
    std::string rnd, factor;
    double magnitude, fan_in, fan_out;
  };
  const Case cases[] = {
      {sg::Shape{600, 400}, "uniform", "avg", 3, 400, 600},
      {sg::Shape{128, 64, 3, 3}, "uniform", "avg", 3, 64 * 9, 128 * 9},
      {sg::Shape{64, 128, 5, 5}, "uniform", "in", 2, 128 * 25, 64 * 25},
      {sg::Shape{64, 32, 3, 3, 3}, "gaussian", "out", 3, 32 * 27, 64 * 27},
      {sg::Shape{500, 300}, "gaussian", "avg", 1, 300, 500},
  };
  for (const auto& c : cases) {
    for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
      CAPTURE(c.shape.str());
      CAPTURE(c.factor);
      init::Xavier x({.rnd_type = c.rnd, .factor_type = c.factor, .magnitude = c.magnitude});
      const double factor = c.factor == "avg"  ? (c.fan_in + c.fan_out) / 2
                            : c.factor == "in" ? c.fan_in
                                               : c.fan_out;
      const double s = std::sqrt(c.magnitude / factor);
      CHECK(x.scale_for("w", c.shape) == doctest::Approx(s));
      auto a = zeros(c.shape, t);
      run(x, "conv_weight", a, 11);
      check_distribution(a, c.rnd == "uniform", s);
    }
  }
  // The default: uniform, avg, 3.
  auto d = zeros(sg::Shape{300, 200});
  run(init::Xavier(), "fc_weight", d);
  check_distribution(d, true, std::sqrt(3.0 / 250));
  // Vectors: MXNet's error, naming the argument.
  auto v = zeros(sg::Shape{10});
  std::string m = error_of([&] { run(init::Xavier(), "fc_weight", v); });
  CHECK(m.find("Xavier initializer cannot be applied to vector fc_weight. It requires at least 2D") !=
        std::string::npos);
  CHECK_THROWS_AS(init::Xavier({.rnd_type = "normal"}), sg::ValueError);
  CHECK(error_of([] { init::Xavier({.factor_type = "fan"}); }).find("'avg', 'in' or 'out'") !=
        std::string::npos);
}

TEST_CASE("init: MSRAPrelu is a gaussian Xavier with magnitude 2/(1+slope^2)") {
  for (double slope : {0.25, 0.0}) {
    for (const char* f : {"avg", "in", "out"}) {
      init::MSRAPrelu m({.factor_type = f, .slope = slope});
      const double fi = 64 * 9, fo = 256 * 9;
      const double factor = std::string(f) == "avg" ? (fi + fo) / 2 : std::string(f) == "in" ? fi : fo;
      auto a = zeros(sg::Shape{256, 64, 3, 3});
      run(m, "conv_weight", a, 5);
      check_distribution(a, false, std::sqrt(2 / (1 + slope * slope) / factor));
    }
  }
}

TEST_CASE("init: Orthogonal gives orthonormal rows (wide) or columns (tall), times scale") {
  struct Case {
    sg::Shape shape;
    std::string rand;
    double scale;
  };
  const Case cases[] = {{sg::Shape{20, 50}, "uniform", 1.414}, {sg::Shape{50, 20}, "uniform", 1.414},
                        {sg::Shape{30, 30}, "normal", 1.0},    {sg::Shape{16, 4, 3, 3}, "normal", 2.0},
                        {sg::Shape{100, 3}, "normal", 0.5},    {sg::Shape{1, 8}, "uniform", 1.0}};
  for (const auto& c : cases) {
    for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
      CAPTURE(c.shape.str());
      auto a = zeros(c.shape, t);
      run(init::Orthogonal({.scale = c.scale, .rand_type = c.rand}), "w_weight", a, 8);
      const std::int64_t m = c.shape[0], n = a.size() / m;
      const bool wide = m < n;
      const std::int64_t k = wide ? m : n;  // the Gram matrix of the rows (wide) or columns
      const double tol = t == sg::DType::float32 ? 1e-5 : 1e-12;
      double worst = 0;
      for (std::int64_t i = 0; i < k; ++i)
        for (std::int64_t j = 0; j < k; ++j) {
          double g = 0;
          for (std::int64_t r = 0; r < (wide ? n : m); ++r)
            g += wide ? a.at_flat(i * n + r) * a.at_flat(j * n + r)
                      : a.at_flat(r * n + i) * a.at_flat(r * n + j);
          worst = std::max(worst, std::fabs(g / (c.scale * c.scale) - (i == j ? 1 : 0)));
        }
      CHECK(worst < tol);
    }
  }
  // Random: two seeds differ; the same seed repeats.
  auto a = zeros(sg::Shape{8, 8}), b = zeros(sg::Shape{8, 8}), d = zeros(sg::Shape{8, 8});
  run(init::Orthogonal(), "w_weight", a, 1);
  run(init::Orthogonal(), "w_weight", b, 1);
  run(init::Orthogonal(), "w_weight", d, 2);
  CHECK(a.to_vector<float>() == b.to_vector<float>());
  CHECK(a.to_vector<float>() != d.to_vector<float>());
  CHECK_THROWS_AS(init::Orthogonal({.rand_type = "gaussian"}), sg::ValueError);
}

TEST_CASE("init: dumps() equals MXNet 1.9.1's, and create(dumps()) rebuilds it") {
  auto golden = read_json("dumps.json");
  sg::NDArray arr({{1, 2}, {3, 0.1}});  // float32, as mx.nd.array
  std::map<std::string, std::shared_ptr<init::Initializer>> ours = {
      {"uniform_default", std::make_shared<init::Uniform>()},
      {"uniform_0.01", std::make_shared<init::Uniform>(init::UniformOptions{.scale = 0.01})},
      {"uniform_0.0001", std::make_shared<init::Uniform>(init::UniformOptions{.scale = 0.0001})},
      {"uniform_1e-05", std::make_shared<init::Uniform>(init::UniformOptions{.scale = 1e-05})},
      {"normal_default", std::make_shared<init::Normal>()},
      {"normal_0.5", std::make_shared<init::Normal>(init::NormalOptions{.sigma = 0.5})},
      {"xavier_default", std::make_shared<init::Xavier>()},
      {"xavier_gaussian_in_2", std::make_shared<init::Xavier>(init::XavierOptions{
                                   .rnd_type = "gaussian", .factor_type = "in", .magnitude = 2})},
      {"xavier_out_2.34",
       std::make_shared<init::Xavier>(init::XavierOptions{.factor_type = "out", .magnitude = 2.34})},
      {"msraprelu_default", std::make_shared<init::MSRAPrelu>()},
      {"msraprelu_in_0.1",
       std::make_shared<init::MSRAPrelu>(init::MSRAPreluOptions{.factor_type = "in", .slope = 0.1})},
      {"orthogonal_default", std::make_shared<init::Orthogonal>()},
      {"orthogonal_1.0_normal",
       std::make_shared<init::Orthogonal>(init::OrthogonalOptions{.scale = 1.0, .rand_type = "normal"})},
      {"constant_0.5", std::make_shared<init::Constant>(0.5)},
      {"constant_-2.0", std::make_shared<init::Constant>(-2.0)},
      {"constant_array", std::make_shared<init::Constant>(arr)},
      {"zero", std::make_shared<init::Zero>()},
      {"one", std::make_shared<init::One>()},
      {"lstmbias_default", std::make_shared<init::LSTMBias>()},
      {"lstmbias_2.5", std::make_shared<init::LSTMBias>(2.5)},
      {"bilinear", std::make_shared<init::Bilinear>()},
      {"fusedrnn_none_lstm", std::make_shared<init::FusedRNN>(init::FusedRNNOptions{
                                 .num_hidden = 10, .num_layers = 2, .bidirectional = true})},
      {"fusedrnn_xavier_gru", std::make_shared<init::FusedRNN>(init::FusedRNNOptions{
                                  .init = std::make_shared<init::Xavier>(init::XavierOptions{.magnitude = 2}),
                                  .num_hidden = 8,
                                  .mode = "gru"})},
  };
  CHECK(golden.size() == ours.size());
  for (auto it = golden.begin(); it != golden.end(); ++it) {
    CAPTURE(it.key());
    REQUIRE(ours.count(it.key()));
    const std::string want = it.value().get<std::string>();
    CHECK(ours[it.key()]->dumps() == want);
    auto back = init::create(want);
    CHECK(back->name() == ours[it.key()]->name());
    CHECK(back->dumps() == want);
  }
}

TEST_CASE("init: create() by registry name, alias and JSON object; errors") {
  CHECK(dynamic_cast<init::Zero*>(init::create("zeros").get()));
  CHECK(dynamic_cast<init::Zero*>(init::create("Zero").get()));
  CHECK(dynamic_cast<init::One*>(init::create("ONES").get()));
  CHECK(init::create("uniform")->dumps() == R"(["uniform", {"scale": 0.07}])");
  CHECK(init::create("Xavier")->dumps() == init::Xavier().dumps());
  CHECK(init::create("msraprelu")->dumps() == init::MSRAPrelu().dumps());
  CHECK(init::create("orthogonal")->name() == "orthogonal");
  CHECK(init::create("lstmbias")->dumps() == R"(["lstmbias", {"forget_bias": 1.0}])");
  CHECK(init::create("bilinear")->name() == "bilinear");
  CHECK(init::create(R"({"initializer": "normal", "sigma": 0.5})")->dumps() ==
        R"(["normal", {"sigma": 0.5}])");
  CHECK(init::create(R"(["XAVIER", {"magnitude": 2.0, "rnd_type": "gaussian"}])")->dumps() ==
        R"(["xavier", {"rnd_type": "gaussian", "factor_type": "avg", "magnitude": 2}])");
  // FusedRNNCell's __init__ (keys sorted) reads back.
  CHECK(
      init::create(
          R"(["fusedrnn", {"bidirectional": false, "forget_bias": 1.0, "init": null, "mode": "lstm", "num_hidden": 4, "num_layers": 1}])")
          ->name() == "fusedrnn");

  std::string m = error_of([] { init::create("xavir"); });
  CHECK(m.starts_with("NameError: "));
  CHECK(m.find("'xavier'") != std::string::npos);
  CHECK(m.find("'zeros'") != std::string::npos);
  CHECK(m.find("Did you mean 'xavier'?") != std::string::npos);
  CHECK_THROWS_AS(init::create(R"(["nope", {}])"), sg::NameError);
  m = error_of([] { init::create(R"(["uniform", {"scal": 0.1}])"); });
  CHECK(m.find("has no argument 'scal'") != std::string::npos);
  CHECK(m.find("Did you mean 'scale'?") != std::string::npos);
  CHECK(error_of([] { init::create(R"(["normal", {"sigma": "big"}])"); }).find("must be a number") !=
        std::string::npos);
  CHECK(error_of([] { init::create(R"(["uniform", {)"); }).find("is not valid JSON") != std::string::npos);
  CHECK(error_of([] { init::create(R"(["constant", {}])"); }).find("needs the argument 'value'") !=
        std::string::npos);
  CHECK(error_of([] { init::create(R"(["constant", {"value": [[1, 2], [3]]}])"); }).find("ragged") !=
        std::string::npos);
  CHECK_THROWS_AS(init::create(""), sg::ValueError);
  CHECK_THROWS_AS(init::create(R"(["xavier"])"), sg::ValueError);
  // A symbol file's __init__ nested 100000 levels deep (a ragged constant once made the error
  // message print it recursively): refused before anything walks it.
  const std::string deep = std::string(100000, '[') + "1" + std::string(100000, ']');
  CHECK(error_of([&] {
          init::create(R"(["constant", {"value": [[1], )" + deep + "]}]");
        }).find("nested more than 32 levels deep") != std::string::npos);
  CHECK(init::create(R"(["constant", {"value": [[[1]]]}])")->name() == "constant");
}

TEST_CASE("init: dumps() number format is Python's repr") {
  using init::detail::json_float;
  CHECK(json_float(0.07) == "0.07");
  CHECK(json_float(1.0) == "1.0");
  CHECK(json_float(-2.0) == "-2.0");
  CHECK(json_float(0.0001) == "0.0001");
  CHECK(json_float(1e-05) == "1e-05");
  CHECK(json_float(1.5e-07) == "1.5e-07");
  CHECK(json_float(123.456) == "123.456");
  CHECK(json_float(1e15) == "1000000000000000.0");
  CHECK(json_float(1e16) == "1e+16");
  CHECK(json_float(1.5e300) == "1.5e+300");
  CHECK(json_float(static_cast<double>(0.1f)) == "0.10000000149011612");
  CHECK(init::detail::json_number(3) == "3");
  CHECK(init::detail::json_number(2.34) == "2.34");
}

TEST_CASE("init: Constant, Zero, One on float32 and float64") {
  for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
    auto a = zeros(sg::Shape{3, 4}, t);
    run(init::Constant(0.25), "c_weight", a);
    CHECK(all_equal(a, 0.25));
    run(init::One(), "c_weight", a);
    CHECK(all_equal(a, 1));
    run(init::Zero(), "c_weight", a);
    CHECK(all_equal(a, 0));
    // Biases still follow the name: Constant fills weights only, as in MXNet.
    auto b = zeros(sg::Shape{4}, t);
    run(init::Constant(3), "c_bias", b);
    CHECK(all_equal(b, 0));
    // An array value of the parameter's shape.
    auto c = zeros(sg::Shape{2, 2}, t);
    run(init::Constant(sg::NDArray({{1, 2}, {3, 4}})), "c_weight", c);
    CHECK(c.to_vector<double>() == std::vector<double>{1, 2, 3, 4});
    std::string m = error_of([&] { run(init::Constant(sg::NDArray({1, 2, 3})), "c_weight", c); });
    CHECK(m.find("'c_weight'") != std::string::npos);
    CHECK(m.find("(2, 2)") != std::string::npos);
    CHECK(m.find("(3,)") != std::string::npos);
  }
  // Fills work on integer arrays too.
  auto i = zeros(sg::Shape{3}, sg::DType::int32);
  run(init::Constant(7), "i_weight", i);
  CHECK(all_equal(i, 7));
  // A JSON array value rebuilds as an array.
  auto c = zeros(sg::Shape{2, 2});
  run(*init::create(R"(["constant", {"value": [[1.5, 2], [3, 4]]}])"), "c_weight", c);
  CHECK(c.to_vector<double>() == std::vector<double>{1.5, 2, 3, 4});
}

TEST_CASE("init: LSTMBias and Bilinear values equal MXNet's") {
  auto v = read_json("values.json");
  for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
    auto a = zeros(sg::Shape{12}, t);
    a.fill(9);
    // Its rule reaches a "bias" through the __init__ attribute, as LSTMCell sets it.
    init::LSTMBias lb(v["lstmbias"]["forget_bias"].get<double>());
    run(init::Uniform(), "lstm_i2h_bias", a, 1, {{"__init__", lb.dumps()}});
    CHECK(a.to_vector<double>() == v["lstmbias"]["values"].get<std::vector<double>>());
    auto b = zeros(sg::Shape{2, 1, 3, 4}, t);
    run(init::Bilinear(), "up_weight", b);
    auto want = v["bilinear"]["values"].get<std::vector<double>>();
    auto got = b.to_vector<double>();
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < got.size(); ++k) CHECK(got[k] == doctest::Approx(want[k]));
  }
  // Rows of a 2-D array: the forget quarter is whole rows.
  auto m = zeros(sg::Shape{8, 2});
  run(init::LSTMBias(3), "x_weight", m);
  CHECK(m.to_vector<double>() == std::vector<double>{0, 0, 0, 0, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK_THROWS_AS(run(init::Bilinear(), "up_weight", zeros(sg::Shape{3, 3})), sg::ValueError);
}

TEST_CASE("init: FusedRNN fills the packed vector gate by gate, as MXNet") {
  auto v = read_json("values.json");
  for (const auto& c : v["fusedrnn"]) {
    CAPTURE(c["mode"].get<std::string>());
    init::FusedRNN f({.init = std::make_shared<init::One>(),
                      .num_hidden = c["num_hidden"].get<std::int64_t>(),
                      .num_layers = c["num_layers"].get<std::int64_t>(),
                      .mode = c["mode"].get<std::string>(),
                      .bidirectional = c["bidirectional"].get<bool>(),
                      .forget_bias = c["forget_bias"].get<double>()});
    CHECK(f.dumps() == c["dumps"].get<std::string>());
    auto want = c["values"].get<std::vector<double>>();
    auto a = zeros(sg::Shape{static_cast<std::int64_t>(want.size())});
    // Through the parameter's __init__ attribute, as Module reaches it.
    run(init::Uniform(), "lstm_parameters", a, 1, {{"__init__", f.dumps()}});
    CHECK(a.to_vector<double>() == want);
  }
  // No inner init: the caller's initializer fills the weights, with per-gate fans (H, in).
  const std::int64_t H = 40, C = 24;
  init::FusedRNN f({.num_hidden = H, .mode = "lstm", .forget_bias = 2.0});
  auto a = zeros(sg::Shape{4 * H * (C + H + 2)}, sg::DType::float64);
  run(init::Xavier(), "rnn_parameters", a, 4, {{"__init__", f.dumps()}});
  auto w = a.to_vector<double>();
  const double s_in = std::sqrt(3.0 / ((C + H) / 2.0)), s_h = std::sqrt(3.0 / H);
  double max_in = 0, max_h = 0;
  for (std::int64_t k = 0; k < 4 * H * C; ++k)
    max_in = std::max(max_in, std::fabs(w[static_cast<std::size_t>(k)]));
  for (std::int64_t k = 4 * H * C; k < 4 * H * (C + H); ++k)
    max_h = std::max(max_h, std::fabs(w[static_cast<std::size_t>(k)]));
  CHECK(max_in <= s_in);
  CHECK(max_in > 0.95 * s_in);
  CHECK(max_h <= s_h);
  CHECK(max_h > 0.95 * s_h);
  for (std::int64_t k = 0; k < 8 * H; ++k) {  // biases: i2h i f c o, h2h i f c o
    const bool forget = (k / H) % 4 == 1;
    CHECK(w[static_cast<std::size_t>(4 * H * (C + H) + k)] == (forget ? 2.0 : 0.0));
  }
  // A vector that fits no input size.
  std::string m = error_of([&] {
    run(init::Xavier(), "rnn_parameters", zeros(sg::Shape{17}), 1, {{"__init__", f.dumps()}});
  });
  CHECK(m.find("'rnn_parameters' has shape (17,)") != std::string::npos);
  CHECK_THROWS_AS(init::FusedRNN({.num_hidden = 4, .mode = "lstmx"}), sg::ValueError);
  // Called directly, with neither an inner init nor a caller.
  sg::nd::random::Generator g;
  CHECK_THROWS_AS(f.init_weight(init::InitDesc{"p"}, a, g), sg::ValueError);
}

TEST_CASE("init: Mixed routes by the first regex that matches the start of the name") {
  auto mixed = init::Mixed({"fc1_.*", "bias", ".*"},
                           {std::make_shared<init::Constant>(5), std::make_shared<init::One>(),
                            std::make_shared<init::Uniform>(init::UniformOptions{.scale = 0.1})});
  auto a = zeros(sg::Shape{3, 2});
  run(mixed, "fc1_weight", a);
  CHECK(all_equal(a, 5));
  run(mixed, "fc1_bias", a);  // the chosen initializer still dispatches on the suffix
  CHECK(all_equal(a, 0));
  run(mixed, "fc2_weight", a);  // "bias" must match at the start, so ".*" wins
  CHECK(stats(a).max <= 0.1);
  CHECK(stats(a).max > 0);
  run(mixed, "bias_weight", a);
  CHECK(all_equal(a, 1));
  run(mixed, "fc1_weight", a, 1, {{"__init__", R"(["zero", {}])"}});  // __init__ still wins
  CHECK(all_equal(a, 0));

  init::Mixed narrow({"conv.*", "fc.*"}, {std::make_shared<init::Zero>(), std::make_shared<init::One>()});
  std::string m = error_of([&] { run(narrow, "embed_weight", a); });
  CHECK(m.find("Parameter name embed_weight did not match any pattern") != std::string::npos);
  CHECK(m.find("'conv.*', 'fc.*'") != std::string::npos);
  CHECK(m.find("\".*\"") != std::string::npos);
  CHECK_THROWS_AS(init::Mixed({"a"}, {}), sg::ValueError);
  CHECK(error_of([] { init::Mixed({"(a"}, {std::make_shared<init::Zero>()}); }).find("'(a'") !=
        std::string::npos);
  CHECK_THROWS_AS(mixed.dumps(), sg::ValueError);
}

TEST_CASE("init: Load from a dict and from an nd::save file") {
  namespace fs = std::filesystem;
  sg::NDArray w({{1, 2, 3}, {4, 5, 6}});
  sg::NDArray mm({0.5, 0.25});
  sg::NDArray b({7, 8});
  const std::string path = (fs::temp_directory_path() / "symgrad_test_init_load.params").string();
  sg::nd::save(path, {{"arg:fc_weight", w}, {"aux:bn_moving_mean", mm}, {"fc_bias", b}});

  std::vector<std::string> log;
  init::Load from_file(path, {.default_init = std::make_shared<init::One>(),
                              .verbose = true,
                              .logger = [&](const std::string& s) { log.push_back(s); }});
  fs::remove(path);
  CHECK(from_file.params().count("fc_weight"));
  CHECK(from_file.params().count("bn_moving_mean"));
  for (sg::DType t : {sg::DType::float32, sg::DType::float64}) {
    auto a = zeros(sg::Shape{2, 3}, t);
    run(from_file, "fc_weight", a, 1, {{"__init__", R"(["zero", {}])"}});  // loaded wins over __init__
    CHECK(a.to_vector<double>() == std::vector<double>{1, 2, 3, 4, 5, 6});
    auto m = zeros(sg::Shape{2}, t);
    run(from_file, "bn_moving_mean", m);
    CHECK(m.to_vector<double>() == std::vector<double>{0.5, 0.25});
    auto d = zeros(sg::Shape{2, 2}, t);
    run(from_file, "fc2_weight", d);  // not loaded: the default initializer
    CHECK(all_equal(d, 1));
    run(from_file, "fc2_bias", d);
    CHECK(all_equal(d, 0));
  }
  CHECK(log.front() == "Initialized fc_weight by loading");
  CHECK(std::find(log.begin(), log.end(), "Initialized fc2_weight by default") != log.end());

  init::Load from_dict({{"arg:fc_weight", w}});
  auto bad = zeros(sg::Shape{3, 2});
  std::string m = error_of([&] { run(from_dict, "fc_weight", bad); });
  CHECK(m.starts_with("ShapeError: "));
  CHECK(m.find("Parameter fc_weight cannot be initialized from loading") != std::string::npos);
  CHECK(m.find("target (3, 2) vs loaded (2, 3)") != std::string::npos);
  m = error_of([&] { run(from_dict, "fc_weigth", bad); });
  CHECK(m.find("Cannot Initialize fc_weigth. Not found in loaded param and no default Initializer") !=
        std::string::npos);
  CHECK(m.find("Did you mean 'fc_weight'?") != std::string::npos);
  CHECK_THROWS_AS(from_dict.dumps(), sg::ValueError);
  CHECK_THROWS(init::Load("/nonexistent/dir/x.params"));
}
