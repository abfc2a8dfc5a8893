// The thread pool behind host::ThreadPool and parallel_for (cpu/parallel.hpp). The caller works
// too; a call made from inside a task, or while another thread is using the pool, runs inline. No
// allocation per call. An exception thrown by a task reaches the caller (the first one wins).
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "parallel.hpp"

namespace SYMGRAD_NS::host {
namespace detail {

class Pool {
 public:
  static Pool& instance() {
    static Pool pool(default_threads());
    return pool;
  }
  std::size_t num_threads() const { return workers_.size() + 1; }

  // Calls call(obj, task) for task in [0, tasks), spread over the pool; returns when all are done.
  void run(std::size_t tasks, const void* obj, void (*call)(const void*, std::size_t)) {
    if (tasks == 0) return;
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (tasks == 1 || tasks > 0xffffffffu || workers_.empty() || in_task() || !busy.owns_lock()) {
      for (std::size_t t = 0; t < tasks; ++t) call(obj, t);
      return;
    }
    Job job;
    {
      std::lock_guard<std::mutex> lk(m_);
      error_ = nullptr;
      fn_obj_ = obj;
      fn_call_ = call;
      tasks_ = tasks;
      pending_.store(tasks);
      ++generation_;
      // Task tickets carry the generation, so that a worker still leaving the previous call can
      // never take (or count) a task of this one.
      next_.store(ticket(generation_, 0));
      job = current();
    }
    cv_.notify_all();
    work(job);
    std::unique_lock<std::mutex> lk(m_);
    done_cv_.wait(lk, [&] { return pending_.load() == 0; });
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  explicit Pool(std::size_t n) {
    for (std::size_t i = 1; i < n; ++i) workers_.emplace_back([this] { loop(); });
  }
  static std::size_t default_threads() {
    for (const char* var : {"SYMGRAD_NUM_THREADS", "OMP_NUM_THREADS"})
      if (const char* v = std::getenv(var)) {
        long n = std::strtol(v, nullptr, 10);
        if (n > 0) return static_cast<std::size_t>(std::min(n, 256L));
      }
    return std::max(1u, std::thread::hardware_concurrency());
  }
  static bool& in_task() {
    thread_local bool flag = false;
    return flag;
  }
  struct Job {
    std::uint64_t generation = 0;
    std::size_t tasks = 0;
    void (*call)(const void*, std::size_t) = nullptr;
    const void* obj = nullptr;
  };
  static std::uint64_t ticket(std::uint64_t generation, std::uint64_t index) {
    return ((generation & 0xffffffffu) << 32) | index;
  }
  Job current() const { return {generation_, tasks_, fn_call_, fn_obj_}; }  // under m_

  // Takes tasks of `job` until none is left (or a newer call has started).
  void work(const Job& job) {
    in_task() = true;
    for (;;) {
      std::uint64_t v = next_.load(std::memory_order_acquire);
      std::size_t t = 0;
      bool got = false;
      while ((v >> 32) == (job.generation & 0xffffffffu) && (v & 0xffffffffu) < job.tasks) {
        if (next_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) {
          t = static_cast<std::size_t>(v & 0xffffffffu);
          got = true;
          break;
        }
      }
      if (!got) break;
      try {
        job.call(job.obj, t);
      } catch (...) {
        std::lock_guard<std::mutex> lk(m_);
        if (!error_) error_ = std::current_exception();
      }
      if (pending_.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lk(m_);
        done_cv_.notify_all();
      }
    }
    in_task() = false;
  }
  void loop() {
    std::uint64_t seen = 0;
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        job = current();
      }
      work(job);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex run_mutex_, m_;
  std::condition_variable cv_, done_cv_;
  const void* fn_obj_ = nullptr;
  void (*fn_call_)(const void*, std::size_t) = nullptr;
  std::size_t tasks_ = 0;
  std::atomic<std::uint64_t> next_{0};  // ticket(generation, next task index)
  std::atomic<std::size_t> pending_{0};
  std::uint64_t generation_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace detail
}  // namespace SYMGRAD_NS::host

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_CPU_PARALLEL)
namespace SYMGRAD_NS::host {

SYMGRAD_INLINE ThreadPool& ThreadPool::instance() {
  static ThreadPool pool;
  return pool;
}
SYMGRAD_INLINE std::size_t ThreadPool::num_threads() const { return detail::Pool::instance().num_threads(); }
SYMGRAD_INLINE void ThreadPool::run_erased(std::size_t tasks, const void* obj,
                                           void (*call)(const void*, std::size_t)) {
  detail::Pool::instance().run(tasks, obj, call);
}

}  // namespace SYMGRAD_NS::host
#endif
