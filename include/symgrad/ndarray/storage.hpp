// Owning, 64-byte-aligned storage on one device, shared by every NDArray that views it.
#pragma once
#include <cstddef>

#include "../core/context.hpp"
#include "../core/error.hpp"

namespace SYMGRAD_NS {

inline constexpr std::size_t kAlignment = 64;

class Storage {
 public:
  // CPU memory, or the CUDA library's caching pool (a DeviceError where there is none).
  Storage(std::size_t bytes, Context ctx);
  ~Storage();
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

}  // namespace SYMGRAD_NS
