// The CUDA backend. Two suites in one program, built where the CUDA library is:
//   test_gpu --host  checks that need no GPU (the errors of a machine without one, and that bind
//                    names the operators that have no CUDA kernel); runs in the normal test suite.
//   test_gpu         every operator with a kernel, forward and backward on gpu(0) against the
//                    CPU on random inputs, plus training programs; exits 77 (skipped) with the
//                    reason when there is no usable GPU.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <symgrad/cuda/api.hpp>  // the CUDA library's own interface (pools, NCCL)
#include <symgrad/rnn.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

#include "../testing.hpp"

namespace sg = symgrad;
using sg::NDArray;
using sg::Shape;
using sg::Symbol;
namespace sym = symgrad::sym;

namespace {

using testing::error_message;

NDArray uniform(const Shape& s, double lo, double hi, unsigned seed, sg::DType t = sg::DType::float32) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  NDArray a(s, sg::cpu(), t);
  for (std::int64_t i = 0; i < a.size(); ++i) {
    if (t == sg::DType::float32)
      a.data<float>()[i] = static_cast<float>(d(gen));
    else
      a.data<double>()[i] = d(gen);
  }
  return a;
}

void check_close(const NDArray& gpu, const NDArray& cpu, const std::string& what, double tol) {
  NDArray g = gpu.copy_to(sg::cpu());
  REQUIRE(g.shape() == cpu.shape());
  double worst = 0;
  std::int64_t at = -1;
  for (std::int64_t i = 0; i < g.size(); ++i) {
    double d = std::abs(g.at_flat(i) - cpu.at_flat(i)) / (1 + std::abs(cpu.at_flat(i)));
    if (!(d <= worst)) worst = d, at = i;
  }
  INFO(what << ": largest relative difference " << worst << " at element " << at);
  CHECK(worst <= tol);
}

// Binds `net` on cpu() and gpu(0) with the same arguments (random unless given), runs a training
// forward and a backward with the same head gradients, and compares every output and gradient.
void compare(const Symbol& net, const sg::ShapeDict& shapes, const std::map<std::string, NDArray>& given = {},
             double tol = 2e-5, sg::DType t = sg::DType::float32, sg::GradReq grad_req = "write") {
  sg::TypeDict types;
  for (const auto& [name, s] : shapes)
    if (!given.count(name)) types[name] = t;
  sg::BindOptions opt;
  opt.type_dict = types;
  opt.grad_req = grad_req;
  auto c = net.simple_bind(sg::cpu(), shapes, opt);
  auto g = net.simple_bind(sg::gpu(0), shapes, opt);
  unsigned seed = 100;
  auto args = c.arg_dict();
  for (const auto& name : c.list_arguments()) {
    auto it = given.find(name);
    NDArray v =
        it != given.end() ? it->second : uniform(args[name].shape(), -1, 1, seed++, args[name].dtype());
    args[name].copy_from(v);
    g.arg_dict()[name].copy_from(v);
  }
  c.forward(true);
  g.forward(true);
  std::vector<NDArray> heads;
  for (const auto& o : c.outputs()) heads.push_back(uniform(o.shape(), -1, 1, seed++, o.dtype()));
  std::vector<NDArray> gheads;
  for (const auto& h : heads) gheads.push_back(h.copy_to(sg::gpu(0)));
  c.backward(heads);
  g.backward(gheads);
  for (std::size_t i = 0; i < c.outputs().size(); ++i)
    check_close(g.outputs()[i], c.outputs()[i], "output " + c.list_outputs()[i], tol);
  for (std::size_t i = 0; i < c.list_arguments().size(); ++i)
    if (!c.grad_arrays()[i].is_none())
      check_close(g.grad_arrays()[i], c.grad_arrays()[i], "gradient of " + c.list_arguments()[i], tol);
  for (std::size_t i = 0; i < c.aux_arrays().size(); ++i)
    check_close(g.aux_arrays()[i], c.aux_arrays()[i], "auxiliary state " + c.list_auxiliary_states()[i], tol);
}

NDArray labels(std::int64_t n, int classes, unsigned seed) {
  std::mt19937 gen(seed);
  NDArray l(Shape{n});
  for (std::int64_t i = 0; i < n; ++i) l.data<float>()[i] = static_cast<float>(gen() % classes);
  return l;
}

