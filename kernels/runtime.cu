// Devices, the caching allocator, copies and cuBLAS GEMM.
#include <cstring>
#include <memory>
#include <vector>

#include "common.cuh"

namespace symgrad::cuda {
namespace detail {

void fail(cudaError_t e, const char* what) {
  cudaGetLastError();  // clear a sticky launch error so that the next call reports its own
  throw DeviceError(std::string(what) + " failed: " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) +
                    ")");
}
void check_blas(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS)
    throw DeviceError(std::string(what) + " failed: cuBLAS status " + std::to_string(static_cast<int>(s)));
}

namespace {
struct Registry {
  std::mutex mu;
  std::vector<std::unique_ptr<DeviceState>> devices;
  bool probed = false;
  int count = 0;
  std::string reason;
};
// Never destroyed: arrays held in static objects may free their memory after main returns.
Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}
void probe(Registry& r) {
  if (r.probed) return;
  r.probed = true;
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    int drv = 0;
    cudaDriverGetVersion(&drv);
    if (e == cudaErrorInsufficientDriver && drv == 0)
      r.reason = "no NVIDIA driver is installed (libcuda.so.1 was not found)";
    else if (e == cudaErrorInsufficientDriver)
      r.reason = "the NVIDIA driver (CUDA " + std::to_string(drv / 1000) + "." +
                 std::to_string(drv % 1000 / 10) +
                 ") is older than the CUDA runtime this library was built with";
    else if (e == cudaErrorNoDevice)
      r.reason = "no GPU: the NVIDIA driver is loaded but reports no CUDA device";
    else
      r.reason = std::string("the CUDA runtime cannot start: ") + cudaGetErrorName(e) + " (" +
                 cudaGetErrorString(e) + ")";
    n = 0;
  } else if (n == 0) {
    r.reason = "no GPU: the NVIDIA driver reports no CUDA device";
  }
  r.count = n;
  r.devices.resize(static_cast<std::size_t>(n));
}
thread_local int current_device = -1;
}  // namespace

DeviceState& device(int dev) {
  Registry& r = registry();
  DeviceState* d = nullptr;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    probe(r);
    if (r.count == 0) throw DeviceError("gpu(" + std::to_string(dev) + ") is not available: " + r.reason);
    if (dev < 0 || dev >= r.count)
      throw DeviceError("gpu(" + std::to_string(dev) + ") does not exist: this machine has " +
                        std::to_string(r.count) + " GPU" + (r.count == 1 ? "" : "s") + " (gpu(0) to gpu(" +
                        std::to_string(r.count - 1) + "))");
    auto& slot = r.devices[static_cast<std::size_t>(dev)];
    if (!slot) {
      auto s = std::make_unique<DeviceState>();
      s->id = dev;
      check(cudaSetDevice(dev), "cudaSetDevice");
      check(cudaStreamCreateWithFlags(&s->stream, cudaStreamNonBlocking), "cudaStreamCreate");
      check_blas(cublasCreate(&s->blas), "cublasCreate");
      check_blas(cublasSetStream(s->blas, s->stream), "cublasSetStream");
      check(cudaDeviceGetAttribute(&s->sm_count, cudaDevAttrMultiProcessorCount, dev),
            "cudaDeviceGetAttribute");
      check(cudaMalloc(reinterpret_cast<void**>(&s->flag), sizeof(int)), "cudaMalloc");
      check(cudaMemset(s->flag, 0, sizeof(int)), "cudaMemset");
      slot = std::move(s);
      current_device = dev;
    }
    d = slot.get();
  }
  if (current_device != dev) {
    check(cudaSetDevice(dev), "cudaSetDevice");
    current_device = dev;
  }
  return *d;
}

