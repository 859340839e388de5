// General matrix multiply, C = A·B, for strided A (M×K) and B (K×N) into a row-major C (ldc).
// Transposed operands are strides (sam = 1 is a column-major A): packing absorbs any layout, so
// no caller ever copies an operand first.
#pragma once

#include <cstdint>

namespace deepts {

/** C (M×N, row stride ldc) = A·B, multi-threaded on the pool. */
void sgemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t sam, int64_t sak, const float* B, int64_t sbk,
           int64_t sbn, float* C, int64_t ldc);

void dgemm(int64_t M, int64_t N, int64_t K, const double* A, int64_t sam, int64_t sak, const double* B, int64_t sbk,
           int64_t sbn, double* C, int64_t ldc);

/** The micro-kernel sgemm uses on this CPU, e.g. "avx512 14x32". */
const char* sgemmKernelName();

}  // namespace deepts
