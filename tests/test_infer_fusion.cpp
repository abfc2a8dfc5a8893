// The inference rewrite at bind (exec/infer_rewrite-inl.hpp): convolution → batch norm → add →
// relu/clip chains fused into one step for forward(is_train = false), against the same executor
// bound without it; the training forward, parameters copied in after bind, outputs that are
// intermediate arrays, and the switches that turn it off; the own convolution GEMM against
// im2col + BLAS (cpu/conv_gemm-inl.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <symgrad/cpu/conv_gemm.hpp>
#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

Symbol bn(const Symbol& x, const std::string& name) {
  return batch_norm(x, {.eps = 1e-5, .fix_gamma = false, .name = name});
}

// A ResNet v1 block with a downsampling branch, a pre-activation BatchNorm → relu, a convolution
// with a bias into clip (ReLU6) whose output is also an output of the network, a depthwise
// convolution, and a plain convolution with a bias.
Symbol network() {
  Symbol x = var("data");
  Symbol a = relu(bn(convolution(x, {.kernel = {3, 3},
                                     .stride = {2, 2},
                                     .pad = {1, 1},
                                     .num_filter = 8,
                                     .no_bias = true,
                                     .name = "c1"}),
                     "b1"));
  Symbol body =
      bn(convolution(a, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 8, .no_bias = true, .name = "c2"}),
         "b2");
  Symbol down = bn(convolution(x, {.kernel = {1, 1}, .stride = {2, 2}, .num_filter = 8, .name = "cd"}), "bd");
  Symbol y = activation(elemwise_add(body, down), {.act_type = "relu"});
  Symbol pre = relu(bn(y, "b3"));
  Symbol z = clip(convolution(pre, {.kernel = {1, 1}, .num_filter = 12, .name = "c3"}), 0, 6);
  Symbol dw = relu(bn(convolution(z, {.kernel = {3, 3},
                                      .pad = {1, 1},
                                      .num_filter = 12,
                                      .num_group = 12,
                                      .no_bias = true,
                                      .name = "dw"}),
                      "b4"));
  return group({convolution(dw, {.kernel = {1, 1}, .num_filter = 4, .name = "c4"}), z});
}

void randomise(sg::Executor& e, std::uint64_t seed, sg::DType t) {
  sg::nd::random::Generator gen(seed);
  for (std::size_t i = 0; i < e.arg_arrays().size(); ++i)
    sg::nd::random::uniform(-1, 1, e.arg_arrays()[i].shape(), gen, {.dtype = t}).copy_to(e.arg_arrays()[i]);
  for (std::size_t i = 0; i < e.aux_arrays().size(); ++i) {
    const bool var = e.list_auxiliary_states()[i].ends_with("_var");
    sg::nd::random::uniform(var ? 0.5 : -0.5, var ? 2.0 : 0.5, e.aux_arrays()[i].shape(), gen, {.dtype = t})
        .copy_to(e.aux_arrays()[i]);
  }
}

void copy_all(sg::Executor& from, sg::Executor& to) {
  for (std::size_t i = 0; i < from.arg_arrays().size(); ++i) from.arg_arrays()[i].copy_to(to.arg_arrays()[i]);
  for (std::size_t i = 0; i < from.aux_arrays().size(); ++i) from.aux_arrays()[i].copy_to(to.aux_arrays()[i]);
}

