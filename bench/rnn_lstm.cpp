// Forward+backward of the notebook's recurrent network size: sequence length 49, batch 128,
// 75 inputs, two stacked LSTM layers of 256 units. Two ways to build it:
//   unrolled  two LSTMCells (prefixes lstm1_, lstm2_) unrolled 49 steps, NTC input (128,49,75),
//             merge_outputs=true: 49 steps of small graphs per layer
//   fused     one RNN operator (FusedRNNCell, 2 layers) on TNC input (49,128,75)
// The head gradient is all ones. One JSON line per measurement (median over --reps after two
// warm-up steps). bench/compare.py runs this against MXNet 1.9.1 and PyTorch in the same run.
//
//   build/bench/rnn_lstm [--reps 10] [--only unrolled|fused]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <symgrad/rnn.hpp>
#include <vector>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

constexpr std::int64_t T = 49, N = 128, C = 75, H = 256;

void fill(sg::Executor& ex) {
  sg::nd::random::Generator gen(7);
  for (auto [name, arr] : ex.arg_dict()) {
    float* p = arr.data<float>();
    for (std::int64_t i = 0; i < arr.size(); ++i) p[i] = static_cast<float>(0.2 * gen.uniform01() - 0.1);
  }
}

void run(const char* name, Symbol net, const sg::Shape& data_shape, const sg::Shape& out_shape, int reps) {
  auto ex = net.simple_bind(sg::cpu(), {{"data", data_shape}});
  fill(ex);
  auto head = sg::nd::ones(out_shape);
  std::vector<double> ms;
  for (int r = 0; r < reps + 2; ++r) {
    auto a = std::chrono::steady_clock::now();
    ex.forward(true);
    ex.backward(head);
    auto b = std::chrono::steady_clock::now();
    if (r >= 2) ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "{\"name\": \"%s\", \"median\": %.3f, \"min\": %.3f, \"max\": %.3f, \"repetitions\": %zu, \"unit\": "
      "\"ms\"}\n",
      name, ms[ms.size() / 2], ms.front(), ms.back(), ms.size());
  std::printf("RESULT symgrad_%s_fwdbwd %.3f ms\n", name, ms[ms.size() / 2]);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 10;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--reps") == 0)
      reps = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--only") == 0)
      only = argv[i + 1];
  }
  if (only.empty() || only == "unrolled") {
    sg::rnn::LSTMCell l1(H, "lstm1_"), l2(H, "lstm2_");
    auto [o1, s1] = l1.unroll(T, var("data"), {.merge_outputs = false});
    auto [o2, s2] = l2.unroll(T, o1, {.merge_outputs = true});
    run("unrolled", o2[0], {N, T, C}, {N, T, H}, reps);
  }
  if (only.empty() || only == "fused") {
    sg::rnn::FusedRNNCell cell(H, {.num_layers = 2, .mode = "lstm", .prefix = "lstm_"});
    auto [o, s] = cell.unroll(T, var("data"), {.layout = "TNC", .merge_outputs = true});
    run("fused", o[0], {T, N, C}, {T, N, H}, reps);
  }
  return 0;
}
