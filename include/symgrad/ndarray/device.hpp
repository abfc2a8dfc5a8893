// Where gpu(n) memory comes from: the CUDA library when the program is built with it
// (SYMGRAD_WITH_CUDA, set by the symgrad-cuda dependency), otherwise a DeviceError that says so.
// Every translation unit of a program must see the same SYMGRAD_WITH_CUDA.
#pragma once
#include <cstddef>
#include <cstring>
#include <string>

#include "../core/context.hpp"
#include "../core/error.hpp"

#ifndef SYMGRAD_WITH_CUDA
#define SYMGRAD_WITH_CUDA 0
#endif
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

namespace symgrad {

// Whether this program was built with the CUDA backend.
inline constexpr bool built_with_cuda = SYMGRAD_WITH_CUDA != 0;

// Usable GPUs (mx.context.num_gpus()): 0 without the backend, a driver or a device.
inline int num_gpus() {
#if SYMGRAD_WITH_CUDA
  return cuda::device_count();
#else
  return 0;
#endif
}

// Why gpu(n) cannot be used, or "" when it can.
inline std::string gpu_unavailable_reason(int dev = 0) {
#if SYMGRAD_WITH_CUDA
  try {
    cuda::check_device(dev);
    return "";
  } catch (const DeviceError& e) {
    return e.what();
  }
#else
  return "DeviceError: gpu(" + std::to_string(dev) +
         ") is not available: CUDA is disabled in this build of symgrad (configure with -Dcuda=enabled "
         "on a machine with the CUDA toolkit, and build the program with the symgrad-cuda dependency)";
#endif
}

namespace device {

// Throws DeviceError when ctx cannot be used (no CUDA in the build, no driver, no GPU, bad id).
inline void require(Context ctx) {
  if (ctx.device_type == DeviceType::cpu) return;
#if SYMGRAD_WITH_CUDA
  cuda::check_device(ctx.device_id);
#else
  throw DeviceError(gpu_unavailable_reason(ctx.device_id).substr(13));
#endif
}

inline void* allocate(Context ctx, std::size_t bytes) {
#if SYMGRAD_WITH_CUDA
  return cuda::allocate(ctx.device_id, bytes);
#else
  require(ctx);
  (void)bytes;
  return nullptr;
#endif
}
inline void deallocate(Context ctx, void* p, std::size_t bytes) noexcept {
#if SYMGRAD_WITH_CUDA
  cuda::deallocate(ctx.device_id, p, bytes);
#else
  (void)ctx, (void)p, (void)bytes;
#endif
}
// Copies bytes between any two contexts.
inline void copy(void* dst, Context dst_ctx, const void* src, Context src_ctx, std::size_t bytes) {
  if (dst_ctx.device_type == DeviceType::cpu && src_ctx.device_type == DeviceType::cpu) {
    if (bytes && dst != src) std::memmove(dst, src, bytes);
    return;
  }
#if SYMGRAD_WITH_CUDA
  cuda::copy(dst, dst_ctx, src, src_ctx, bytes);
#else
  require(dst_ctx.device_type == DeviceType::gpu ? dst_ctx : src_ctx);
#endif
}
inline void zero(Context ctx, void* p, std::size_t bytes) {
  if (ctx.device_type == DeviceType::cpu) {
    std::memset(p, 0, bytes);
    return;
  }
#if SYMGRAD_WITH_CUDA
  cuda::zero(ctx.device_id, p, bytes);
#else
  require(ctx);
#endif
}
// Waits for the work queued on ctx (nothing to wait for on the CPU).
inline void synchronize(Context ctx) {
#if SYMGRAD_WITH_CUDA
  if (ctx.device_type == DeviceType::gpu) cuda::synchronize(ctx.device_id);
#else
  (void)ctx;
#endif
}

}  // namespace device
}  // namespace symgrad