void check_close(const sg::NDArray& a, const sg::NDArray& b, double tol) {
  REQUIRE(a.shape() == b.shape());
  double worst = 0;
  for (std::int64_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(a.at_flat(i) - b.at_flat(i)) / (1 + std::abs(b.at_flat(i))));
  CHECK(worst <= tol);
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("inference fusion: the fused steps give the plain steps' outputs, float32 and float64") {
  for (auto t : {sg::DType::float32, sg::DType::float64}) {
    CAPTURE(sg::dtype_name(t));
    Symbol net = network();
    sg::ShapeDict shapes{{"data", {3, 5, 9, 9}}};
    auto fused = net.simple_bind(sg::cpu(), shapes, {.grad_req = "null", .type_dict = {{"data", t}}});
    auto plain = net.simple_bind(sg::cpu(), shapes,
                                 {.grad_req = "null", .type_dict = {{"data", t}}, .inference_fusion = false});
    randomise(fused, 7, t);
    copy_all(fused, plain);
    const std::string d = fused.debug_str();
    CAPTURE(d);
    // c1+b1+relu, c2+b2 (its output meets the add of the other branch), cd+bd+add+relu,
    // b3+relu, c3+clip, dw+b4+relu; c4 keeps its own step (a bias only).
    CHECK(count(d, "_fused(") == 6);
    CHECK(count(d, "_fused(Convolution+BatchNorm+relu)") == 2);
    CHECK(count(d, "_fused(BatchNorm+relu)") == 1);
    CHECK(count(d, "_fused(Convolution+clip)") == 1);
    CHECK(count(d, "+elemwise_add+relu)") == 1);
    CHECK(plain.debug_str().find("_fused") == std::string::npos);
    const double tol = t == sg::DType::float32 ? 2e-5 : 1e-12;
    {
      auto f = fused.forward(false);
      auto p = plain.forward(false);
      check_close(f[0], p[0], tol);
      check_close(f[1], p[1], tol);
    }

    // A training forward runs the plain steps with batch statistics, then inference fuses again.
    auto tr_f = fused.forward(true)[0].copy();
    auto tr_p = plain.forward(true)[0].copy();
    check_close(tr_f, tr_p, tol);
    check_close(fused.forward(false)[0], plain.forward(false)[0], tol);

    // Parameters copied in after bind are used: the folded scale and shift follow them.
    randomise(fused, 8, t);
    copy_all(fused, plain);
    check_close(fused.forward(false)[0], plain.forward(false)[0], tol);
  }
}

TEST_CASE("inference fusion: an intermediate array that is an output is not fused away") {
  Symbol x = var("data");
  Symbol c = convolution(x, {.kernel = {3, 3}, .num_filter = 4, .name = "c"});
  Symbol b = bn(c, "b");
  Symbol r = relu(b);
  auto net = group({r, block_grad(b)});
  auto e = net.simple_bind(sg::cpu(), {{"data", {2, 3, 6, 6}}}, {.grad_req = "null"});
  auto p =
      net.simple_bind(sg::cpu(), {{"data", {2, 3, 6, 6}}}, {.grad_req = "null", .inference_fusion = false});
  randomise(e, 3, sg::DType::float32);
  copy_all(e, p);
  const std::string d = e.debug_str();
  CAPTURE(d);
  CHECK(count(d, "_fused(Convolution+BatchNorm)") == 1);  // relu reads b, which is an output
  auto out = e.forward(false);
  auto ref = p.forward(false);
  check_close(out[0], ref[0], 2e-5);
  check_close(out[1], ref[1], 2e-5);
}

TEST_CASE(
    "inference fusion: a training executor fuses its inference forward; backward needs a training forward") {
  Symbol x = var("data");
  Symbol y = relu(bn(convolution(x, {.kernel = {3, 3}, .num_filter = 4, .name = "c"}), "b"));
  auto loss = make_loss(sum(y));
  auto e = loss.simple_bind(sg::cpu(), {{"data", {2, 3, 6, 6}}});
  auto p = loss.simple_bind(sg::cpu(), {{"data", {2, 3, 6, 6}}}, {.inference_fusion = false});
  randomise(e, 5, sg::DType::float32);
  copy_all(e, p);
  CHECK(e.debug_str().find("_fused(Convolution+BatchNorm+relu)") != std::string::npos);
  check_close(e.forward(false)[0], p.forward(false)[0], 2e-5);
  CHECK_THROWS_WITH_AS(e.backward(), doctest::Contains("forward(is_train=true) first"), sg::ValueError);
  e.forward(true);
  p.forward(true);
  e.backward();
  p.backward();
  for (std::size_t i = 0; i < e.grad_arrays().size(); ++i)
    if (!e.grad_arrays()[i].is_none()) check_close(e.grad_arrays()[i], p.grad_arrays()[i], 1e-6);
}

TEST_CASE("inference fusion: SYMGRAD_INFERENCE_FUSION=0 turns it off") {
  Symbol y = relu(bn(convolution(var("data"), {.kernel = {1, 1}, .num_filter = 2, .name = "c"}), "b"));
  ::setenv("SYMGRAD_INFERENCE_FUSION", "0", 1);
  auto off = y.simple_bind(sg::cpu(), {{"data", {1, 2, 3, 3}}}, {.grad_req = "null"});
  ::unsetenv("SYMGRAD_INFERENCE_FUSION");
  auto on = y.simple_bind(sg::cpu(), {{"data", {1, 2, 3, 3}}}, {.grad_req = "null"});
  CHECK(off.debug_str().find("_fused") == std::string::npos);
  CHECK(on.debug_str().find("_fused") != std::string::npos);
}

TEST_CASE("convolution GEMM: the library's own kernel gives im2col + BLAS's outputs on every geometry") {
  using sg::host::conv::ConvGemm;
  struct G {
    sg::Shape data;
    ConvolutionOptions o;
  };
  const std::vector<G> cases = {
      {{3, 5, 9, 9}, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 7}},  // partial sliver and panels
      {{2, 4, 11, 13}, {.kernel = {3, 3}, .stride = {2, 2}, .num_filter = 6}},
      {{1, 3, 10, 12}, {.kernel = {7, 7}, .stride = {2, 2}, .pad = {3, 3}, .num_filter = 13}},
      {{2, 6, 8, 8}, {.kernel = {3, 3}, .dilate = {2, 2}, .pad = {2, 2}, .num_filter = 4, .num_group = 2}},
      {{2, 40, 7, 7}, {.kernel = {1, 1}, .num_filter = 9}},    // 1x1: direct rows and a short panel
      {{1, 600, 4, 5}, {.kernel = {1, 1}, .num_filter = 12}},  // several blocks of rows
      {{1, 80, 6, 6}, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 8}},  // 720 rows of col: two blocks
      {{2, 3, 17}, {.kernel = {4}, .stride = {3}, .pad = {2}, .num_filter = 5}},
      {{1, 2, 5, 6, 7}, {.kernel = {2, 3, 2}, .stride = {1, 2, 1}, .pad = {1, 0, 1}, .num_filter = 3}},
      {{1, 8, 40, 3}, {.kernel = {1, 1}, .num_filter = 16, .no_bias = true}},
      {{2, 12, 9, 8}, {.kernel = {1, 1}, .stride = {2, 3}, .num_filter = 10}},  // 1x1 with a stride: gathered
      {{2, 3, 6, 56}, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 7}},      // stride 1, wide rows
      {{1, 4, 5, 20}, {.kernel = {3, 5}, .dilate = {1, 2}, .pad = {2, 1}, .num_filter = 6, .num_group = 2}},
      {{1, 300, 7, 7}, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = 8}},  // stride 1, several blocks
      {{2, 2, 4, 5, 6}, {.kernel = {3, 3, 3}, .pad = {1, 1, 1}, .num_filter = 2}},
  };
  for (auto t : {sg::DType::float32, sg::DType::float64})
    for (const auto& c : cases) {
      CAPTURE(c.data.str());
      CAPTURE(sg::dtype_name(t));
      Symbol conv = convolution(var("data"), c.o);
      auto e =
          conv.simple_bind(sg::cpu(), {{"data", c.data}}, {.grad_req = "null", .type_dict = {{"data", t}}});
      randomise(e, 11, t);
      const ConvGemm before = sg::host::conv::conv_gemm();
      sg::host::conv::conv_gemm() = ConvGemm::blas;
      auto want = e.forward(false)[0].copy();
      sg::host::conv::conv_gemm() = ConvGemm::own;
      auto got = e.forward(false)[0].copy();
      sg::host::conv::conv_gemm() = ConvGemm::tuned;  // times both on the first call, then remembers
      auto tuned = e.forward(false)[0].copy();
      auto again = e.forward(false)[0].copy();
      sg::host::conv::conv_gemm() = before;
      check_close(got, want, t == sg::DType::float32 ? 2e-5 : 1e-12);
      check_close(tuned, want, t == sg::DType::float32 ? 2e-5 : 1e-12);
      for (std::int64_t i = 0; i < tuned.size(); ++i) REQUIRE(tuned.at_flat(i) == again.at_flat(i));
    }
}

