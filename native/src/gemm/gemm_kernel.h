// What one instruction set contributes to gemm: a register-blocked micro-kernel computing an
// MR×NR tile of C from packed panels, the packers that build those panels, and the cache blocking
// (MC×KC of A stays in L2, KC×NR of B in L1, KC×NC of B in L3) that suits the kernel.
#pragma once

#include <cstdint>

namespace deepts {

template <class T>
struct GemmKernel {
  const char* name;
  int mr, nr;
  int64_t mc, kc, nc;
  /**
   * C[0:mr, 0:nr] (row stride ldc) = (accumulate ? C : 0) + Apanel·Bpanel, where Apanel holds
   * kc columns of MR values and Bpanel kc rows of NR values; mr <= MR, nr <= NR say how much of
   * the tile is real (the panels are zero-padded past them).
   */
  void (*ukernel)(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, int mr, int nr, bool accumulate);
  /** Packs A[0:mc, 0:kc] (strides sam, sak) into ceil(mc/MR) panels of MR·kc, zero-padded. */
  void (*packA)(int64_t mc, int64_t kc, const T* a, int64_t sam, int64_t sak, T* dst);
  /** Packs B[0:kc, 0:nc] (strides sbk, sbn) into ceil(nc/NR) panels of kc·NR, zero-padded. */
  void (*packB)(int64_t kc, int64_t nc, const T* b, int64_t sbk, int64_t sbn, T* dst);
};

const GemmKernel<float>* sgemmKernelAvx512();
const GemmKernel<float>* sgemmKernelAvx2();
const GemmKernel<float>* sgemmKernelGeneric();
const GemmKernel<double>* dgemmKernelAvx512();
const GemmKernel<double>* dgemmKernelAvx2();
const GemmKernel<double>* dgemmKernelGeneric();

/** Runs C = A·B with the given kernel (the driver in gemm.cc); for benchmarks and tests of one kernel. */
void sgemmWith(const GemmKernel<float>& k, int64_t M, int64_t N, int64_t K, const float* A, int64_t sam, int64_t sak,
               const float* B, int64_t sbk, int64_t sbn, float* C, int64_t ldc);

}  // namespace deepts
