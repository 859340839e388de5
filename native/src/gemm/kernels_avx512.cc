// AVX-512 gemm: an MR×32 float micro-kernel (MR rows of two zmm accumulators each, A broadcast
// straight from the packed panel) and an MR×16 double one, plus packers that transpose 16×16
// tiles in registers so row-major A and column-major B pack at memory speed.
#include <algorithm>
#include <array>
#include <utility>

#include "../simd.h"
#include "gemm_kernel.h"
#include "pack_generic.h"

namespace deepts {

#if DEEPTS_X86

namespace {

constexpr int kMrF32 = 14;  // 28 accumulators + 2 B vectors + 1 spare of the 32 zmm registers
constexpr int kNrF32 = 32;
constexpr int kMrF64 = 14;
constexpr int kNrF64 = 16;

DEEPTS_TARGET_AVX512 DEEPTS_INLINE __mmask16 tailMask(int64_t n) {
  return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1);
}

/**
 * ROWS rows (<= MR) of an MR×32 tile from an A panel packed MR wide: the full kernel is ROWS = MR;
 * the others finish the last rows of a matrix without multiplying the panel's zero padding
 * (M = 128 is 9 panels of 14 and one of 2, not 10 panels of 14).
 */
template <int MR, int ROWS>
DEEPTS_TARGET_AVX512 void sgemmRows(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int nr,
                                    bool accumulate) {
  __m512 acc0[ROWS], acc1[ROWS];
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; i++) {
    acc0[i] = _mm512_setzero_ps();
    acc1[i] = _mm512_setzero_ps();
  }
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; i++) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * MR), _MM_HINT_T0);
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; i++) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
    }
    a += MR;
    b += 32;
  }
  if (nr == 32) {
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; i++) {
      float* ci = c + i * ldc;
      __m512 v0 = acc0[i], v1 = acc1[i];
      if (accumulate) {
        v0 = _mm512_add_ps(v0, _mm512_loadu_ps(ci));
        v1 = _mm512_add_ps(v1, _mm512_loadu_ps(ci + 16));
      }
      _mm512_storeu_ps(ci, v0);
      _mm512_storeu_ps(ci + 16, v1);
    }
    return;
  }
  const __mmask16 m0 = tailMask(nr), m1 = tailMask(nr - 16 > 0 ? nr - 16 : 0);
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; i++) {
    float* ci = c + i * ldc;
    __m512 v0 = acc0[i], v1 = acc1[i];
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, ci));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, ci + 16));
    }
    _mm512_mask_storeu_ps(ci, m0, v0);
    _mm512_mask_storeu_ps(ci + 16, m1, v1);
  }
}

using SgemmRowsFn = void (*)(int64_t, const float*, const float*, float*, int64_t, int, bool);

template <int MR, int... R>
constexpr std::array<SgemmRowsFn, sizeof...(R)> rowKernels(std::integer_sequence<int, R...>) {
  return {&sgemmRows<MR, R + 1>...};
}

/** The MR×32 micro-kernel: full panels run sgemmRows<MR, MR>, the last one its real row count. */
template <int MR>
DEEPTS_TARGET_AVX512 void sgemmUkernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int mr,
                                       int nr, bool accumulate) {
  static constexpr std::array<SgemmRowsFn, MR> kRows = rowKernels<MR>(std::make_integer_sequence<int, MR>{});
  if (mr == MR) sgemmRows<MR, MR>(kc, a, b, c, ldc, nr, accumulate);
  else kRows[mr - 1](kc, a, b, c, ldc, nr, accumulate);
}

template <int MR>
DEEPTS_TARGET_AVX512 void dgemmUkernel(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, int mr,
                                       int nr, bool accumulate) {
  __m512d acc0[MR], acc1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    acc0[i] = _mm512_setzero_pd();
    acc1[i] = _mm512_setzero_pd();
  }
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    const __m512d b0 = _mm512_load_pd(b);
    const __m512d b1 = _mm512_load_pd(b + 8);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const __m512d ai = _mm512_set1_pd(a[i]);
      acc0[i] = _mm512_fmadd_pd(ai, b0, acc0[i]);
      acc1[i] = _mm512_fmadd_pd(ai, b1, acc1[i]);
    }
    a += MR;
    b += 16;
  }
  const __mmask8 m0 = nr >= 8 ? __mmask8(0xFF) : __mmask8((1u << nr) - 1);
  const __mmask8 m1 = nr >= 16 ? __mmask8(0xFF) : nr <= 8 ? __mmask8(0) : __mmask8((1u << (nr - 8)) - 1);
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    if (i < mr) {
      double* ci = c + i * ldc;
      __m512d v0 = acc0[i], v1 = acc1[i];
      if (accumulate) {
        v0 = _mm512_add_pd(v0, _mm512_maskz_loadu_pd(m0, ci));
        v1 = _mm512_add_pd(v1, _mm512_maskz_loadu_pd(m1, ci + 8));
      }
      _mm512_mask_storeu_pd(ci, m0, v0);
      _mm512_mask_storeu_pd(ci + 8, m1, v1);
    }
  }
}

/** In-register transpose of a 16×16 float tile: r[i] holds row i before, column i after. */
DEEPTS_TARGET_AVX512 DEEPTS_INLINE void transpose16x16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
  }
  for (int i = 0; i < 8; i++) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
  }
}

