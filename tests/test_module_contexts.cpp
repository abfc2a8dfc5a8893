// Module over several contexts (MXNet's data parallelism): each batch split by work_load_list,
// one executor per context, gradients summed by the kvstore. Trained from the same start, it must
// give the weights, outputs and metrics of a module over one context.
#include <doctest/doctest.h>

#include <cmath>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

struct Data {
  sg::NDArray x, y;
  explicit Data(std::int64_t n) : x(sg::Shape{n, 5}), y(sg::Shape{n}) {
    sg::nd::random::Generator g(3);
    for (std::int64_t i = 0; i < n * 5; ++i) x.data<float>()[i] = float(g.uniform01() * 2 - 1);
    for (std::int64_t i = 0; i < n; ++i) {
      const float* r = x.data<float>() + i * 5;
      y.data<float>()[i] = r[0] + r[1] > 0.3f ? 2.0f : r[2] - r[3] > 0 ? 1.0f : 0.0f;
    }
  }
};

Symbol net(bool with_bn) {
  Symbol h = fully_connected(var("data"), {.num_hidden = 12, .name = "fc1"});
  if (with_bn) h = batch_norm(h, {.name = "bn"});
  h = activation(h, {.act_type = "tanh"});
  return softmax_output(fully_connected(h, {.num_hidden = 3, .name = "fc2"}), var("softmax_label"),
                        {.name = "softmax"});
}

double max_param_diff(const sg::ParamDict& a, const sg::ParamDict& b) {
  double d = 0;
  for (const auto& [k, v] : a) d = std::max(d, sg::nd::max_abs_diff(v, b.at(k)));
  return d;
}

}  // namespace

TEST_CASE("Module over several contexts: the weights, outputs and metric of one context") {
  NameManager names;
  Data train(96), val(40);
  auto fit = [&](sg::ContextList ctx, std::vector<double> loads) {
    sg::Module mod(
        net(false),
        {.context = std::move(ctx), .work_load_list = std::move(loads), .logger = [](const std::string&) {}});
    sg::io::NDArrayIter it(train.x, train.y, {.batch_size = 16, .shuffle = true, .seed = 2});
    mod.fit(it, {.optimizer_params = {{"learning_rate", 0.3}, {"momentum", 0.9}, {"wd", 1e-3}},
                 .num_epoch = 3,
                 .progress = "off",
                 .seed = 7});
    return mod;
  };
  sg::Module one = fit(sg::cpu(), {});
  sg::Module two = fit({sg::cpu(0), sg::cpu(1)}, {});
  sg::Module three = fit({sg::cpu(0), sg::cpu(1), sg::cpu(2)}, {1, 3, 2});
  CHECK(two.executors() == 2);
  CHECK(three.executors() == 3);
  // 16 rows by shares 1 : 3 : 2 -> round(2.67), round(8), round(5.33): 3, 8 and the rest, 5
  CHECK(three.slice(0) == std::pair<std::int64_t, std::int64_t>{0, 3});
  CHECK(three.slice(1) == std::pair<std::int64_t, std::int64_t>{3, 11});
  CHECK(three.slice(2) == std::pair<std::int64_t, std::int64_t>{11, 16});
  auto w1 = one.get_params().first;
  CHECK(max_param_diff(w1, two.get_params().first) < 2e-5);
  CHECK(max_param_diff(w1, three.get_params().first) < 2e-5);
  // the weights moved: this is not a comparison of two untouched initialisations
  sg::Module fresh(net(false));
  fresh.bind({{"data", {16, 5}}}, {{"softmax_label", {16}}});
  fresh.init_params({.seed = 7});
  CHECK(max_param_diff(w1, fresh.get_params().first) > 0.1);
  // predict and score concatenate the contexts' outputs in batch order
  sg::io::NDArrayIter vit(val.x, val.y, {.batch_size = 16});
  auto p1 = one.predict(vit);
  auto p3 = three.predict(vit);
  REQUIRE(p1.size() == 1);
  CHECK(p3[0].shape() == sg::Shape{40, 3});
  CHECK(sg::nd::max_abs_diff(p1[0], p3[0]) < 1e-5);
  auto s1 = one.score(vit), s3 = three.score(vit);
  CHECK(s1.at(0).second == doctest::Approx(s3.at(0).second));
}

TEST_CASE("Module over several contexts: forward/backward by hand, auxiliary states averaged, bad splits") {
  NameManager names;
  Data d(8);
  sg::Module mod(net(true), {.context = {sg::cpu(0), sg::cpu(1)}});
  mod.bind({{"data", {8, 5}}}, {{"softmax_label", {8}}});
  mod.init_params({.seed = 1});
  mod.init_optimizer({.optimizer_params = {{"learning_rate", 0.1}}});
  sg::io::DataBatch batch;
  batch.data = {d.x};
  batch.label = {d.y};
  mod.forward(batch, true);
  mod.backward();
  mod.update();
  CHECK(mod.get_outputs()[0].shape() == sg::Shape{8, 3});
  // each context's BatchNorm saw its own rows: the module's moving mean is their average
  auto m0 = mod.executor_at(0).aux_dict().at("bn_moving_mean").to_vector<float>();
  auto m1 = mod.executor_at(1).aux_dict().at("bn_moving_mean").to_vector<float>();
  auto avg = mod.get_params().second.at("bn_moving_mean").to_vector<float>();
  bool differ = false;
  for (std::size_t i = 0; i < avg.size(); ++i) {
    CHECK(avg[i] == doctest::Approx((m0[i] + m1[i]) / 2));
    differ |= m0[i] != m1[i];
  }
  CHECK(differ);
  // the weights were updated once, with the sum of both halves' gradients, and are equal on both
  auto w0 = mod.executor_at(0).arg_dict().at("fc1_weight");
  auto w1 = mod.executor_at(1).arg_dict().at("fc1_weight");
  CHECK(sg::nd::max_abs_diff(w0, w1) == 0);

  CHECK_THROWS_WITH_AS(sg::Module(net(false), {.context = {sg::cpu(0), sg::cpu(1)}, .work_load_list = {1}})
                           .bind({{"data", {8, 5}}}, {{"softmax_label", {8}}}),
                       doctest::Contains("work_load_list has 1 entries for 2 contexts"), sg::ValueError);
  CHECK_THROWS_WITH_AS(sg::Module(net(false), {.context = {sg::cpu(0), sg::cpu(1), sg::cpu(2)}})
                           .bind({{"data", {2, 5}}}, {{"softmax_label", {2}}}),
                       doctest::Contains("some parts would be empty"), sg::ValueError);
}