bool take_flag(DeviceState& d) {
  int v = 0;
  check(cudaMemcpyAsync(&v, d.flag, sizeof(int), cudaMemcpyDeviceToHost, d.stream), "cudaMemcpy (flag)");
  check(cudaStreamSynchronize(d.stream), "cudaStreamSynchronize");
  if (v) check(cudaMemsetAsync(d.flag, 0, sizeof(int), d.stream), "cudaMemset (flag)");
  return v != 0;
}

}  // namespace detail

using detail::check;
using detail::device;

int device_count() {
  auto& r = detail::registry();
  std::lock_guard<std::mutex> lock(r.mu);
  detail::probe(r);
  return r.count;
}
std::string unavailable_reason() {
  auto& r = detail::registry();
  std::lock_guard<std::mutex> lock(r.mu);
  detail::probe(r);
  return r.reason;
}
void check_device(int dev) { device(dev); }
std::string device_name(int dev) {
  device(dev);
  cudaDeviceProp p{};
  check(cudaGetDeviceProperties(&p, dev), "cudaGetDeviceProperties");
  return p.name;
}

// ---- caching allocator ----
namespace {
// Small blocks round to 512 bytes, large ones to 1 MiB, so that freed blocks fit later requests.
std::size_t round_size(std::size_t b) {
  if (b == 0) b = 1;
  constexpr std::size_t small = 512, large = std::size_t(1) << 20;
  return b < large ? (b + small - 1) / small * small : (b + large - 1) / large * large;
}
void release_cached(detail::DeviceState& d) {  // with d.mu held
  for (auto& [size, p] : d.free_blocks) {
    cudaFree(p);
    d.stats.cached_bytes -= size;
  }
  d.free_blocks.clear();
}
}  // namespace

void* allocate(int dev, std::size_t bytes) {
  auto& d = device(dev);
  std::size_t size = round_size(bytes);
  std::lock_guard<std::mutex> lock(d.mu);
  if (auto it = d.free_blocks.find(size); it != d.free_blocks.end()) {
    void* p = it->second;
    d.free_blocks.erase(it);
    d.stats.cached_bytes -= size;
    d.stats.in_use_bytes += size;
    ++d.stats.reuses;
    return p;
  }
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, size);
  if (e == cudaErrorMemoryAllocation) {  // give the cache back and try once more
    cudaGetLastError();
    cudaStreamSynchronize(d.stream);
    release_cached(d);
    e = cudaMalloc(&p, size);
  }
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw DeviceError("out of memory on gpu(" + std::to_string(dev) + "): " + std::to_string(size) +
                      " bytes requested, " + std::to_string(d.stats.in_use_bytes) +
                      " bytes in use by symgrad (" + cudaGetErrorString(e) + ")");
  }
  ++d.stats.device_mallocs;
  d.stats.in_use_bytes += size;
  return p;
}

void deallocate(int dev, void* p, std::size_t bytes) noexcept {
  if (!p) return;
  try {
    auto& d = device(dev);
    std::size_t size = round_size(bytes);
    std::lock_guard<std::mutex> lock(d.mu);
    // Work already queued on the stream may still read the block; the stream runs in order, so a
    // later user of the block (on the same stream) comes after it.
    d.free_blocks.emplace(size, p);
    d.stats.in_use_bytes -= size;
    d.stats.cached_bytes += size;
  } catch (...) {
  }
}

PoolStats pool_stats(int dev) {
  auto& d = device(dev);
  std::lock_guard<std::mutex> lock(d.mu);
  return d.stats;
}
void empty_cache(int dev) {
  auto& d = device(dev);
  check(cudaStreamSynchronize(d.stream), "cudaStreamSynchronize");
  std::lock_guard<std::mutex> lock(d.mu);
  release_cached(d);
}

