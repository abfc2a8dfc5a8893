// NDArray and Storage (ndarray/ndarray.hpp, ndarray/storage.hpp): allocation, copies, conversions.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "device.hpp"
#include "ndarray.hpp"
#include "storage.hpp"
#if SYMGRAD_WITH_CUDA
#include "../cuda/api.hpp"
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_NDARRAY_NDARRAY)
namespace SYMGRAD_NS {

SYMGRAD_INLINE Storage::Storage(std::size_t bytes, Context ctx) : bytes_(bytes), ctx_(ctx) {
  if (ctx.device_type != DeviceType::cpu) {
    ptr_ = device::allocate(ctx, bytes);  // the CUDA library's caching pool, or a DeviceError
    return;
  }
  // Never a zero-byte allocation, so data() is a valid aligned pointer for empty arrays too.
  ptr_ = ::operator new (bytes ? bytes : kAlignment, std::align_val_t{kAlignment});
}

SYMGRAD_INLINE Storage::~Storage() {
  if (ctx_.device_type != DeviceType::cpu)
    device::deallocate(ctx_, ptr_, bytes_);
  else
    ::operator delete (ptr_, std::align_val_t{kAlignment});
}

namespace detail {
// The most one host array may take: the machine's physical memory. A larger allocation can only
// fail, or succeed on overcommit and get the process killed while it is zeroed.
inline std::uint64_t host_memory_bytes() {
  static const std::uint64_t bytes = [] {
#if defined(__unix__) || defined(__APPLE__)
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page > 0) return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
#endif
    return std::numeric_limits<std::uint64_t>::max();
  }();
  return bytes;
}
inline std::string gib(std::uint64_t bytes) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return b;
}
}  // namespace detail

SYMGRAD_INLINE void NDArray::allocate_zeroed(Context ctx) {
  // The bytes, checked before anything is allocated: a product that overflows, or more than the
  // host's physical memory, is a DeviceError naming the shape.
  std::uint64_t bytes = dtype_size(dtype_);
  bool overflow = false;
  for (auto d : shape_)
    overflow = overflow || __builtin_mul_overflow(bytes, static_cast<std::uint64_t>(d), &bytes);
  const std::string what = "NDArray: an array of shape " + (shape_.ndim() <= kMaxRank ? shape_.str() : "?") +
                           " (" + std::string(dtype_name(dtype_)) + ")";
  if (overflow) throw DeviceError(what + " needs more than 2^64 bytes; no device can hold it");
  if (ctx.device_type == DeviceType::cpu && bytes > detail::host_memory_bytes())
    throw DeviceError(
        what + " needs " + std::to_string(bytes) + " bytes (" + detail::gib(bytes) +
        "), more than this machine's physical memory (" + detail::gib(detail::host_memory_bytes()) +
        "); symgrad refuses host allocations larger than physical memory. Use a smaller shape or "
        "batch size");
  try {
    storage_ = std::make_shared<Storage>(nbytes(), ctx);
  } catch (const std::bad_alloc&) {
    throw DeviceError(what + " needs " + std::to_string(bytes) + " bytes (" + detail::gib(bytes) +
                      ") and the allocation failed: out of memory. Use a smaller shape or batch size");
  }
  if (ctx.device_type == DeviceType::cpu)
    std::memset(storage_->data(), 0, nbytes());
  else
    device::zero(ctx, storage_->data(), nbytes());
}

SYMGRAD_INLINE NDArray NDArray::view_as(const Shape& s, DType t) const {
  require();
  const Shape c = checked(s);
  if (static_cast<std::size_t>(c.size()) * dtype_size(t) > nbytes())
    throw ShapeError("NDArray::view_as: an array of shape " + c.str() + " and dtype " +
                     std::string(dtype_name(t)) + " (" +
                     std::to_string(static_cast<std::size_t>(c.size()) * dtype_size(t)) +
                     " bytes) does not fit in " + std::to_string(nbytes()) + " bytes (shape " + shape_.str() +
                     ", dtype " + std::string(dtype_name(dtype_)) + ")");
  NDArray r = *this;
  r.shape_ = c;
  r.dtype_ = t;
  return r;
}

SYMGRAD_INLINE NDArray NDArray::slice_rows(std::int64_t begin, std::int64_t end) const {
  require();
  if (shape_.ndim() < 1 || begin < 0 || begin > end || end > shape_[0])
    throw ShapeError("NDArray::slice_rows: rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") are not within an array of shape " + shape_.str());
  NDArray r = *this;
  const std::int64_t row = shape_[0] == 0 ? 0 : shape_.size() / shape_[0];
  r.offset_ += static_cast<std::size_t>(begin * row) * dtype_size(dtype_);
  r.shape_[0] = end - begin;
  return r;
}