Symbol mlp() {
  auto x = sym::var("data");
  auto h = sym::activation(sym::fully_connected(x, {.num_hidden = 16, .name = "fc1"}), {.act_type = "relu"});
  auto o = sym::fully_connected(h, {.num_hidden = 5, .name = "fc2"});
  return sym::softmax_output(o, sym::var("softmax_label"), {.name = "softmax"});
}

}  // namespace

// ---------------------------------------------------------------- host: no GPU needed
TEST_SUITE("host") {
  TEST_CASE("without a usable GPU, gpu(0) is a DeviceError that says why") {
    if (sg::num_gpus() > 0) {
      CHECK(sg::gpu_unavailable_reason(0).empty());
      std::string e = error_message<sg::DeviceError>([] { NDArray(Shape{2}, sg::gpu(sg::num_gpus())); });
      CHECK(e.find("does not exist") != std::string::npos);
      return;
    }
    std::string why = sg::gpu_unavailable_reason(0);
    MESSAGE("gpu(0): " << why);
    CHECK(why.find("gpu(0) is not available: ") != std::string::npos);
    std::string e = error_message<sg::DeviceError>([] { NDArray(Shape{2, 3}, sg::gpu(0)); });
    CHECK(e == why);
    NDArray a({1, 2, 3});
    CHECK(error_message<sg::DeviceError>([&] { (void)a.copy_to(sg::gpu(0)); }) == why);
    // this machine's cause, named: no driver, a driver without a device, or an old driver
    bool named = why.find("no NVIDIA driver") != std::string::npos ||
                 why.find("no GPU") != std::string::npos || why.find("older than") != std::string::npos ||
                 why.find("cannot start") != std::string::npos;
    CHECK(named);
  }

  TEST_CASE("bind on a GPU names every step that has no CUDA kernel, before touching the device") {
    auto x = sym::var("data");
    auto h = sym::tile(sym::fully_connected(x, {.num_hidden = 4, .name = "fc"}), {2, 1}, "tiled");
    auto net = sym::make_loss(sym::sum(h), {.name = "loss"});
    std::string e = error_message<sg::DeviceError>([&] { net.simple_bind(sg::gpu(0), {{"data", {2, 3}}}); });
    INFO(e);
    CHECK(e.find("cannot run on the GPU") != std::string::npos);
    CHECK(e.find("tiled (tile)") != std::string::npos);
    CHECK(e.find("no CUDA kernel") != std::string::npos);
    CHECK(e.find("fc (FullyConnected)") == std::string::npos);  // it has one
  }

  TEST_CASE("bind of a graph whose operators all have kernels fails only for want of a device") {
    if (sg::num_gpus() > 0) return;
    std::string e = error_message<sg::DeviceError>([] {
      mlp().simple_bind(sg::gpu(0), {{"data", {8, 20}}});
    });
    CHECK(e == sg::gpu_unavailable_reason(0));
  }

  TEST_CASE("NCCL is opened at run time: its version, or why it cannot be used") {
    std::string why = sg::cuda::nccl_unavailable_reason();
    MESSAGE("NCCL " << sg::cuda::nccl_version() << (why.empty() ? "" : ": " + why));
    if (why.empty()) {
      CHECK(sg::cuda::nccl_version() >= 21400);
    } else {
      CHECK(sg::cuda::nccl_version() == 0);
      CHECK((why.find("libnccl.so.2") != std::string::npos ||
             why.find("older than 2.14") != std::string::npos));
    }
    // a null communicator is refused, not dereferenced
    float x = 0;
    std::string e = error_message<sg::DeviceError>(
        [&] { sg::cuda::nccl_all_reduce(nullptr, 0, sg::DType::float32, &x, 1, 1.0); });
    CHECK(
        (e.find("communicator is null") != std::string::npos || e.find("libnccl.so.2") != std::string::npos));
  }

  TEST_CASE("kvstore 'nccl' in one process (a build without MPI) is the local store") {
    auto kv = sg::kv::create("nccl");
    CHECK(kv->type() == "nccl");
    CHECK(!kv->distributed());
    CHECK(kv->num_workers() == 1);
  }
}