TEST_CASE("convolution GEMM: the own kernel's output pass (batch norm, residual, clamp) in a fused network") {
  using sg::host::conv::ConvGemm;
  Symbol net = network();
  sg::ShapeDict shapes{{"data", {3, 5, 9, 9}}};
  auto fused = net.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
  auto plain = net.simple_bind(sg::cpu(), shapes, {.grad_req = "null", .inference_fusion = false});
  randomise(fused, 9, sg::DType::float32);
  copy_all(fused, plain);
  const ConvGemm before = sg::host::conv::conv_gemm();
  sg::host::conv::conv_gemm() = ConvGemm::blas;
  auto want = plain.forward(false);
  sg::host::conv::conv_gemm() = ConvGemm::own;
  auto got = fused.forward(false);
  auto got_plain = plain.forward(false);
  sg::host::conv::conv_gemm() = before;
  for (std::size_t i = 0; i < want.size(); ++i) {
    check_close(got[i], want[i], 2e-5);
    check_close(got_plain[i], want[i], 2e-5);
  }
}

namespace {
// The numbers of "memory plan: A intermediate arrays in B buffers, C MB (D MB unshared)".
std::pair<long, long> plan_counts(const std::string& d) {
  const auto p = d.find("memory plan: ");
  if (p == std::string::npos) return {0, 0};
  long a = 0, b = 0;
  std::sscanf(d.c_str() + p, "memory plan: %ld intermediate arrays in %ld buffers", &a, &b);
  return {a, b};
}
}  // namespace