// ---- copies ----
void copy(void* dst, Context dc, const void* src, Context sc, std::size_t bytes) {
  if (bytes == 0 || dst == src) return;
  bool dg = dc.device_type == DeviceType::gpu, sg = sc.device_type == DeviceType::gpu;
  if (!dg && !sg) {
    std::memmove(dst, src, bytes);
    return;
  }
  if (dg && sg && dc.device_id != sc.device_id) {
    auto& s = device(sc.device_id);
    check(cudaStreamSynchronize(s.stream), "cudaStreamSynchronize");
    auto& d = device(dc.device_id);
    check(cudaMemcpyPeerAsync(dst, dc.device_id, src, sc.device_id, bytes, d.stream), "cudaMemcpyPeer");
    check(cudaStreamSynchronize(d.stream), "cudaStreamSynchronize");
    return;
  }
  auto& d = device(dg ? dc.device_id : sc.device_id);
  cudaMemcpyKind kind =
      dg && sg ? cudaMemcpyDeviceToDevice : (dg ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost);
  check(cudaMemcpyAsync(dst, src, bytes, kind, d.stream), "cudaMemcpy");
  if (!(dg && sg)) check(cudaStreamSynchronize(d.stream), "cudaStreamSynchronize");
}
void zero(int dev, void* p, std::size_t bytes) {
  if (bytes == 0) return;
  auto& d = device(dev);
  check(cudaMemsetAsync(p, 0, bytes, d.stream), "cudaMemset");
}
void synchronize(int dev) {
  auto& d = device(dev);
  check(cudaStreamSynchronize(d.stream), "cudaStreamSynchronize");
}

// ---- cuBLAS: row-major C = op(A) op(B) is column-major Cᵀ = op(B)ᵀ op(A)ᵀ ----
namespace {
int to_int(index_t v, const char* what) {
  if (v < 0 || v > 0x7fffffff)
    throw DeviceError(std::string("gemm: ") + what + " = " + std::to_string(v) +
                      " exceeds cuBLAS's int range");
  return static_cast<int>(v);
}
}  // namespace

// One product is a batch of one (cuBLAS's strided-batched call then runs the plain GEMM).
void gemm(int dev, DType t, bool ta, bool tb, index_t m, index_t n, index_t k, double alpha, const void* a,
          index_t lda, const void* b, index_t ldb, double beta, void* c, index_t ldc) {
  gemm_batched(dev, t, ta, tb, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
}

void gemm_batched(int dev, DType t, bool ta, bool tb, index_t m, index_t n, index_t k, double alpha,
                  const void* a, index_t lda, index_t sa, const void* b, index_t ldb, index_t sb, double beta,
                  void* c, index_t ldc, index_t sc, index_t batch) {
  if (m == 0 || n == 0 || batch == 0) return;
  auto& d = device(dev);
  cublasOperation_t oa = ta ? CUBLAS_OP_T : CUBLAS_OP_N, ob = tb ? CUBLAS_OP_T : CUBLAS_OP_N;
  int M = to_int(m, "m"), N = to_int(n, "n"), K = to_int(k, "k"), B = to_int(batch, "batch");
  int la = to_int(std::max<index_t>(lda, 1), "lda"), lb = to_int(std::max<index_t>(ldb, 1), "ldb"),
      lc = to_int(std::max<index_t>(ldc, 1), "ldc");
  detail::float_types(t, batch == 1 ? "gemm" : "batch_dot", [&](auto z) {
    using T = decltype(z);
    T al = static_cast<T>(alpha), be = static_cast<T>(beta);
    if constexpr (std::is_same_v<T, float>)
      detail::check_blas(
          cublasSgemmStridedBatched(d.blas, ob, oa, N, M, K, &al, static_cast<const T*>(b), lb, sb,
                                    static_cast<const T*>(a), la, sa, &be, static_cast<T*>(c), lc, sc, B),
          "cublasSgemmStridedBatched");
    else
      detail::check_blas(
          cublasDgemmStridedBatched(d.blas, ob, oa, N, M, K, &al, static_cast<const T*>(b), lb, sb,
                                    static_cast<const T*>(a), la, sa, &be, static_cast<T*>(c), lc, sc, B),
          "cublasDgemmStridedBatched");
  });
}

}  // namespace symgrad::cuda