/**
 * Packs `rows` (<= 16) strided vectors of length kc, each contiguous along k (src + r·ld), as
 * dst[k·width + r] for k < kc: the transpose behind row-major A and column-major B.
 */
DEEPTS_TARGET_AVX512 void packTransposed(int64_t kc, int rows, const float* src, int64_t ld, float* dst, int width) {
  const __mmask16 rowMask = tailMask(width);
  __m512 r[16];
  for (int64_t k0 = 0; k0 < kc; k0 += 16) {
    const int64_t kn = std::min<int64_t>(16, kc - k0);
    const __mmask16 km = tailMask(kn);
    for (int i = 0; i < 16; i++) r[i] = i < rows ? _mm512_maskz_loadu_ps(km, src + i * ld + k0) : _mm512_setzero_ps();
    transpose16x16(r);
    for (int64_t kk = 0; kk < kn; kk++) _mm512_mask_storeu_ps(dst + (k0 + kk) * width, rowMask, r[kk]);
  }
}

DEEPTS_TARGET_AVX512 void sgemmPackA(int64_t mc, int64_t kc, const float* a, int64_t sam, int64_t sak, float* dst) {
  constexpr int MR = kMrF32;
  if (sak != 1) {
    if (sam == 1) {
      // column-major A: each k is MR contiguous rows
      const __mmask16 full = tailMask(MR);
      for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
        const __mmask16 m = tailMask(std::min<int64_t>(MR, mc - i0));
        for (int64_t k = 0; k < kc; k++)
          _mm512_mask_storeu_ps(dst + k * MR, full, _mm512_maskz_loadu_ps(m, a + i0 + k * sak));
      }
      return;
    }
    packAGeneric<float, MR>(mc, kc, a, sam, sak, dst);
    return;
  }
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += MR * kc)
    packTransposed(kc, static_cast<int>(std::min<int64_t>(MR, mc - i0)), a + i0 * sam, sam, dst, MR);
}

DEEPTS_TARGET_AVX512 void sgemmPackB(int64_t kc, int64_t nc, const float* b, int64_t sbk, int64_t sbn, float* dst) {
  constexpr int NR = kNrF32;
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
    const int64_t nr = std::min<int64_t>(NR, nc - j0);
    if (sbn == 1) {
      const __mmask16 m0 = tailMask(nr), m1 = tailMask(nr > 16 ? nr - 16 : 0);
      for (int64_t k = 0; k < kc; k++) {
        const float* src = b + k * sbk + j0;
        _mm512_store_ps(dst + k * NR, _mm512_maskz_loadu_ps(m0, src));
        _mm512_store_ps(dst + k * NR + 16, _mm512_maskz_loadu_ps(m1, src + 16));
      }
    } else if (sbk == 1) {
      // column-major B (e.g. a weight used as Wᵀ): transpose 16 columns at a time
      packTransposed(kc, static_cast<int>(std::min<int64_t>(16, nr)), b + j0 * sbn, sbn, dst, NR);
      if (nr > 16) packTransposed(kc, static_cast<int>(nr - 16), b + (j0 + 16) * sbn, sbn, dst + 16, NR);
      else
        for (int64_t k = 0; k < kc; k++) _mm512_store_ps(dst + k * NR + 16, _mm512_setzero_ps());
    } else {
      packBGeneric<float, NR>(kc, nr, b + j0 * sbn, sbk, sbn, dst);
    }
  }
}

void dgemmPackA(int64_t mc, int64_t kc, const double* a, int64_t sam, int64_t sak, double* dst) {
  packAGeneric<double, kMrF64>(mc, kc, a, sam, sak, dst);
}

void dgemmPackB(int64_t kc, int64_t nc, const double* b, int64_t sbk, int64_t sbn, double* dst) {
  packBGeneric<double, kNrF64>(kc, nc, b, sbk, sbn, dst);
}

// Blocking (measured on Zen 5 with native/tools/gemm_bench.cc): a deep KC halves the passes over C,
// which cost more than keeping the B micro-panel in L1 (it streams from L2 at 13 B/cycle);
// MC·KC·4 = 448 KiB of A stays in L2, KC·NC·4 <= 16 MiB of B in L3. The driver evens KC and MC out
// over the blocks a dimension needs (K = 784 is one block of 784, not 768 + 16).
const GemmKernel<float> kSgemm = {"avx512 14x32", kMrF32, kNrF32, 14 * 8, 1024, 4096,
                                  &sgemmUkernel<kMrF32>, &sgemmPackA, &sgemmPackB};
const GemmKernel<double> kDgemm = {"avx512 14x16", kMrF64, kNrF64, 14 * 4, 1024, 2048,
                                   &dgemmUkernel<kMrF64>, &dgemmPackA, &dgemmPackB};

}  // namespace

const GemmKernel<float>* sgemmKernelAvx512() { return &kSgemm; }
const GemmKernel<double>* dgemmKernelAvx512() { return &kDgemm; }

#else

const GemmKernel<float>* sgemmKernelAvx512() { return nullptr; }
const GemmKernel<double>* dgemmKernelAvx512() { return nullptr; }

#endif

}  // namespace deepts
