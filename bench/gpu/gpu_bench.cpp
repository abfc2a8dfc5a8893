// GPU benchmarks, one JSON line per measurement:
//   gpu_gemm   FullyConnected through a bound executor against a bare cublasSgemm, same sizes
//   gpu_mlp    the 784-512-512-10 MLP: forward, backward and SGD step on gpu(0), samples/s
//   gpu_lstm   an LSTMCell(256) unrolled 35 steps (batch 64, 128 inputs) with a softmax head
// Without a usable GPU it prints one line saying why and exits 0.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <symgrad/cuda/api.hpp>  // device_name, pool_stats
#include <symgrad/rnn.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <vector>

#include "../bench_models.hpp"

namespace sg = symgrad;
using Clock = std::chrono::steady_clock;

namespace {

// Median milliseconds of `reps` timed runs of f (after 3 warm-up runs), synchronised each time.
template <class F>
double time_ms(int reps, F&& f) {
  for (int i = 0; i < 3; ++i) f();
  sg::device::synchronize(sg::gpu(0));
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto a = Clock::now();
    f();
    sg::device::synchronize(sg::gpu(0));
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void gemm(std::int64_t n) {
  using namespace sg::sym;
  auto fc = fully_connected(var("data"), {.num_hidden = n, .no_bias = true, .name = "fc"});
  auto ex = fc.simple_bind(sg::gpu(0), {{"data", {n, n}}}, {.grad_req = "null"});
  ex.arg_dict()["data"].fill(0.5);
  ex.arg_dict()["fc_weight"].fill(0.25);
  double ours = time_ms(20, [&] { ex.forward(false); });
  // the same product with cuBLAS directly, on buffers of our allocator
  float *a = nullptr, *b = nullptr, *c = nullptr;
  cudaMalloc(&a, sizeof(float) * n * n), cudaMalloc(&b, sizeof(float) * n * n),
      cudaMalloc(&c, sizeof(float) * n * n);
  cublasHandle_t h;
  cublasCreate(&h);
  const float one = 1, zero = 0;
  const int N = static_cast<int>(n);
  double raw = time_ms(20, [&] {
    cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, N, N, N, &one, b, N, a, N, &zero, c, N);
    cudaDeviceSynchronize();
  });
  cublasDestroy(h);
  cudaFree(a), cudaFree(b), cudaFree(c);
  double flops = 2.0 * double(n) * double(n) * double(n);
  std::printf(
      "{\"bench\": \"gpu_gemm\", \"n\": %lld, \"ours_ms\": %.4f, \"cublas_ms\": %.4f, \"ratio\": %.3f, "
      "\"ours_tflops\": %.2f}\n",
      static_cast<long long>(n), ours, raw, ours / raw, flops / ours / 1e9);
}

void mlp(std::int64_t batch) {
  auto net = bench::mlp_784_512_512_10();
  auto ex = net.simple_bind(sg::gpu(0), {{"data", {batch, 784}}, {"softmax_label", {batch}}});
  sg::nd::random::Generator gen(1);
  for (auto [name, arr] : ex.arg_dict())
    if (name != "softmax_label") arr.copy_from(sg::nd::random::uniform(-0.05, 0.05, arr.shape(), gen));
  sg::opt::SGD sgd({.learning_rate = 0.01, .momentum = 0.9, .rescale_grad = 1.0 / double(batch)});
  auto step = [&] {
    ex.forward(true);
    ex.backward();
    for (std::size_t i = 0; i < ex.arg_arrays().size(); ++i)
      if (!ex.grad_arrays()[i].is_none() && ex.list_arguments()[i] != "data")
        sgd.update(i, ex.arg_arrays()[i], ex.grad_arrays()[i]);
  };
  double ms = time_ms(50, step);
  std::printf("{\"bench\": \"gpu_mlp\", \"batch\": %lld, \"step_ms\": %.4f, \"samples_per_s\": %.0f}\n",
              static_cast<long long>(batch), ms, double(batch) / ms * 1e3);
}

void lstm() {
  using namespace sg::sym;
  const std::int64_t N = 64, T = 35, C = 128, H = 256;
  sg::rnn::LSTMCell cell(H, "lstm_");
  auto [outs, states] = cell.unroll(T, var("data"), {.merge_outputs = true});
  auto pred = fully_connected(reshape(outs[0], {.shape = {-1, H}}), {.num_hidden = 10, .name = "pred"});
  auto net = softmax_output(pred, var("softmax_label"), {.name = "softmax"});
  auto ex = net.simple_bind(sg::gpu(0), {{"data", {N, T, C}}, {"softmax_label", {N * T}}});
  sg::nd::random::Generator gen(2);
  for (auto [name, arr] : ex.arg_dict())
    if (name != "softmax_label") arr.copy_from(sg::nd::random::uniform(-0.05, 0.05, arr.shape(), gen));
  double ms = time_ms(20, [&] {
    ex.forward(true);
    ex.backward();
  });
  std::printf(
      "{\"bench\": \"gpu_lstm\", \"batch\": %lld, \"steps\": %lld, \"hidden\": %lld, \"step_ms\": %.3f}\n",
      static_cast<long long>(N), static_cast<long long>(T), static_cast<long long>(H), ms);
}

}  // namespace

int main() {
  if (sg::num_gpus() == 0) {
    std::printf("{\"bench\": \"gpu\", \"skipped\": \"%s\"}\n", sg::gpu_unavailable_reason(0).c_str());
    return 0;
  }
  std::printf("{\"bench\": \"gpu\", \"device\": \"%s\"}\n", sg::cuda::device_name(0).c_str());
  for (std::int64_t n : {512, 1024, 2048, 4096}) gemm(n);
  for (std::int64_t b : {128, 512, 2048}) mlp(b);
  lstm();
  auto s = sg::cuda::pool_stats(0);
  std::printf("{\"bench\": \"gpu_pool\", \"device_mallocs\": %zu, \"reuses\": %zu, \"in_use_bytes\": %zu}\n",
              s.device_mallocs, s.reuses, s.in_use_bytes);
}
