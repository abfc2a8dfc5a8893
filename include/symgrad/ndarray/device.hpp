// Where gpu(n) memory comes from: the CUDA library when symgrad is built with it (SYMGRAD_WITH_CUDA:
// build_config.hpp in compiled mode), otherwise a DeviceError that says so.
#pragma once
#include <cstddef>
#include <string>

#include "../core/context.hpp"
#include "../core/error.hpp"

#ifndef SYMGRAD_WITH_CUDA
#define SYMGRAD_WITH_CUDA 0
#endif

namespace SYMGRAD_NS {

// Whether this program was built with the CUDA backend.
inline constexpr bool built_with_cuda = SYMGRAD_WITH_CUDA != 0;

// Usable GPUs (mx.context.num_gpus()): 0 without the backend, a driver or a device.
int num_gpus();

// Why gpu(n) cannot be used, or "" when it can.
std::string gpu_unavailable_reason(int dev = 0);

namespace device {

// Throws DeviceError when ctx cannot be used (no CUDA in the build, no driver, no GPU, bad id).
void require(Context ctx);
void* allocate(Context ctx, std::size_t bytes);
void deallocate(Context ctx, void* p, std::size_t bytes) noexcept;
// Copies bytes between any two contexts.
void copy(void* dst, Context dst_ctx, const void* src, Context src_ctx, std::size_t bytes);
void zero(Context ctx, void* p, std::size_t bytes);
// Waits for the work queued on ctx (nothing to wait for on the CPU).
void synchronize(Context ctx);

}  // namespace device
}  // namespace SYMGRAD_NS
