// Owning, 64-byte-aligned storage on one device, shared by every NDArray that views it.
#pragma once
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>

#include "../core/context.hpp"
#include "../core/error.hpp"
#include "device.hpp"

namespace symgrad {

inline constexpr std::size_t kAlignment = 64;

class Storage {
 public:
  Storage(std::size_t bytes, Context ctx) : bytes_(bytes), ctx_(ctx) {
    if (ctx.device_type != DeviceType::cpu) {
      ptr_ = device::allocate(ctx, bytes);  // the CUDA library's caching pool, or a DeviceError
      return;
    }
    // Never a zero-byte allocation, so data() is a valid aligned pointer for empty arrays too.
    ptr_ = ::operator new(bytes ? bytes : kAlignment, std::align_val_t{kAlignment});
  }
  ~Storage() {
    if (ctx_.device_type != DeviceType::cpu) device::deallocate(ctx_, ptr_, bytes_);
    else ::operator delete(ptr_, std::align_val_t{kAlignment});
  }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }
  Context context() const { return ctx_; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
  Context ctx_;
};

}  // namespace symgrad