TEST_CASE("memory plan: shared buffers give the unshared executor's outputs, fused or plain, both modes") {
  for (bool fusion : {true, false}) {
    CAPTURE(fusion);
    Symbol net = network();
    sg::ShapeDict shapes{{"data", {2, 5, 9, 9}}};
    auto planned = net.simple_bind(sg::cpu(), shapes, {.grad_req = "null", .inference_fusion = fusion});
    auto whole = net.simple_bind(sg::cpu(), shapes,
                                 {.grad_req = "null", .inference_fusion = fusion, .memory_plan = false});
    randomise(planned, 11, sg::DType::float32);
    copy_all(planned, whole);
    const std::string d = planned.debug_str();
    CAPTURE(d);
    const auto [arrays, buffers] = plan_counts(d);
    CHECK(arrays >= 20);  // every step's outputs but the two the network returns
    CHECK(buffers >= 2);
    CHECK(buffers * 3 <= arrays);
    CHECK(whole.debug_str().find("memory plan") == std::string::npos);
    for (int round = 0; round < 2; ++round)
      for (bool train : {false, true, false}) {
        CAPTURE(train);
        auto a = planned.forward(train);
        auto b = whole.forward(train);
        for (std::size_t i = 0; i < a.size(); ++i) {
          REQUIRE(a[i].shape() == b[i].shape());
          CHECK(sg::nd::max_abs_diff(a[i], b[i]) == 0.0);  // the same kernels on the same values
        }
      }
  }
}

TEST_CASE(
    "memory plan: a monitor sees every intermediate array as written; training executors share nothing") {
  Symbol net = network();
  sg::ShapeDict shapes{{"data", {1, 5, 9, 9}}};
  auto planned = net.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
  auto whole = net.simple_bind(sg::cpu(), shapes, {.grad_req = "null", .memory_plan = false});
  randomise(planned, 12, sg::DType::float32);
  copy_all(planned, whole);
  std::map<std::string, double> seen_planned, seen_whole;
  planned.set_monitor_callback(
      [&](const std::string& n, const sg::NDArray& a) { seen_planned[n] = a.at_flat(a.size() / 2); });
  whole.set_monitor_callback(
      [&](const std::string& n, const sg::NDArray& a) { seen_whole[n] = a.at_flat(a.size() / 2); });
  planned.forward(false);
  whole.forward(false);
  CHECK(seen_planned.size() >= 20);
  CHECK(seen_planned == seen_whole);

  auto training = net.simple_bind(sg::cpu(), shapes);
  CHECK(training.debug_str().find("memory plan") == std::string::npos);
  ::setenv("SYMGRAD_MEMORY_PLAN", "0", 1);
  auto off = net.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
  ::unsetenv("SYMGRAD_MEMORY_PLAN");
  CHECK(off.debug_str().find("memory plan") == std::string::npos);
}

TEST_CASE("NDArray::view_as: a view of other shape and dtype over the first bytes; too large is an error") {
  sg::NDArray buf(sg::Shape{64}, sg::cpu(), sg::DType::uint8);
  auto f = buf.view_as({2, 3}, sg::DType::float32);
  f.fill(1.5);
  CHECK(f.dtype() == sg::DType::float32);
  CHECK(buf.view_as({8}, sg::DType::float32).at_flat(5) == 1.5);  // the same bytes
  CHECK(buf.at_flat(24) == 0);                                    // past the view: untouched
  CHECK_THROWS_WITH_AS(buf.view_as({17}, sg::DType::float32), doctest::Contains("does not fit in 64 bytes"),
                       sg::ShapeError);
}