// ---------------------------------------------------------------- gpu: needs a device
TEST_SUITE("gpu") {
  TEST_CASE("kvstore on gpu(0) arrays: push sums the arrays, the optimizer steps on the device") {
    for (std::string type : {"local", "nccl"}) {
      CAPTURE(type);
      auto kv = sg::kv::create(type);
      NDArray g1 = uniform(Shape{4, 300}, -1, 1, 21), g2 = uniform(Shape{4, 300}, -1, 1, 22);
      NDArray host_w = uniform(Shape{4, 300}, -1, 1, 23);
      kv->init("w", host_w.copy_to(sg::gpu(0)));
      std::vector<NDArray> grads = {g1.copy_to(sg::gpu(0)), g2.copy_to(sg::gpu(0)),
                                    g1};  // the host one is copied over
      kv->push("w", grads);
      NDArray out(Shape{4, 300}, sg::gpu(0));
      kv->pull("w", out);
      auto sum = out.copy_to(sg::cpu()).to_vector<float>();
      auto a = g1.to_vector<float>(), b = g2.to_vector<float>();
      for (std::size_t i = 0; i < sum.size(); i += 97)
        CHECK(sum[i] == doctest::Approx(2 * a[i] + b[i]).epsilon(1e-6));

      kv->set_optimizer(sg::opt::create("sgd", {{"learning_rate", 0.5}, {"momentum", 0.9}}));
      kv->init("v", host_w.copy_to(sg::gpu(0)));
      auto cpu_opt = sg::opt::create("sgd", {{"learning_rate", 0.5}, {"momentum", 0.9}});
      NDArray cpu_w = host_w.copy();
      for (int step = 0; step < 3; ++step) {
        kv->pushpull("v", g1.copy_to(sg::gpu(0)), out);
        cpu_opt->update(1, cpu_w, g1);
      }
      auto got = out.copy_to(sg::cpu()).to_vector<float>(), want = cpu_w.to_vector<float>();
      for (std::size_t i = 0; i < got.size(); i += 31)
        CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
    }
  }

  TEST_CASE("copy_to between host and device, and between dtypes") {
    NDArray a = uniform(Shape{3, 1000}, -1, 1, 1);
    NDArray d = a.copy_to(sg::gpu(0));
    CHECK(d.context() == sg::gpu(0));
    CHECK(d.copy_to(sg::cpu()).to_vector<float>() == a.to_vector<float>());
    NDArray d64(Shape{3, 1000}, sg::gpu(0), sg::DType::float64);
    a.copy_to(d64);
    NDArray back = d64.copy_to(sg::cpu());
    CHECK(back.at_flat(17) == doctest::Approx(a.at_flat(17)));
    NDArray z(Shape{5}, sg::gpu(0));
    CHECK(z.copy_to(sg::cpu()).to_vector<float>() == std::vector<float>(5, 0.f));
    z.fill(2.5);
    CHECK(z.copy_to(sg::cpu()).to_vector<float>() == std::vector<float>(5, 2.5f));
  }

  TEST_CASE("the caching allocator reuses freed blocks") {
    auto before = sg::cuda::pool_stats(0);
    { NDArray a(Shape{1 << 20}, sg::gpu(0)); }
    { NDArray b(Shape{1 << 20}, sg::gpu(0)); }
    auto after = sg::cuda::pool_stats(0);
    CHECK(after.reuses >= before.reuses + 1);
    CHECK(after.device_mallocs <= before.device_mallocs + 1);
  }

  TEST_CASE("MLP with SoftmaxOutput: forward and backward match the CPU, float32 and float64") {
    compare(mlp(), {{"data", {8, 20}}, {"softmax_label", {8}}}, {{"softmax_label", labels(8, 5, 1)}});
    compare(mlp(), {{"data", {8, 20}}, {"softmax_label", {8}}}, {{"softmax_label", labels(8, 5, 2)}}, 1e-10,
            sg::DType::float64);
  }

  TEST_CASE("a bound GPU executor allocates no device memory per step") {
    auto ex = mlp().simple_bind(sg::gpu(0), {{"data", {64, 20}}, {"softmax_label", {64}}});
    ex.arg_dict()["softmax_label"].copy_from(labels(64, 5, 3));
    ex.forward(true);
    ex.backward();
    auto before = sg::cuda::pool_stats(0);
    for (int i = 0; i < 10; ++i) {
      ex.forward(true);
      ex.backward();
    }
    sg::device::synchronize(sg::gpu(0));
    auto after = sg::cuda::pool_stats(0);
    CHECK(after.device_mallocs == before.device_mallocs);
    CHECK(after.in_use_bytes == before.in_use_bytes);
  }

  TEST_CASE("activations, unary math, binary and scalar arithmetic") {
    auto x = sym::var("x"), y = sym::var("y");
    for (const char* act : {"relu", "sigmoid", "tanh", "softrelu", "softsign"})
      compare(sym::activation(x, {.act_type = act}), {{"x", {7, 9}}});
    auto pos = sym::square(x) + 0.5;  // positive inputs for log, sqrt ...
    compare(sym::Group({sym::sqrt(pos), sym::log(pos), sym::rsqrt(pos), sym::reciprocal(pos), sym::exp(x),
                        sym::abs(x), sym::negative(x), sym::log1p(pos), sym::expm1(x), sym::sin(x),
                        sym::cos(x), sym::sign(x), sym::clip(x, -0.3, 0.4)}),
            {{"x", {4, 33}}});
    auto ypos = sym::square(y) + 0.5;
    compare(sym::Group(
                {x + y, x - y, x * y, x / ypos, sym::maximum(x, y), sym::minimum(x, y), sym::power(pos, y)}),
            {{"x", {5, 6}}, {"y", {5, 6}}});
    compare(sym::Group({x + 2.0, x - 2.0, 2.0 - x, x * 3.0, x / 4.0, 1.0 / pos, sym::maximum(x, 0.1),
                        sym::minimum(x, 0.1), sym::power(pos, 2.5), sym::power(1.5, x)}),
            {{"x", {3, 17}}});
  }

  TEST_CASE("softmax, log_softmax with temperature, and SoftmaxOutput's options") {
    auto x = sym::var("x");
    compare(sym::Group({sym::softmax(x, {.axis = 1}), sym::log_softmax(x, {.axis = -1, .temperature = 2.0})}),
            {{"x", {4, 5, 3}}});
    NDArray lab = labels(12, 4, 5);
    lab.data<float>()[3] = -1;  // ignored
    auto so =
        sym::softmax_output(x, sym::var("label"),
                            {.grad_scale = 0.5, .use_ignore = true, .normalization = "valid", .name = "so"});
    compare(so, {{"x", {12, 4}}, {"label", {12}}}, {{"label", lab}});
    auto mo = sym::softmax_output(x, sym::var("label"),
                                  {.multi_output = true, .normalization = "batch", .name = "mo"});
    NDArray lab2 = labels(6, 4, 6).reshape(Shape{2, 3});
    compare(mo, {{"x", {2, 4, 3}}, {"label", {2, 3}}}, {{"label", lab2}});
    // a label out of range is an error naming the node
    auto ex = so.simple_bind(sg::gpu(0), {{"x", {12, 4}}, {"label", {12}}});
    NDArray bad = labels(12, 4, 7);
    bad.data<float>()[2] = 9;
    ex.arg_dict()["label"].copy_from(bad);
    ex.forward(true);
    std::string e = error_message<sg::ValueError>([&] { ex.backward(); });
    CHECK(e.find("so (SoftmaxOutput, backward)") != std::string::npos);
  }

  TEST_CASE("Convolution (strides, padding, dilation, groups, 1-d and 3-d), Pooling and BatchNorm") {
    auto x = sym::var("data");
    compare(sym::convolution(x, {.kernel = {3, 3},
                                 .stride = {2, 1},
                                 .dilate = {1, 2},
                                 .pad = {1, 2},
                                 .num_filter = 6,
                                 .num_group = 2,
                                 .name = "conv"}),
            {{"data", {3, 4, 9, 8}}}, {}, 5e-5);
    compare(sym::convolution(x, {.kernel = {3}, .pad = {1}, .num_filter = 4, .name = "c1"}),
            {{"data", {2, 3, 10}}}, {}, 5e-5);
    compare(
        sym::convolution(
            x, {.kernel = {2, 3, 2}, .stride = {1, 2, 1}, .num_filter = 3, .no_bias = true, .name = "c3"}),
        {{"data", {2, 2, 4, 7, 5}}}, {}, 5e-5);
    compare(
        sym::convolution(x, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 4, .num_group = 4, .name = "dw"}),
        {{"data", {2, 4, 6, 6}}}, {}, 5e-5);  // depthwise
    for (const char* type : {"max", "avg", "sum"})
      compare(sym::pooling(
                  x, {.kernel = {3, 2}, .pool_type = type, .stride = {2, 2}, .pad = {1, 1}, .name = "pool"}),
              {{"data", {2, 3, 7, 6}}});
    compare(sym::pooling(x, {.pool_type = "avg", .global_pool = true, .name = "gap"}),
            {{"data", {2, 3, 5, 4}}});
    compare(sym::pooling(x, {.kernel = {2, 2},
                             .pool_type = "avg",
                             .pooling_convention = "full",
                             .stride = {2, 2},
                             .count_include_pad = false,
                             .name = "full"}),
            {{"data", {2, 3, 7, 7}}});
    for (bool fix : {true, false})
      compare(sym::batch_norm(x, {.fix_gamma = fix, .name = "bn"}), {{"data", {4, 3, 5, 2}}}, {}, 5e-5);
  }

  TEST_CASE("broadcast arithmetic, reductions, dot and batch_dot") {
    auto a = sym::var("a"), b = sym::var("b");
    compare(sym::Group({sym::broadcast_add(a, b), sym::broadcast_mul(a, b), sym::broadcast_sub(a, b),
                        sym::broadcast_maximum(a, b)}),
            {{"a", {3, 1, 4}}, {"b", {1, 5, 4}}});
    compare(
        sym::Group({sym::sum(a, {.axis = {1}}), sym::mean(a, {.axis = {0, 2}, .keepdims = true}),
                    sym::max(a, {.axis = {2}}), sym::min(a), sym::sum(a, {.axis = {1}, .exclude = true})}),
        {{"a", {4, 300, 3}}}, {}, 1e-4);
    compare(sym::dot(a, b), {{"a", {5, 7}}, {"b", {7, 3}}});
    compare(sym::dot(a, b, {.transpose_a = true, .transpose_b = true}), {{"a", {7, 5}}, {"b", {3, 7}}});
    compare(sym::batch_dot(a, b, {.transpose_b = true}), {{"a", {4, 5, 6}}, {"b", {4, 3, 6}}});
  }

  TEST_CASE("Concat, SliceChannel, slice, transpose, and an unrolled LSTM cell") {
    auto a = sym::var("a"), b = sym::var("b");
    compare(sym::concat({a, b}, {.dim = 1}), {{"a", {3, 2, 4}}, {"b", {3, 5, 4}}});
    auto parts = sym::split(a, {.num_outputs = 3, .axis = 2});
    compare(sym::Group({parts[0] * 2.0, parts[1], parts[2] + parts[0]}), {{"a", {2, 4, 6}}});
    compare(sym::slice(a, {.begin = {1, 0}, .end = {4, 5}, .step = {2, 2}}), {{"a", {5, 6}}});
    compare(sym::transpose(a, {2, 0, 1}), {{"a", {3, 4, 5}}});
    sg::rnn::LSTMCell cell(8, "lstm_");
    auto [outs, states] = cell.unroll(4, sym::var("data"), {.merge_outputs = true});
    auto pred =
        sym::fully_connected(sym::reshape(outs[0], {.shape = {-1, 8}}), {.num_hidden = 5, .name = "pred"});
    auto net = sym::softmax_output(pred, sym::var("label"), {.name = "softmax"});
    compare(net, {{"data", {3, 4, 6}}, {"label", {12}}}, {{"label", labels(12, 5, 9)}}, 5e-5);
  }

  TEST_CASE(
      "the notebook's regression program trained on gpu(0): the CPU's gradients and the closed-form fit") {
    // x -> FullyConnected(1) -> make_loss(square(y - label)), grouped with block_grad(y)
    auto x = sym::var("data"), label = sym::var("label");
    auto y = sym::fully_connected(x, {.num_hidden = 1, .name = "fc"});
    auto net = sym::group({sym::block_grad(y), sym::make_loss(sym::square(y - label))});
    const std::int64_t batch = 32;
    NDArray xs = uniform(Shape{batch, 2}, -1, 1, 70), ls(Shape{batch, 1});
    for (std::int64_t i = 0; i < batch; ++i)  // y = 3·x0 − 2·x1 + 1
      ls.data<float>()[i] = 3 * xs.data<float>()[2 * i] - 2 * xs.data<float>()[2 * i + 1] + 1;
    compare(net, {{"data", {batch, 2}}, {"label", {batch, 1}}}, {{"data", xs}, {"label", ls}});
    auto ex = net.simple_bind(sg::gpu(0), {{"data", {batch, 2}}, {"label", {batch, 1}}});
    ex.arg_dict()["data"].copy_from(xs);
    ex.arg_dict()["label"].copy_from(ls);
    sg::opt::SGD sgd({.learning_rate = 0.1, .rescale_grad = 1.0 / double(batch)});
    for (int step = 0; step < 300; ++step) {
      ex.forward(true);
      ex.backward();
      for (std::size_t i = 0; i < ex.arg_arrays().size(); ++i)
        if (ex.list_arguments()[i] == "fc_weight" || ex.list_arguments()[i] == "fc_bias")
          sgd.update(i, ex.arg_arrays()[i], ex.grad_arrays()[i]);
    }
    auto w = ex.arg_dict()["fc_weight"].copy_to(sg::cpu()).to_vector<float>();
    auto b = ex.arg_dict()["fc_bias"].copy_to(sg::cpu()).to_vector<float>();
    CHECK(w[0] == doctest::Approx(3).epsilon(1e-3));
    CHECK(w[1] == doctest::Approx(-2).epsilon(1e-3));
    CHECK(b[0] == doctest::Approx(1).epsilon(1e-3));
  }

  TEST_CASE("the notebook's MLP trained by Module on gpu(0) ends with the CPU's weights (SGD and Adam)") {
    NDArray x = uniform(Shape{256, 20}, -1, 1, 40);
    NDArray y = labels(256, 5, 41);
    for (const char* opt : {"sgd", "adam"}) {
      std::map<std::string, sg::ParamDict> result;
      for (sg::Context ctx : {sg::cpu(), sg::gpu(0)}) {
        sg::io::NDArrayIter it(x, y, {.batch_size = 32});
        sg::Module mod(mlp(), {.context = ctx, .logger = [](const std::string&) {}});
        sg::OptimizerParams params{{"learning_rate", 0.1}};
        if (std::string(opt) == "sgd")
          params["momentum"] = 0.9;
        else
          params["learning_rate"] = 0.01;
        mod.fit(it,
                {.optimizer = opt, .optimizer_params = params, .num_epoch = 3, .progress = "off", .seed = 7});
        result[ctx.str()] = mod.get_params().first;
      }
      for (const auto& [name, w] : result["cpu(0)"])
        check_close(result["gpu(0)"][name], w, std::string(opt) + " " + name, 1e-4);
    }
  }

  TEST_CASE("the fused RNN operator: LSTM, GRU, tanh and relu RNNs, stacked and bidirectional, with states") {
    for (const char* mode : {"lstm", "gru", "rnn_tanh", "rnn_relu"})
      for (bool bi : {false, true}) {
        INFO(mode << (bi ? " bidirectional" : ""));
        auto r = sym::rnn(sym::var("data"), {.state_size = 6,
                                             .num_layers = 2,
                                             .bidirectional = bi,
                                             .mode = mode,
                                             .state_outputs = true,
                                             .name = "rnn"});
        compare(r, {{"data", {5, 3, 4}}}, {}, 1e-4);
      }
  }

  TEST_CASE("the fused RNN operator with dropout between layers draws the CPU's masks") {
    auto r = sym::rnn(sym::var("data"),
                      {.state_size = 5, .num_layers = 3, .mode = "lstm", .p = 0.4, .name = "rnn"});
    compare(r, {{"data", {4, 3, 6}}}, {}, 1e-4);
  }

  TEST_CASE("typed expressions bind on the GPU node by node, with the CPU's fused values") {
    using namespace symgrad::sym;
    auto a = var<"a">(sg::shape<3, 40>);
    auto b = var<"b">(sg::shape<3, 40>);
    Symbol e = square(a - b) * 0.5 + exp(a) / (b * b + 1.0) + tanh(a) * sigmoid(b);
    compare(e, {});
  }

  TEST_CASE("Dropout draws the CPU's masks on the GPU (same seed), with shared axes, and in inference") {
    auto x = sym::var("data");
    compare(sym::dropout(x, {.p = 0.4}), {{"data", {8, 33}}}, {}, 1e-6);
    compare(sym::dropout(x, {.p = 0.25, .axes = {1}}), {{"data", {3, 4, 7}}}, {}, 1e-6);
    compare(sym::dropout(sym::fully_connected(x, {.num_hidden = 12, .name = "fc"}), {.p = 0.5}),
            {{"data", {6, 9}}});
    auto g = sym::dropout(x, {.p = 0.5}).simple_bind(sg::gpu(0), {{"data", {4, 5}}});
    NDArray v = uniform(Shape{4, 5}, -1, 1, 3);
    g.arg_dict()["data"].copy_from(v);
    g.forward(false);  // inference: the identity
    check_close(g.outputs()[0], v, "inference output", 0);
  }

  TEST_CASE("LeakyReLU: leaky, elu, selu, gelu, prelu (gamma per channel) and rrelu (the CPU's draws)") {
    auto x = sym::var("data");
    for (std::string t : {"leaky", "elu", "selu", "gelu"}) {
      CAPTURE(t);
      compare(sym::leaky_relu(x, {.act_type = t, .slope = 0.3}), {{"data", {5, 7, 3}}});
    }
    compare(sym::leaky_relu(x, {.act_type = "prelu", .name = "pr"}), {{"data", {6, 4, 5}}}, {}, 1e-4);
    compare(sym::leaky_relu(x, {.act_type = "rrelu"})[0], {{"data", {6, 9}}});
    compare(sym::leaky_relu(x, {.act_type = "gelu"}), {{"data", {4, 6}}}, {}, 1e-10, sg::DType::float64);
  }

  TEST_CASE("LayerNorm (any axis), InstanceNorm and L2Normalization (every mode)") {
    auto x = sym::var("data");
    compare(sym::layer_norm(x, {.name = "ln"}), {{"data", {6, 10}}}, {}, 1e-4);
    compare(sym::layer_norm(x, {.axis = 1, .output_mean_var = true, .name = "ln"}), {{"data", {3, 5, 4}}}, {},
            1e-4);
    compare(sym::instance_norm(x, {.name = "in"}), {{"data", {2, 3, 4, 5}}}, {}, 1e-4);
    for (std::string mode : {"instance", "channel", "spatial"}) {
      CAPTURE(mode);
      compare(sym::l2_normalization(x, {.mode = mode, .name = "l2"}), {{"data", {3, 4, 5}}}, {}, 1e-4);
    }
    compare(sym::layer_norm(x, {.name = "ln"}), {{"data", {4, 7}}}, {}, 1e-10, sg::DType::float64);
    // gradients not asked for (as for a Module's data, or a fixed beta): their arrays are unbound
    const std::map<std::string, std::string> only_gamma{{"ln_gamma", "write"}};
    compare(sym::layer_norm(x, {.name = "ln"}), {{"data", {6, 10}}}, {}, 1e-4, sg::DType::float32,
            only_gamma);
    compare(sym::leaky_relu(x, {.act_type = "prelu", .name = "pr"}), {{"data", {4, 3, 2}}}, {}, 1e-4,
            sg::DType::float32, std::map<std::string, std::string>{{"pr_gamma", "write"}});
  }

  TEST_CASE("Embedding, Flatten, Reshape and LinearRegressionOutput") {
    auto idx = sym::var("idx");
    auto e = sym::embedding(idx, {.input_dim = 11, .output_dim = 6, .name = "emb"});
    auto f = sym::fully_connected(sym::flatten(e), {.num_hidden = 3, .name = "fc"});
    auto net = sym::linear_regression_output(f, sym::var("target"), {.name = "reg"});
    NDArray ids(Shape{4, 5});
    for (int i = 0; i < 20; ++i) ids.data<float>()[i] = static_cast<float>((i * 7) % 11);
    compare(net, {{"idx", {4, 5}}, {"target", {4, 3}}}, {{"idx", ids}});
    auto r = sym::make_loss(sym::square(sym::reshape(sym::var("x"), {.shape = {3, -1}})), {.name = "loss"});
    compare(r, {{"x", {6, 4}}});
  }
}

int main(int argc, char** argv) {
  bool host = argc > 1 && std::string(argv[1]) == "--host";
  doctest::Context ctx;
  if (host) {
    ctx.addFilter("test-suite", "host");
  } else {
    if (sg::num_gpus() == 0) {
      std::printf("SKIP: the GPU suite needs a GPU. %s\n", sg::gpu_unavailable_reason(0).c_str());
      return 77;
    }
    std::printf("GPU: %s\n", sg::cuda::device_name(0).c_str());
    ctx.addFilter("test-suite", "gpu");
  }
  ctx.applyCommandLine(argc - (host ? 1 : 0), argv + (host ? 1 : 0));
  return ctx.run();
}
