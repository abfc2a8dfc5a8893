// Counts heap allocations made through operator new while an AllocCounter is alive (the
// replacement operators live in alloc_counter.cpp).
#pragma once
#include <atomic>
#include <cstddef>

namespace testing {
std::atomic<std::size_t>& alloc_count();
std::atomic<bool>& alloc_counting();
class AllocCounter {
 public:
  AllocCounter() : start_(alloc_count().load()) { alloc_counting() = true; }
  ~AllocCounter() { alloc_counting() = false; }
  std::size_t count() const { return alloc_count().load() - start_; }

 private:
  std::size_t start_;
};
}  // namespace testing
