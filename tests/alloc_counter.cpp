// Replacement global operator new/delete that count allocations (all forms, aligned included).
#include "alloc_counter.hpp"

#include <cstdlib>
#include <new>

namespace testing {
std::atomic<std::size_t>& alloc_count() {
  static std::atomic<std::size_t> n{0};
  return n;
}
std::atomic<bool>& alloc_counting() {
  static std::atomic<bool> on{false};
  return on;
}
}  // namespace testing

namespace {
void note() {
  if (testing::alloc_counting().load(std::memory_order_relaxed)) testing::alloc_count().fetch_add(1);
}
void* plain(std::size_t n) {
  note();
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* aligned(std::size_t n, std::align_val_t a) {
  note();
  std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return plain(n); }
void* operator new[](std::size_t n) { return plain(n); }
void* operator new(std::size_t n, std::align_val_t a) { return aligned(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return aligned(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
