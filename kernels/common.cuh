// Shared by the library's translation units: per-device state (stream, cuBLAS handle, memory
// pool), error checks, and the launcher that runs a body (include/symgrad/cuda/bodies.hpp) over
// a grid.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "symgrad/cuda/api.hpp"

namespace symgrad::cuda::detail {

struct DeviceState {
  int id = 0;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  int sm_count = 1;
  std::mutex mu;                                  // guards the pool
  std::multimap<std::size_t, void*> free_blocks;  // rounded size -> block
  PoolStats stats;
  int* flag = nullptr;  // one device int for kernels that report bad input
};

[[noreturn]] void fail(cudaError_t e, const char* what);
inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) fail(e, what);
}
void check_blas(cublasStatus_t s, const char* what);

// The device's state, created on first use; makes `dev` the calling thread's current device.
DeviceState& device(int dev);

// Reads and clears the device's bad-input flag (waits for the stream).
bool take_flag(DeviceState& d);

template <class Body>
__global__ void run_body(index_t n, Body body) {
  for (index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<index_t>(gridDim.x) * blockDim.x)
    body(i);
}

template <class Body>
void launch(DeviceState& d, index_t n, const Body& body) {
  if (n <= 0) return;
  constexpr int threads = 256;
  index_t blocks = std::min<index_t>((n + threads - 1) / threads, static_cast<index_t>(d.sm_count) * 32);
  run_body<<<static_cast<unsigned>(blocks), threads, 0, d.stream>>>(n, body);
  check(cudaGetLastError(), "kernel launch");
}

// Calls f(T{}) for float32 and float64; other dtypes are a DeviceError naming `what`.
template <class F>
void float_types(DType t, const char* what, F&& f) {
  if (t == DType::float32)
    f(float{});
  else if (t == DType::float64)
    f(double{});
  else
    throw DeviceError(std::string(what) + ": the CUDA kernels take float32 and float64, not " +
                      std::string(dtype_name(t)));
}
// Integer or float element types of labels and indices.
template <class F>
void index_types(DType t, const char* what, F&& f) {
  switch (t) {
    case DType::float32:
      f(float{});
      break;
    case DType::float64:
      f(double{});
      break;
    case DType::int32:
      f(std::int32_t{});
      break;
    case DType::int64:
      f(std::int64_t{});
      break;
    case DType::uint8:
      f(std::uint8_t{});
      break;
    default:
      throw DeviceError(std::string(what) + ": unsupported index dtype " + std::string(dtype_name(t)));
  }
}

}  // namespace symgrad::cuda::detail
