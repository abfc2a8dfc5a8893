// The notebook's audio stream in C++: 49 frames of 75 audio features per sample go through two
// stacked LSTMs of 256 units (mx.rnn.LSTMCell(256, prefix='lstm1_') unrolled 49 steps with
// merge_outputs=False, its outputs into LSTMCell(256, 'lstm2_')); the last output of each is
// reshaped to (-1, 256) and both are concatenated as `rnn_outputs`.
//
// It prints what MXNet's infer_shape(audio_data=(128,49,75)) prints — every argument with its
// shape, the output shape (128, 512) and no auxiliary states — then binds the network, runs
// forward and backward on random data and prints the time and a gradient norm. Exits non-zero
// if a shape differs from MXNet's.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <symgrad/rnn.hpp>

namespace sg = symgrad;
using namespace sg::sym;

int main() {
  Symbol audio = var("audio_data");
  sg::rnn::LSTMCell lstm1(256, "lstm1_");
  auto [out1, states1] = lstm1.unroll(49, audio, {.merge_outputs = false});
  sg::rnn::LSTMCell lstm2(256, "lstm2_");
  auto [out2, states2] = lstm2.unroll(49, out1, {.merge_outputs = false});
  Symbol last1 = reshape(out1.back(), {.shape = {-1, 256}, .name = "rnn1_last_out_reshape"});
  Symbol last2 = reshape(out2.back(), {.shape = {-1, 256}, .name = "rnn2_last_out_reshape"});
  Symbol rnn_outputs = concat({last1, last2}, {.dim = 1, .name = "rnn_outputs"});

  auto [arg_shapes, out_shapes, aux_shapes] = rnn_outputs.infer_shape({{"audio_data", {128, 49, 75}}});
  auto names = rnn_outputs.list_arguments();
  std::cout << "arguments:\n";
  for (std::size_t i = 0; i < names.size(); ++i)
    std::cout << "  " << names[i] << " " << arg_shapes[i] << "\n";
  std::cout << "output: " << rnn_outputs.list_outputs()[0] << " " << out_shapes[0] << "\n";
  std::cout << "auxiliary states: " << aux_shapes.size() << "\n";

  const std::vector<sg::Shape> want = {{128, 49, 75}, {1024, 75}, {1024},      {1024, 256}, {1024},
                                       {1024, 256},   {1024},     {1024, 256}, {1024}};
  bool ok = arg_shapes == want && out_shapes.size() == 1 && out_shapes[0] == sg::Shape{128, 512} &&
            aux_shapes.empty();
  if (!ok) {
    std::cerr << "shapes differ from MXNet's\n";
    return 1;
  }

  // Bind at the notebook's batch size and run one training step's forward and backward.
  auto ex = rnn_outputs.simple_bind(sg::cpu(), {{"audio_data", {128, 49, 75}}});
  sg::nd::random::Generator gen(42);
  for (auto [name, arr] : ex.arg_dict()) {
    float* p = arr.data<float>();
    for (std::int64_t i = 0; i < arr.size(); ++i) p[i] = static_cast<float>(0.2 * gen.uniform01() - 0.1);
  }
  auto tic = std::chrono::steady_clock::now();
  ex.forward(true);
  ex.backward(sg::nd::ones({128, 512}));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - tic).count();
  double norm = 0;
  const auto& g = ex.grad_dict().at("lstm1_i2h_weight");
  for (std::int64_t i = 0; i < g.size(); ++i) norm += double(g.data<float>()[i]) * g.data<float>()[i];
  std::printf("forward+backward at batch 128: %.1f ms; |d lstm1_i2h_weight| = %.4g\n", ms, std::sqrt(norm));
  return std::isfinite(norm) && norm > 0 ? 0 : 1;
}
