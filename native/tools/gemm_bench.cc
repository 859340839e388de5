// Standalone sgemm check and timing, outside Node (for tuning the kernels):
//   g++ -O3 -std=c++17 -pthread -o /tmp/gemm_bench native/tools/gemm_bench.cc native/src/gemm/*.cc \
//       native/src/thread_pool.cc native/src/cpu_features.cc && /tmp/gemm_bench 512 1024 2048
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../src/gemm/gemm.h"
#include "../src/gemm/gemm_kernel.h"
#include "../src/thread_pool.h"

using namespace deepts;

static double seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/** CPU seconds of the whole process (all threads): on a shared machine, flops per CPU second
 *  times the thread count shows the kernel's own speed, whatever share of the cores it got. */
static double cpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char** argv) {
  const char* th = std::getenv("THREADS");
  setNumThreads(th ? std::atoi(th) : 1);
  const char* tr = std::getenv("TRANS");  // "nn", "nt", "tn"
  std::string mode = tr ? tr : "nn";
  std::printf("%d threads, %s\n", numThreads(), mode.c_str());
  for (int ai = 1; ai < argc; ai++) {
    const int64_t n = std::atoll(argv[ai]);
    std::vector<float> a(n * n), b(n * n), c(n * n);
    for (int64_t i = 0; i < n * n; i++) a[i] = std::sin(double(i)), b[i] = std::cos(double(i));
    int64_t sam = n, sak = 1, sbk = n, sbn = 1;
    if (mode[0] == 't') sam = 1, sak = n;
    if (mode[1] == 't') sbk = 1, sbn = n;
    // check a few entries
    const char* which = std::getenv("KERNEL");  // avx512 (default), avx2, generic
    GemmKernel<float> kern = which && !std::strcmp(which, "avx2") ? *sgemmKernelAvx2()
                             : which && !std::strcmp(which, "generic") ? *sgemmKernelGeneric()
                                                                      : *sgemmKernelAvx512();
    // blocking overridable for tuning: MC, KC, NC
    if (const char* v = std::getenv("MC")) kern.mc = std::atoll(v);
    if (const char* v = std::getenv("KC")) kern.kc = std::atoll(v);
    if (const char* v = std::getenv("NC")) kern.nc = std::atoll(v);
    auto run = [&] { sgemmWith(kern, n, n, n, a.data(), sam, sak, b.data(), sbk, sbn, c.data(), n); };
    run();
    double maxErr = 0;
    for (int t = 0; t < 50; t++) {
      int64_t i = (t * 7919) % n, j = (t * 104729) % n;
      double s = 0;
      for (int64_t k = 0; k < n; k++) s += double(a[i * sam + k * sak]) * b[k * sbk + j * sbn];
      maxErr = std::fmax(maxErr, std::fabs(s - c[i * n + j]) / (1 + std::fabs(s)));
    }
    int reps = 0;
    double best = 1e9, bestCpu = 1e9;
    double start = seconds();
    while (seconds() - start < 1.0 || reps < 3) {
      double t0 = seconds(), c0 = cpuSeconds();
      run();
      best = std::fmin(best, seconds() - t0);
      bestCpu = std::fmin(bestCpu, cpuSeconds() - c0);
      reps++;
    }
    const double flops = 2.0 * n * n * n;
    std::printf("n=%lld  %.1f GFLOP/s wall, %.1f per CPU-second x threads (best of %d)  maxRelErr %.2e\n", (long long)n,
                flops / best / 1e9, flops / bestCpu * numThreads() / 1e9, reps, maxErr);
  }
}
