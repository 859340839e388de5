// AVX2+FMA gemm: the classic 6×16 float (6×8 double) micro-kernel in ymm registers; packing uses
// the portable packers.
#include "../simd.h"
#include "gemm_kernel.h"
#include "pack_generic.h"

namespace deepts {

#if DEEPTS_X86

namespace {

constexpr int kMr = 6;
constexpr int kNrF32 = 16;
constexpr int kNrF64 = 8;

DEEPTS_TARGET_AVX2 void sgemmUkernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int mr, int nr,
                                     bool accumulate) {
  __m256 acc0[kMr], acc1[kMr];
#pragma GCC unroll 8
  for (int i = 0; i < kMr; i++) {
    acc0[i] = _mm256_setzero_ps();
    acc1[i] = _mm256_setzero_ps();
  }
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 8
    for (int i = 0; i < kMr; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
      acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
    }
    a += kMr;
    b += kNrF32;
  }
  if (mr == kMr && nr == kNrF32) {
#pragma GCC unroll 8
    for (int i = 0; i < kMr; i++) {
      float* ci = c + i * ldc;
      __m256 v0 = acc0[i], v1 = acc1[i];
      if (accumulate) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(ci));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(ci + 8));
      }
      _mm256_storeu_ps(ci, v0);
      _mm256_storeu_ps(ci + 8, v1);
    }
    return;
  }
  alignas(32) float tile[kMr][kNrF32];
#pragma GCC unroll 8
  for (int i = 0; i < kMr; i++) {
    _mm256_store_ps(tile[i], acc0[i]);
    _mm256_store_ps(tile[i] + 8, acc1[i]);
  }
  for (int i = 0; i < mr; i++) {
    float* ci = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < nr; j++) ci[j] += tile[i][j];
    else
      for (int j = 0; j < nr; j++) ci[j] = tile[i][j];
  }
}

DEEPTS_TARGET_AVX2 void dgemmUkernel(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, int mr,
                                     int nr, bool accumulate) {
  __m256d acc0[kMr], acc1[kMr];
#pragma GCC unroll 8
  for (int i = 0; i < kMr; i++) {
    acc0[i] = _mm256_setzero_pd();
    acc1[i] = _mm256_setzero_pd();
  }
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    const __m256d b0 = _mm256_load_pd(b);
    const __m256d b1 = _mm256_load_pd(b + 4);
#pragma GCC unroll 8
    for (int i = 0; i < kMr; i++) {
      const __m256d ai = _mm256_broadcast_sd(a + i);
      acc0[i] = _mm256_fmadd_pd(ai, b0, acc0[i]);
      acc1[i] = _mm256_fmadd_pd(ai, b1, acc1[i]);
    }
    a += kMr;
    b += kNrF64;
  }
  alignas(32) double tile[kMr][kNrF64];
#pragma GCC unroll 8
  for (int i = 0; i < kMr; i++) {
    _mm256_store_pd(tile[i], acc0[i]);
    _mm256_store_pd(tile[i] + 4, acc1[i]);
  }
  for (int i = 0; i < mr; i++) {
    double* ci = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < nr; j++) ci[j] += tile[i][j];
    else
      for (int j = 0; j < nr; j++) ci[j] = tile[i][j];
  }
}

// Blocking as the AVX-512 kernel's (a deep KC, fewer passes over C): MC·KC·4 = 384 KiB of A in L2.
const GemmKernel<float> kSgemm = {"avx2 6x16", kMr, kNrF32, 6 * 16, 1024, 4096,
                                  &sgemmUkernel, &packAGeneric<float, kMr>, &packBGeneric<float, kNrF32>};
const GemmKernel<double> kDgemm = {"avx2 6x8", kMr, kNrF64, 6 * 8, 1024, 2048,
                                   &dgemmUkernel, &packAGeneric<double, kMr>, &packBGeneric<double, kNrF64>};

}  // namespace

const GemmKernel<float>* sgemmKernelAvx2() { return &kSgemm; }
const GemmKernel<double>* dgemmKernelAvx2() { return &kDgemm; }

#else

const GemmKernel<float>* sgemmKernelAvx2() { return nullptr; }
const GemmKernel<double>* dgemmKernelAvx2() { return nullptr; }

#endif

}  // namespace deepts
