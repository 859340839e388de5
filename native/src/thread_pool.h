// The one thread pool every kernel runs on. It holds numThreads() - 1 workers and the calling
// thread works too, so a kernel never has more threads running than numThreads(). Work is split
// statically (chunk t is always the same range), so results depend only on the thread count;
// chunks are claimed by whichever thread is free, so a worker that is descheduled on a busy
// machine never holds the others up.
//
// Workers spin briefly after each job (back-to-back kernels of a training step find them awake)
// and then sleep on a condition variable. A parallel region entered from inside a task, or while
// another JS thread (worker_threads) holds the pool, runs serially instead of oversubscribing.
#pragma once

#include <cstdint>
#include <type_traits>

namespace deepts {

/** The cores this process may run on (sched affinity), at least 1. */
int availableCores();

/** Threads kernels use (the caller included). */
int numThreads();

/** Resizes the pool to n threads (n >= 1); joins the old workers first. */
void setNumThreads(int n);

/** Runs fn(ctx, t) for every t in [0, tasks) on the pool (the caller included). */
void runTasks(int tasks, void (*fn)(void* ctx, int task), void* ctx);

/** True while this thread is running a pool task (nested regions run serially). */
bool insideParallelRegion();

/** How many tasks a region of `work` units should use, `grain` units at least per task. */
inline int tasksFor(int64_t work, int64_t grain) {
  if (insideParallelRegion()) return 1;
  int64_t t = grain > 0 ? work / grain : work;
  int n = numThreads();
  if (t > n) t = n;
  return t < 1 ? 1 : static_cast<int>(t);
}

template <class F>
void trampoline(void* ctx, int task) {
  (*static_cast<F*>(ctx))(task);
}

/** Calls f(task) for task in [0, tasks) on the pool. */
template <class F>
void parallelTasks(int tasks, F&& f) {
  if (tasks <= 1) {
    if (tasks == 1) f(0);
    return;
  }
  using Fn = typename std::remove_reference<F>::type;
  runTasks(tasks, &trampoline<Fn>, static_cast<void*>(&f));
}

/** Splits [0, n) into at most numThreads() equal chunks of >= grain and calls f(begin, end) on each. */
template <class F>
void parallelFor(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  int tasks = tasksFor(n, grain);
  if (tasks == 1) {
    f(int64_t(0), n);
    return;
  }
  auto chunk = [&](int t) {
    int64_t b = n * t / tasks, e = n * (t + 1) / tasks;
    if (b < e) f(b, e);
  };
  parallelTasks(tasks, chunk);
}

}  // namespace deepts
