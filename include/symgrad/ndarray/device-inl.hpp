// Device dispatch (ndarray/device.hpp): the CUDA library's functions, or DeviceErrors.
#pragma once
#include <cstring>

#include "device.hpp"
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_NDARRAY_DEVICE)
namespace SYMGRAD_NS {

// Usable GPUs (mx.context.num_gpus()): 0 without the backend, a driver or a device.
SYMGRAD_INLINE int num_gpus() {
#if SYMGRAD_WITH_CUDA
  return cuda::device_count();
#else
  return 0;
#endif
}

// Why gpu(n) cannot be used, or "" when it can.
SYMGRAD_INLINE std::string gpu_unavailable_reason(int dev) {
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
SYMGRAD_INLINE void require(Context ctx) {
  if (ctx.device_type == DeviceType::cpu) return;
#if SYMGRAD_WITH_CUDA
  cuda::check_device(ctx.device_id);
#else
  throw DeviceError(gpu_unavailable_reason(ctx.device_id).substr(13));
#endif
}

SYMGRAD_INLINE void* allocate(Context ctx, std::size_t bytes) {
#if SYMGRAD_WITH_CUDA
  return cuda::allocate(ctx.device_id, bytes);
#else
  require(ctx);
  (void)bytes;
  return nullptr;
#endif
}
SYMGRAD_INLINE void deallocate(Context ctx, void* p, std::size_t bytes) noexcept {
#if SYMGRAD_WITH_CUDA
  cuda::deallocate(ctx.device_id, p, bytes);
#else
  (void)ctx, (void)p, (void)bytes;
#endif
}
// Copies bytes between any two contexts.
SYMGRAD_INLINE void copy(void* dst, Context dst_ctx, const void* src, Context src_ctx, std::size_t bytes) {
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
SYMGRAD_INLINE void zero(Context ctx, void* p, std::size_t bytes) {
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
SYMGRAD_INLINE void synchronize(Context ctx) {
#if SYMGRAD_WITH_CUDA
  if (ctx.device_type == DeviceType::gpu) cuda::synchronize(ctx.device_id);
#else
  (void)ctx;
#endif
}

}  // namespace device
}  // namespace SYMGRAD_NS
#endif
