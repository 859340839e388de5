// The gemm driver (Goto/BLIS loop nest): for each KC×NC block of B, pack it once (all threads
// share the packed copy), then every thread packs MC×KC blocks of its rows of A and sweeps its
// panels of B with the micro-kernel. Threads own disjoint rectangles of C, chosen to balance
// whole MR×NR tiles, so the summation order (and the result) depends only on the thread count.
#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "../cpu_features.h"
#include "../thread_pool.h"
#include "gemm_kernel.h"

namespace deepts {

namespace {

/** A grow-only 64-byte-aligned scratch buffer, one per thread (packing never allocates per call). */
class Scratch {
 public:
  ~Scratch() { std::free(ptr_); }
  void* get(size_t bytes) {
    if (bytes > cap_) {
      std::free(ptr_);
      cap_ = (bytes + 4095) & ~size_t(4095);
      ptr_ = std::aligned_alloc(64, cap_);
      if (!ptr_) cap_ = 0;
    }
    return ptr_;
  }

 private:
  void* ptr_ = nullptr;
  size_t cap_ = 0;
};

thread_local Scratch packedA;
thread_local Scratch packedB;

// Below this many flops per thread, waking another thread costs more than it saves.
constexpr int64_t kFlopsPerThread = int64_t(1) << 21;

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

template <class T>
void gemmDriver(const GemmKernel<T>& kern, int64_t M, int64_t N, int64_t K, const T* A, int64_t sam, int64_t sak,
                const T* B, int64_t sbk, int64_t sbn, T* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (int64_t i = 0; i < M; i++) std::memset(C + i * ldc, 0, sizeof(T) * N);
    return;
  }
  const int64_t MR = kern.mr, NR = kern.nr;
  // the kernel's block sizes are maxima: split K (and below, each thread's rows) into even blocks
  const int64_t KC = roundUp(ceilDiv(K, ceilDiv(K, kern.kc)), 8), NC = kern.nc;
  const int threads = tasksFor(2 * M * N * K, kFlopsPerThread);

  // The thread grid tm×tn with the least work (rows × columns) on the busiest thread; ties split
  // M, where each thread packs only its own rows of A. M = 128 on 2 threads splits N: 70 + 58 rows
  // (whole 14-row panels) would leave one thread idle a sixth of the time.
  const int64_t mPanels = ceilDiv(M, MR), nPanelsMax = ceilDiv(std::min(N, NC), NR);
  int tm = 1, tn = 1;
  int64_t best = INT64_MAX;
  for (int a = threads; a >= 1; a--) {
    const int b = threads / a;
    const int64_t cost = std::min(M, ceilDiv(mPanels, a) * MR) * std::min(std::min(N, NC), ceilDiv(nPanelsMax, b) * NR);
    if (cost < best) best = cost, tm = a, tn = b;
  }

  T* Bp = static_cast<T*>(packedB.get(sizeof(T) * KC * nPanelsMax * NR));
  if (!Bp) std::abort();
  for (int64_t jc = 0; jc < N; jc += NC) {
    const int64_t nc = std::min(NC, N - jc);
    const int64_t nPanels = ceilDiv(nc, NR);
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      const bool accumulate = pc > 0;
      const int packTasks = static_cast<int>(std::min<int64_t>(tm * tn, nPanels));
      parallelTasks(packTasks, [&](int t) {
        const int64_t p0 = nPanels * t / packTasks, p1 = nPanels * (t + 1) / packTasks;
        if (p0 == p1) return;
        kern.packB(kc, std::min(nc, p1 * NR) - p0 * NR, B + pc * sbk + (jc + p0 * NR) * sbn, sbk, sbn,
                   Bp + p0 * NR * kc);
      });
      parallelTasks(tm * tn, [&](int t) {
        const int ti = t / tn, tj = t % tn;
        const int64_t m0 = std::min(M, mPanels * ti / tm * MR), m1 = std::min(M, mPanels * (ti + 1) / tm * MR);
        const int64_t q0 = nPanels * tj / tn, q1 = nPanels * (tj + 1) / tn;
        if (m0 >= m1 || q0 >= q1) return;
        const int64_t MC = roundUp(ceilDiv(m1 - m0, ceilDiv(m1 - m0, kern.mc)), MR);
        T* Ap = static_cast<T*>(packedA.get(sizeof(T) * (MC + MR) * kc + 64 * sizeof(T)));
        if (!Ap) std::abort();
        for (int64_t ic = m0; ic < m1; ic += MC) {
          const int64_t mc = std::min(MC, m1 - ic);
          kern.packA(mc, kc, A + ic * sam + pc * sak, sam, sak, Ap);
          for (int64_t q = q0; q < q1; q++) {
            const int nr = static_cast<int>(std::min(NR, nc - q * NR));
            const T* bPanel = Bp + q * NR * kc;
            T* cCol = C + jc + q * NR;
            for (int64_t ir = 0; ir < mc; ir += MR) {
              kern.ukernel(kc, Ap + ir * kc, bPanel, cCol + (ic + ir) * ldc, ldc,
                           static_cast<int>(std::min(MR, mc - ir)), nr, accumulate);
            }
          }
        }
      });
    }
  }
}

// Chosen per call from the current SIMD level, so tests can run every kernel on one machine.
const GemmKernel<float>& sgemmKernel() {
  const SimdLevel level = simdLevel();
  if (level >= SimdLevel::Avx512 && sgemmKernelAvx512()) return *sgemmKernelAvx512();
  if (level >= SimdLevel::Avx2 && sgemmKernelAvx2()) return *sgemmKernelAvx2();
  return *sgemmKernelGeneric();
}

const GemmKernel<double>& dgemmKernel() {
  const SimdLevel level = simdLevel();
  if (level >= SimdLevel::Avx512 && dgemmKernelAvx512()) return *dgemmKernelAvx512();
  if (level >= SimdLevel::Avx2 && dgemmKernelAvx2()) return *dgemmKernelAvx2();
  return *dgemmKernelGeneric();
}

}  // namespace

void sgemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t sam, int64_t sak, const float* B, int64_t sbk,
           int64_t sbn, float* C, int64_t ldc) {
  gemmDriver(sgemmKernel(), M, N, K, A, sam, sak, B, sbk, sbn, C, ldc);
}

void dgemm(int64_t M, int64_t N, int64_t K, const double* A, int64_t sam, int64_t sak, const double* B, int64_t sbk,
           int64_t sbn, double* C, int64_t ldc) {
  gemmDriver(dgemmKernel(), M, N, K, A, sam, sak, B, sbk, sbn, C, ldc);
}

void sgemmWith(const GemmKernel<float>& k, int64_t M, int64_t N, int64_t K, const float* A, int64_t sam, int64_t sak,
               const float* B, int64_t sbk, int64_t sbn, float* C, int64_t ldc) {
  gemmDriver(k, M, N, K, A, sam, sak, B, sbk, sbn, C, ldc);
}

const char* sgemmKernelName() { return sgemmKernel().name; }

}  // namespace deepts