SYMGRAD_INLINE NDArray NDArray::reshape(Shape s) const {
  require();
  int infer = -1;
  std::int64_t known = 1;
  for (int i = 0; i < s.ndim(); ++i) {
    if (s[i] == -1) {
      if (infer >= 0) throw ShapeError("NDArray::reshape: only one dimension may be -1, got " + s.str());
      infer = i;
    } else {
      known *= s[i];
    }
  }
  if (infer >= 0 && known > 0 && size() % known == 0) s[infer] = size() / known;
  if (!s.known() || s.size() != size())
    throw ShapeError("NDArray::reshape: cannot view an array of shape " + shape_.str() + " (" +
                     std::to_string(size()) + " elements) as " + s.str());
  NDArray r = *this;
  r.shape_ = s;
  return r;
}

SYMGRAD_INLINE NDArray NDArray::copy_to(Context ctx) const {
  require();
  NDArray r(shape_, ctx, dtype_);
  device::copy(r.raw_data(), ctx, raw_data(), context(), nbytes());
  return r;
}

SYMGRAD_INLINE void NDArray::copy_to(NDArray& dst) const {
  require();
  if (dst.is_none()) {
    dst = copy();
    return;
  }
  if (!(dst.shape() == shape_))
    throw ShapeError("copy_to: destination has shape " + dst.shape().str() + ", source " + shape_.str());
  if (dst.raw_data() == raw_data()) return;
  if (dst.dtype() == dtype_) {
    device::copy(dst.raw_data(), dst.context(), raw_data(), context(), nbytes());
    return;
  }
  if (context().device_type != DeviceType::cpu || dst.context().device_type != DeviceType::cpu) {
    // converting copies between devices go through the host
    NDArray converted = copy_to(cpu()).astype(dst.dtype());
    converted.copy_to(dst);
    return;
  }
  dispatch_storage(dtype_, [&](auto s) {
    dispatch_storage(dst.dtype(), [&](auto d) {
      using S = decltype(s);
      using D = decltype(d);
      const S* p = data<S>();
      D* q = dst.data<D>();
      for (std::int64_t i = 0; i < size(); ++i) q[i] = static_cast<D>(p[i]);
    });
  });
}

SYMGRAD_INLINE void NDArray::copy_from(const NDArray& src) const {
  NDArray self = *this;
  src.copy_to(self);
}

SYMGRAD_INLINE NDArray NDArray::astype(DType t) const {
  NDArray r(shape_, context(), t);
  copy_to(r);
  return r;
}

SYMGRAD_INLINE double NDArray::at_flat(std::int64_t i) const {
  require_cpu("at_flat");
  return dispatch_storage(dtype_, [&](auto s) -> double {
    using S = decltype(s);
    return static_cast<double>(static_cast<const S*>(raw_data())[i]);
  });
}

SYMGRAD_INLINE const NDArray& NDArray::fill(double v) const {
#if SYMGRAD_WITH_CUDA
  if (context().device_type == DeviceType::gpu) {
    cuda::fill(context().device_id, dtype_, size(), v, raw_data());
    return *this;
  }
#endif
  require_cpu("fill");
  dispatch_storage(dtype_, [&](auto s) {
    using S = decltype(s);
    std::fill_n(static_cast<S*>(raw_data()), size(), static_cast<S>(v));
  });
  return *this;
}

SYMGRAD_INLINE Shape NDArray::checked(const Shape& s) {
  if (!s.known())
    throw ShapeError("NDArray: cannot allocate an array of shape " + s.str() +
                     "; every dimension must be known");
  return s;
}

SYMGRAD_INLINE NDArray NDArray::from_flat(const std::vector<double>& v, const Shape& s, DType t) {
  NDArray r(s, cpu(), t);
  dispatch_storage(t, [&](auto x) {
    using T = decltype(x);
    std::transform(v.begin(), v.end(), static_cast<T*>(r.raw_data()),
                   [](double d) { return static_cast<T>(d); });
  });
  return r;
}

SYMGRAD_INLINE void NDArray::throw_none() {
  throw ValueError("the NDArray is empty (none): it holds no storage");
}

SYMGRAD_INLINE void NDArray::throw_not_cpu(const char* what) const {
  throw DeviceError(std::string(what) + ": the array lives on " + context().str() +
                    "; copy_to(sg::cpu()) first");
}

SYMGRAD_INLINE void NDArray::throw_wrong_dtype(DType wanted) const {
  throw TypeError("NDArray holds " + std::string(dtype_name(dtype_)) + ", not " +
                  std::string(dtype_name(wanted)) + "; use astype() to convert");
}

SYMGRAD_INLINE void NDArray::throw_count_mismatch(std::size_t n) const {
  throw ShapeError("NDArray: " + std::to_string(n) + " values do not fill shape " + shape_.str() + " (" +
                   std::to_string(shape_.size()) + " elements)");
}

SYMGRAD_INLINE void NDArray::throw_not_one() const {
  throw ValueError("item(): the array has " + std::to_string(size()) + " elements, not 1");
}

}  // namespace SYMGRAD_NS
#endif
