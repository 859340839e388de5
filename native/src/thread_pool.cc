#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

#include "simd.h"

namespace deepts {

namespace {

inline void cpuRelax() {
#if DEEPTS_X86
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// How long an idle worker keeps polling before it sleeps: long enough to bridge the JS between
// the kernels of one training step, short enough not to burn a shared core for long.
constexpr auto kSpin = std::chrono::microseconds(200);

thread_local bool tlsInside = false;
std::atomic<int> cachedSize{0};

// Tasks are claimed from one atomic word holding (generation << 32 | next task): the caller and any
// awake worker take tasks until none is left, so a worker that is asleep or descheduled (a shared
// machine) delays nothing, and which thread runs a task never changes what the task computes.
class ThreadPool {
 public:
  explicit ThreadPool(int n) { start(n); }
  ~ThreadPool() { stop(); }

  int size() const { return size_; }

  void resize(int n) {
    std::lock_guard<std::mutex> hold(dispatch_);
    stop();
    start(n);
  }

  void run(int tasks, void (*fn)(void*, int), void* ctx) {
    std::unique_lock<std::mutex> hold(dispatch_, std::try_to_lock);
    if (!hold.owns_lock() || size_ == 1) {
      // another JS thread has the pool: run here, serially, rather than add threads
      runSerially(tasks, fn, ctx);
      return;
    }
    fn_.store(fn, std::memory_order_relaxed);
    ctx_.store(ctx, std::memory_order_relaxed);
    tasks_.store(tasks, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    const uint64_t gen = ++generation_;
    claim_.store(gen << 32, std::memory_order_seq_cst);  // publishes fn_, ctx_, tasks_
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(sleep_);
      wake_.notify_all();
    }
    tlsInside = true;
    for (int t; (t = claim(gen)) >= 0;) {
      fn(ctx, t);
      done_.fetch_add(1, std::memory_order_release);
    }
    tlsInside = false;
    int spins = 0;
    while (done_.load(std::memory_order_acquire) != tasks) {
      cpuRelax();
      if (++spins > 2048) std::this_thread::yield();  // the worker holding a task was descheduled
    }
  }

 private:
  static void runSerially(int tasks, void (*fn)(void*, int), void* ctx) {
    bool was = tlsInside;
    tlsInside = true;
    for (int t = 0; t < tasks; t++) fn(ctx, t);
    tlsInside = was;
  }

  /** The next task of job `gen`, or -1 when it has none left (or a newer job replaced it). */
  int claim(uint64_t gen) {
    uint64_t cur = claim_.load(std::memory_order_acquire);
    for (;;) {
      if ((cur >> 32) != gen || static_cast<int>(cur & 0xFFFFFFFFu) >= tasks_.load(std::memory_order_relaxed)) return -1;
      if (claim_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel, std::memory_order_acquire))
        return static_cast<int>(cur & 0xFFFFFFFFu);
    }
  }

  void start(int n) {
    size_ = n < 1 ? 1 : n;
    cachedSize.store(size_, std::memory_order_relaxed);
    stopping_.store(false);
    for (int i = 1; i < size_; i++) workers_.emplace_back([this] { work(); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(sleep_);
      stopping_.store(true, std::memory_order_seq_cst);
      wake_.notify_all();
    }
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  void work() {
    tlsInside = true;
    uint64_t seen = claim_.load(std::memory_order_acquire) >> 32;
    for (;;) {
      const uint64_t gen = waitForJob(seen);
      if (stopping_.load(std::memory_order_acquire)) return;
      seen = gen;
      for (int t; (t = claim(gen)) >= 0;) {
        // a claimed task pins its job: the caller waits for it before posting the next one
        fn_.load(std::memory_order_relaxed)(ctx_.load(std::memory_order_relaxed), t);
        done_.fetch_add(1, std::memory_order_release);
      }
    }
  }

  /** Waits (spinning, then sleeping) for a job newer than `seen` or for stop; returns its generation. */
  uint64_t waitForJob(uint64_t seen) {
    auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0;; i++) {
      const uint64_t g = claim_.load(std::memory_order_acquire) >> 32;
      if (g != seen || stopping_.load(std::memory_order_relaxed)) return g;
      cpuRelax();
      if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
    }
    std::unique_lock<std::mutex> lock(sleep_);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    uint64_t g;
    while ((g = claim_.load(std::memory_order_seq_cst) >> 32) == seen && !stopping_.load(std::memory_order_seq_cst))
      wake_.wait(lock);
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    return g;
  }

  int size_ = 1;
  std::vector<std::thread> workers_;
  std::mutex dispatch_;  // one parallel region at a time
  std::mutex sleep_;
  std::condition_variable wake_;
  uint64_t generation_ = 0;         // written under dispatch_ only
  std::atomic<uint64_t> claim_{0};  // generation << 32 | next unclaimed task
  std::atomic<int> done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stopping_{false};
  // the job; atomics only so that a worker reading a stale job (its claim then fails) is no data race
  std::atomic<void (*)(void*, int)> fn_{nullptr};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<int> tasks_{0};
};

ThreadPool* pool = nullptr;
std::mutex poolCreation;

ThreadPool& thePool() {
  std::lock_guard<std::mutex> lock(poolCreation);
  if (!pool) pool = new ThreadPool(availableCores());  // never destroyed: workers outlive module unload order
  return *pool;
}

}  // namespace

int availableCores() {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

int numThreads() {
  int n = cachedSize.load(std::memory_order_relaxed);
  return n ? n : thePool().size();
}

void setNumThreads(int n) {
  ThreadPool& p = thePool();
  if (n != p.size()) p.resize(n);
}

void runTasks(int tasks, void (*fn)(void*, int), void* ctx) {
  if (tasks <= 1 || tlsInside) {
    bool was = tlsInside;
    tlsInside = true;
    for (int t = 0; t < tasks; t++) fn(ctx, t);
    tlsInside = was;
    return;
  }
  thePool().run(tasks, fn, ctx);
}

bool insideParallelRegion() { return tlsInside; }

}  // namespace deepts
