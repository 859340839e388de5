// Batched matmul over (B, M, K) × (B, K, N) views: float32/float64 through the packed gemm (a
// transposed or broadcast operand is just strides), int32 through a plain loop with JS's
// double accumulation. Many small matrices run one per thread; large ones thread inside gemm.
#include "gemm/gemm.h"
#include "kernels.h"
#include "thread_pool.h"

namespace deepts {

namespace {

void imatmul(int64_t M, int64_t N, int64_t K, const int32_t* a, int64_t sam, int64_t sak, const int32_t* b, int64_t sbk,
             int64_t sbn, int32_t* c) {
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) {
      double s = 0;
      for (int64_t k = 0; k < K; k++) s += static_cast<double>(a[i * sam + k * sak]) * static_cast<double>(b[k * sbk + j * sbn]);
      c[i * N + j] = jsToInt32(s);
    }
}

}  // namespace

bool matmul(const View& a, const View& b, const Out& out) {
  if (a.ndim != 3 || b.ndim != 3 || a.dtype != b.dtype || a.dtype != out.dtype) return false;
  const int64_t B = a.shape[0], M = a.shape[1], K = a.shape[2], N = b.shape[2];
  if (b.shape[0] != B || b.shape[1] != K) throw KernelError(KernelError::Range, "matmul: operand shapes do not match");
  if (out.length < B * M * N) throw KernelError(KernelError::Range, "matmul: output too small");
  const int64_t sab = a.strides[0], sam = a.strides[1], sak = a.strides[2];
  const int64_t sbb = b.strides[0], sbk = b.strides[1], sbn = b.strides[2];
  const int64_t flops = 2 * M * N * K;
  // one matrix per thread when each is too small to split well
  const int64_t perTask = B > 1 && flops < (int64_t(1) << 22) ? 1 : B;
  const int64_t tasks = (B + perTask - 1) / perTask;
  // float types through the packed gemm, one matrix (or all of them) per task
  auto floats = [&](auto gemm, auto tag) {
    using T = decltype(tag);
    const T* A = a.ptr<T>();
    const T* Bm = b.ptr<T>();
    T* C = out.as<T>();
    parallelFor(tasks, 1, [&](int64_t t0, int64_t t1) {
      for (int64_t i = t0 * perTask; i < std::min(B, t1 * perTask); i++)
        gemm(M, N, K, A + i * sab, sam, sak, Bm + i * sbb, sbk, sbn, C + i * M * N, N);
    });
    return true;
  };
  switch (a.dtype) {
    case DType::F32: return floats(sgemm, float{});
    case DType::F64: return floats(dgemm, double{});
    case DType::I32: {
      const int32_t* A = a.ptr<int32_t>();
      const int32_t* Bm = b.ptr<int32_t>();
      int32_t* C = out.as<int32_t>();
      parallelFor(B, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t i = t0; i < t1; i++) imatmul(M, N, K, A + i * sab, sam, sak, Bm + i * sbb, sbk, sbn, C + i * M * N);
      });
      return true;
    }
    default: return false;
  }
}

}  // namespace deepts
