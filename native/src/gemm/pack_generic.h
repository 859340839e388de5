// Portable packers and micro-kernel, in plain C++ (the compiler vectorizes what it can). Every
// instruction set uses these for the layouts it has no special packer for.
#pragma once

#include <algorithm>
#include <cstdint>

namespace deepts {

/** A[0:mc, 0:kc] into panels of MR rows: panel p holds dst[p·MR·kc + k·MR + i] = A[p·MR + i, k]. */
template <class T, int MR>
void packAGeneric(int64_t mc, int64_t kc, const T* a, int64_t sam, int64_t sak, T* dst) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
    const int mr = static_cast<int>(std::min<int64_t>(MR, mc - i0));
    if (sam == 1) {
      // column-major A: each k is a contiguous run of rows
      for (int64_t k = 0; k < kc; k++) {
        const T* src = a + i0 + k * sak;
        T* d = dst + k * MR;
        for (int i = 0; i < mr; i++) d[i] = src[i];
        for (int i = mr; i < MR; i++) d[i] = T(0);
      }
    } else {
      for (int i = 0; i < mr; i++) {
        const T* row = a + (i0 + i) * sam;
        for (int64_t k = 0; k < kc; k++) dst[k * MR + i] = row[k * sak];
      }
      for (int i = mr; i < MR; i++)
        for (int64_t k = 0; k < kc; k++) dst[k * MR + i] = T(0);
    }
  }
}

/** B[0:kc, 0:nc] into panels of NR columns: panel p holds dst[p·NR·kc + k·NR + j] = B[k, p·NR + j]. */
template <class T, int NR>
void packBGeneric(int64_t kc, int64_t nc, const T* b, int64_t sbk, int64_t sbn, T* dst) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
    const int nr = static_cast<int>(std::min<int64_t>(NR, nc - j0));
    if (sbn == 1) {
      for (int64_t k = 0; k < kc; k++) {
        const T* src = b + k * sbk + j0;
        T* d = dst + k * NR;
        for (int j = 0; j < nr; j++) d[j] = src[j];
        for (int j = nr; j < NR; j++) d[j] = T(0);
      }
    } else {
      for (int j = 0; j < nr; j++) {
        const T* col = b + (j0 + j) * sbn;
        for (int64_t k = 0; k < kc; k++) dst[k * NR + j] = col[k * sbk];
      }
      for (int j = nr; j < NR; j++)
        for (int64_t k = 0; k < kc; k++) dst[k * NR + j] = T(0);
    }
  }
}

/** The portable micro-kernel: an MR×NR accumulator block the compiler keeps in vector registers. */
template <class T, int MR, int NR>
void ukernelGeneric(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, int mr, int nr, bool accumulate) {
  T acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; k++, a += MR, b += NR) {
    for (int i = 0; i < MR; i++) {
      const T ai = a[i];
      for (int j = 0; j < NR; j++) acc[i][j] += ai * b[j];
    }
  }
  for (int i = 0; i < mr; i++) {
    T* ci = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < nr; j++) ci[j] += acc[i][j];
    else
      for (int j = 0; j < nr; j++) ci[j] = acc[i][j];
  }
}

}  // namespace deepts
