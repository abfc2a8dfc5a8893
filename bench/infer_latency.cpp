// Batch-1 inference latency:
//   mlp       the 784-512-512-10 MLP (relu, softmax) bound with grad_req null, forward(false)
//   mlp_hand  the same arithmetic by hand: the same three cblas_sgemm calls (M = 1) plus bias,
//             relu and softmax loops over preallocated buffers
//   lstm      one step of an LSTMCell (hidden 256, input 75): data (1,75) and the states h, c
//             (1,256) in, the next h and c out, forward(false)
// Per-call time in microseconds, median over --reps rounds. Peers: bench/peers/infer_latency_
// {mxnet,torch}.py (bench/compare.py infer). Threads: SYMGRAD_NUM_THREADS / OMP_NUM_THREADS
// (OpenBLAS reads the latter too), default every core.
//
//   OPENBLAS_CORETYPE=SkylakeX build/bench/infer_latency [--reps 11] [--only mlp|lstm] [--callgrind N]
#include <cblas.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <symgrad/cpu/gemm.hpp>  // host::blas_core()
#include <symgrad/rnn.hpp>
#include <symgrad/symgrad.hpp>
#include <vector>

#include "bench_common.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

void fill(sg::Executor& ex) {
  sg::nd::random::Generator gen(7);
  for (auto [name, arr] : ex.arg_dict()) {
    float* p = arr.data<float>();
    for (std::int64_t i = 0; i < arr.size(); ++i) p[i] = static_cast<float>(0.1 * gen.uniform01() - 0.05);
  }
}

// The MLP by hand over the executor's own parameters.
struct HandMlp {
  const float *x, *w1, *b1, *w2, *b2, *w3, *b3;
  std::vector<float> h1 = std::vector<float>(512), h2 = std::vector<float>(512), y = std::vector<float>(10);
  explicit HandMlp(sg::Executor& ex) {
    auto a = ex.arg_dict();
    x = a.at("data").data<float>();
    w1 = a.at("fc1_weight").data<float>(), b1 = a.at("fc1_bias").data<float>();
    w2 = a.at("fc2_weight").data<float>(), b2 = a.at("fc2_bias").data<float>();
    w3 = a.at("fc3_weight").data<float>(), b3 = a.at("fc3_bias").data<float>();
  }
  static void layer(const float* in, int k, const float* w, const float* b, float* out, int n, bool relu) {
    std::copy_n(b, n, out);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 1, n, k, 1.f, in, k, w, k, 1.f, out, n);
    if (relu)
      for (int j = 0; j < n; ++j) out[j] = std::max(out[j], 0.f);
  }
  void step() {
    layer(x, 784, w1, b1, h1.data(), 512, true);
    layer(h1.data(), 512, w2, b2, h2.data(), 512, true);
    layer(h2.data(), 512, w3, b3, y.data(), 10, false);
    float m = *std::max_element(y.begin(), y.end()), s = 0;
    for (float& v : y) s += (v = std::exp(v - m));
    for (float& v : y) v /= s;
    bench::clobber();
  }
};

}  // namespace

int main(int argc, char** argv) {
  auto o = bench::parse(argc, argv, "usage: infer_latency [--reps N] [--only mlp|lstm] [--callgrind N]\n");
  std::printf("# threads %d (0 = every core), OpenBLAS core %s\n", bench::env_threads(),
              sg::host::blas_core());

  Symbol h =
      activation(fully_connected(var("data"), {.num_hidden = 512, .name = "fc1"}), {.act_type = "relu"});
  h = activation(fully_connected(h, {.num_hidden = 512, .name = "fc2"}), {.act_type = "relu"});
  Symbol net = softmax(fully_connected(h, {.num_hidden = 10, .name = "fc3"}));
  auto mlp = net.simple_bind(sg::cpu(), {{"data", {1, 784}}}, {.grad_req = "null"});
  fill(mlp);
  HandMlp hand(mlp);
  hand.step();
  const float* got = mlp.forward(false)[0].data<float>();
  double diff = 0;
  for (int j = 0; j < 10; ++j) diff = std::max(diff, double(std::abs(got[j] - hand.y[j])));
  std::printf("# largest difference between the executor's and the hand loop's softmax: %.2g\n", diff);

  sg::rnn::LSTMCell cell(256, "lstm_");
  auto [out, next] = cell(var("data"), {var("h"), var("c")});
  auto lstm = group({next[0], next[1]})
                  .simple_bind(sg::cpu(), {{"data", {1, 75}}, {"h", {1, 256}}, {"c", {1, 256}}},
                               {.grad_req = "null"});
  fill(lstm);

  std::vector<bench::Case> cases;
  if (bench::wanted(o, "mlp")) {
    cases.emplace_back("mlp", [&] { mlp.forward(false); });
    cases.emplace_back("mlp_hand", [&] { hand.step(); });
  }
  if (bench::wanted(o, "lstm")) cases.emplace_back("lstm", [&] { lstm.forward(false); });
  bench::run(cases, o);
  if (o.callgrind) return 0;
  double mlp_t = 0, hand_t = 0;
  for (auto& c : cases) {
    auto t = bench::stats(c.ns);
    bench::json("infer_latency/" + c.name, "1", {t.median * 1e-3, t.min * 1e-3, t.max * 1e-3, t.n}, "us");
    bench::result("symgrad_infer_" + c.name + "_b1", t.median * 1e-3, "us");
    if (c.name == "mlp") mlp_t = t.median;
    if (c.name == "mlp_hand") hand_t = t.median;
  }
  if (mlp_t > 0 && hand_t > 0)
    bench::json_value("infer_latency/ratio_mlp_over_hand", "1", mlp_t / hand_t, "x (time)");
  return 0;
}
