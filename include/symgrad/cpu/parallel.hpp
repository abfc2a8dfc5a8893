// Splitting large kernels across cores: parallel_for over a persistent thread pool that lives in
// libsymgrad (cpu/parallel-inl.hpp), so that files using it include no <thread> or <mutex>.
#pragma once
#include <algorithm>
#include <cstddef>
#include <type_traits>
#include "../core/config.hpp"

namespace SYMGRAD_NS::host {

// The process's pool (libsymgrad, cpu/parallel-inl.hpp): SYMGRAD_NUM_THREADS, else
// OMP_NUM_THREADS, else the cores, counting the caller.
class ThreadPool {
 public:
  static ThreadPool& instance();
  std::size_t num_threads() const;

  // Calls f(task) for task in [0, tasks), spread over the pool; returns when all are done.
  template <class F>
  void run(std::size_t tasks, F&& f) {
    run_erased(tasks, &f, [](const void* o, std::size_t t) {
      (*static_cast<std::remove_reference_t<F>*>(const_cast<void*>(o)))(t);
    });
  }
  void run_erased(std::size_t tasks, const void* obj, void (*call)(const void*, std::size_t));

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

 private:
  ThreadPool() = default;
};

inline std::size_t num_threads() { return ThreadPool::instance().num_threads(); }

// Splits [0, n) into ranges of at least `grain` (a multiple of `align`) and calls f(begin, end)
// on each, in parallel when there is more than one.
template <class F>
void parallel_for(std::size_t n, std::size_t grain, std::size_t align, F&& f) {
  std::size_t threads = n >= 2 * grain ? num_threads() : 1;
  std::size_t chunks = std::min(threads, std::max<std::size_t>(1, n / std::max<std::size_t>(grain, 1)));
  if (chunks <= 1) {
    f(std::size_t{0}, n);
    return;
  }
  std::size_t per = (n + chunks - 1) / chunks;
  per = (per + align - 1) / align * align;
  ThreadPool::instance().run(chunks, [&](std::size_t c) {
    std::size_t b = c * per, e = std::min(n, b + per);
    if (b < e) f(b, e);
  });
}

}  // namespace SYMGRAD_NS::host
