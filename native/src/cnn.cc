// Convolution, pooling and batch norm for the native backend (see cnn.h).
//
// conv2d runs per group as out (og × nb·P) = W (og × K) · col (K × nb·P), col the im2col matrix
// of nb samples side by side (K = C/g·kH·kW filter taps, P = Ho·Wo output positions; nb as many
// samples as keep col within 256 KiB, so LeNet's conv2 with P = 100 gets one gemm of several
// hundred columns instead of 3.1 panels per sample), then copied into (N, O, P) with the bias
// added. The filter gradient is dW += dY (og × nb·P) · colᵀ per chunk of samples (the samples are
// summed inside the gemm), a partial sum per task added in task order; the input gradient is
// dcol (K × nb·P) = Wᵀ · dY scattered back into dx (col2im). A 1×1 stride-1 unpadded conv reads
// its input as col directly, one sample at a time; a sample whose columns overflow 512 KiB runs
// in bands of output rows. Rows of unit stride take an AVX-512 im2col and col2im: one masked copy
// per output row and tap, masks computed once per tap column, and col2im sums the kW taps that
// land on a dx row in registers (the same order as the scalar loop). With at least as many
// samples as threads the samples split into up to 4 tasks per thread, each gemm on its thread;
// fewer samples let gemm thread inside. Results depend only on the thread count. Float convs
// with few taps and filters (a first layer: K <= 64, og <= 16, unit-stride rows of <= 64 columns)
// skip im2col: conv2dDirect and conv2dBackwardWeightDirect keep a block of channels × output
// positions (or channels × taps) in AVX-512 registers. Pooling is threaded over the (n, c) planes (2×2 stride-2 float max pooling 16
// windows per AVX-512 step) and batch norm over the channels; both accumulate in double.
#include "cnn.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <new>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu_features.h"
#include "gemm/gemm.h"
#include "simd.h"
#include "thread_pool.h"

namespace deepts {

namespace {

template <class T>
void gemm(int64_t M, int64_t N, int64_t K, const T* A, int64_t sam, int64_t sak, const T* B, int64_t sbk, int64_t sbn, T* C,
          int64_t ldc);
template <>
void gemm<float>(int64_t M, int64_t N, int64_t K, const float* A, int64_t sam, int64_t sak, const float* B, int64_t sbk,
                 int64_t sbn, float* C, int64_t ldc) {
  sgemm(M, N, K, A, sam, sak, B, sbk, sbn, C, ldc);
}
template <>
void gemm<double>(int64_t M, int64_t N, int64_t K, const double* A, int64_t sam, int64_t sak, const double* B, int64_t sbk,
                  int64_t sbn, double* C, int64_t ldc) {
  dgemm(M, N, K, A, sam, sak, B, sbk, sbn, C, ldc);
}

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int64_t convOut(int64_t size, int64_t k, int64_t stride, int64_t pad, int64_t dil) {
  return floorDiv(size + 2 * pad - dil * (k - 1) - 1, stride) + 1;
}

void require(bool ok, const char* msg) {
  if (!ok) throw KernelError(KernelError::Range, msg);
}

/** The sizes every conv kernel shares, checked once. */
struct ConvDims {
  int64_t N, C, H, W, O, cg, kH, kW, G, og, K, Ho, Wo, P;
};

ConvDims convDims(const char* op, int64_t N, int64_t C, int64_t H, int64_t W, int64_t O, int64_t cg, int64_t kH, int64_t kW,
                  const ConvGeometry& g) {
  ConvDims d{N, C, H, W, O, cg, kH, kW, g.groups, 0, 0, 0, 0, 0};
  if (g.groups < 1 || O % g.groups != 0 || cg * g.groups != C || g.strideH < 1 || g.strideW < 1 || g.dilH < 1 || g.dilW < 1 ||
      g.padH < 0 || g.padW < 0)
    throw KernelError(KernelError::Range, std::string(op) + ": inconsistent channels, groups or geometry");
  d.og = O / g.groups;
  d.K = cg * kH * kW;
  d.Ho = convOut(H, kH, g.strideH, g.padH, g.dilH);
  d.Wo = convOut(W, kW, g.strideW, g.padW, g.dilW);
  if (d.Ho < 0) d.Ho = 0;
  if (d.Wo < 0) d.Wo = 0;
  d.P = d.Ho * d.Wo;
  return d;
}

/** The columns [oxLo, oxHi) whose tap at offset `dx` lands inside a row of width W. */
inline void validColumns(int64_t Wo, int64_t W, int64_t strideW, int64_t padW, int64_t dx, int64_t* lo, int64_t* hi) {
  // 0 <= ox·strideW − padW + dx < W
  int64_t a = padW - dx;
  *lo = a <= 0 ? 0 : (a + strideW - 1) / strideW;
  int64_t b = W - 1 + padW - dx;
  *hi = b < 0 ? 0 : std::min(Wo, b / strideW + 1);
  if (*lo > *hi) *lo = *hi;
}

/** Elements an im2col buffer holds past its K × P values (its last row's whole-vector stores). */
constexpr size_t kColSlack = 16;

#if DEEPTS_X86
/** One zmm of T: the few operations the unit-stride im2col/col2im need. */
template <class T>
struct Zmm;
template <>
struct Zmm<float> {
  static constexpr int64_t L = 16;
  using V = __m512;
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE V load(uint32_t m, const float* p) { return _mm512_maskz_loadu_ps(static_cast<__mmask16>(m), p); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE void store(uint32_t m, float* p, V v) { _mm512_mask_storeu_ps(p, static_cast<__mmask16>(m), v); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE V zero() { return _mm512_setzero_ps(); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE V add(V a, V b) { return _mm512_add_ps(a, b); }
};
template <>
struct Zmm<double> {
  static constexpr int64_t L = 8;
  using V = __m512d;
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE V load(uint32_t m, const double* p) { return _mm512_maskz_loadu_pd(static_cast<__mmask8>(m), p); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE void store(double* p, V v) { _mm512_storeu_pd(p, v); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE void store(uint32_t m, double* p, V v) { _mm512_mask_storeu_pd(p, static_cast<__mmask8>(m), v); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE V zero() { return _mm512_setzero_pd(); }
  DEEPTS_TARGET_AVX512 static DEEPTS_INLINE V add(V a, V b) { return _mm512_add_pd(a, b); }
};

/** Lanes [a, b) of an L-lane mask, clipped to [0, L). */
inline uint32_t laneRange(int64_t a, int64_t b, int64_t L) {
  a = std::max<int64_t>(a, 0);
  b = std::min(b, L);
  if (b <= a) return 0;
  return ((1u << b) - 1) & ~((1u << a) - 1);
}

/**
 * im2col for unit-stride rows (strideW = 1, x's rows contiguous): each output row is a masked
 * copy of the input row shifted by the tap, zeros where the tap falls into the padding. The masks
 * depend only on kx and are computed once. The stores are whole vectors: up to a vector past a
 * row is overwritten (the next row, written after it, or the buffer's kColSlack).
 */
template <class T>
DEEPTS_TARGET_AVX512 void im2colUnitAvx512(const T* X, int64_t sc, int64_t sh, int64_t c0, const ConvDims& d, const ConvGeometry& g,
                                           T* col, int64_t ldcol) {
  using Z = Zmm<T>;
  constexpr int64_t L = Z::L;
  const int64_t chunks = (d.Wo + L - 1) / L;
  std::vector<uint32_t> masks(static_cast<size_t>(d.kW * chunks));
  for (int64_t kx = 0; kx < d.kW; kx++) {
    int64_t lo, hi;
    validColumns(d.Wo, d.W, 1, g.padW, kx * g.dilW, &lo, &hi);
    for (int64_t q = 0; q < chunks; q++) masks[static_cast<size_t>(kx * chunks + q)] = laneRange(lo - q * L, hi - q * L, L);
  }
  int64_t k = 0;
  for (int64_t c = 0; c < d.cg; c++)
    for (int64_t ky = 0; ky < d.kH; ky++) {
      // output rows [oyLo, oyHi) read input rows; the others lie in the padding
      int64_t oyLo, oyHi;
      validColumns(d.Ho, d.H, g.strideH, g.padH, ky * g.dilH, &oyLo, &oyHi);
      for (int64_t kx = 0; kx < d.kW; kx++, k++) {
        T* row = col + k * ldcol;
        std::fill(row, row + oyLo * d.Wo, T(0));
        std::fill(row + oyHi * d.Wo, row + d.P, T(0));
        const uint32_t* m = masks.data() + kx * chunks;
        // input column of output column 0; the pointer is only dereferenced inside the row
        const T* src = X + (c0 + c) * sc + (oyLo * g.strideH - g.padH + ky * g.dilH) * sh + (kx * g.dilW - g.padW);
        const int64_t step = g.strideH * sh;
        T* r = row + oyLo * d.Wo;
        if (chunks == 1) {
          const uint32_t m0 = m[0];
          for (int64_t oy = oyLo; oy < oyHi; oy++, src += step, r += d.Wo) Z::store(r, Z::load(m0, src));
        } else {
          for (int64_t oy = oyLo; oy < oyHi; oy++, src += step, r += d.Wo)
            for (int64_t q = 0; q < chunks; q++) Z::store(r + q * L, Z::load(m[q], src + q * L));
        }
      }
    }
}

/**
 * col2im's unit-stride form. Each row of dx gathers the kW taps that land on it in registers
 * (a masked, shifted row of dcol each) and is read and written once per (c, ky, oy): adding the
 * taps one at a time would make every masked store feed the next tap's overlapping load. Per
 * element the taps are added in (ky, kx) order, as the scalar loop does.
 */
template <class T>
DEEPTS_TARGET_AVX512 void col2imUnitAvx512(const T* dcol, int64_t ldcol, int64_t c0, const ConvDims& d, const ConvGeometry& g, T* dx) {
  using Z = Zmm<T>;
  constexpr int64_t L = Z::L;
  const int64_t chunks = (d.W + L - 1) / L;
  // lane i of chunk q is input column q·L + i, output column q·L + i − shift of tap kx
  std::vector<uint32_t> masks(static_cast<size_t>(d.kW * chunks));
  std::vector<int64_t> shift(static_cast<size_t>(d.kW));
  for (int64_t kx = 0; kx < d.kW; kx++) {
    int64_t lo, hi;
    validColumns(d.Wo, d.W, 1, g.padW, kx * g.dilW, &lo, &hi);
    shift[kx] = kx * g.dilW - g.padW;
    for (int64_t q = 0; q < chunks; q++) masks[static_cast<size_t>(kx * chunks + q)] = laneRange(lo + shift[kx] - q * L, hi + shift[kx] - q * L, L);
  }
  for (int64_t c = 0; c < d.cg; c++)
    for (int64_t ky = 0; ky < d.kH; ky++) {
      const T* taps = dcol + (c * d.kH + ky) * d.kW * ldcol;
      int64_t oyLo, oyHi;
      validColumns(d.Ho, d.H, g.strideH, g.padH, ky * g.dilH, &oyLo, &oyHi);
      for (int64_t oy = oyLo; oy < oyHi; oy++) {
        T* dst = dx + ((c0 + c) * d.H + oy * g.strideH - g.padH + ky * g.dilH) * d.W;
        const T* r = taps + oy * d.Wo;
        for (int64_t q = 0; q < chunks; q++) {
          const uint32_t all = laneRange(0, d.W - q * L, L);
          typename Z::V acc = Z::load(all, dst + q * L);
          for (int64_t kx = 0; kx < d.kW; kx++)
            acc = Z::add(acc, Z::load(masks[static_cast<size_t>(kx * chunks + q)], r + kx * ldcol + q * L - shift[kx]));
          Z::store(all, dst + q * L, acc);
        }
      }
    }
}
#endif

/** Whether the unit-stride AVX-512 im2col/col2im apply. */
inline bool unitRows(const ConvGeometry& g, int64_t sw) {
#if DEEPTS_X86
  return g.strideW == 1 && sw == 1 && simdLevel() >= SimdLevel::Avx512;
#else
  (void)g;
  (void)sw;
  return false;
#endif
}

/** col (K × P, row stride ldcol) of sample n, channels [c0, c0 + cg) of x. */
template <class T>
void im2col(const View& x, int64_t n, int64_t c0, const ConvDims& d, const ConvGeometry& g, T* col, int64_t ldcol) {
  const T* X = x.ptr<T>() + n * x.strides[0];
  const int64_t sc = x.strides[1], sh = x.strides[2], sw = x.strides[3];
#if DEEPTS_X86
  if (unitRows(g, sw)) return im2colUnitAvx512<T>(X, sc, sh, c0, d, g, col, ldcol);
#endif
  int64_t k = 0;
  for (int64_t c = 0; c < d.cg; c++)
    for (int64_t ky = 0; ky < d.kH; ky++)
      for (int64_t kx = 0; kx < d.kW; kx++, k++) {
        T* row = col + k * ldcol;
        int64_t lo, hi;
        validColumns(d.Wo, d.W, g.strideW, g.padW, kx * g.dilW, &lo, &hi);
        for (int64_t oy = 0; oy < d.Ho; oy++) {
          T* r = row + oy * d.Wo;
          const int64_t iy = oy * g.strideH - g.padH + ky * g.dilH;
          if (iy < 0 || iy >= d.H) {
            std::fill(r, r + d.Wo, T(0));
            continue;
          }
          const T* src = X + (c0 + c) * sc + iy * sh + (lo * g.strideW - g.padW + kx * g.dilW) * sw;
          std::fill(r, r + lo, T(0));
          const int64_t step = g.strideW * sw;
          for (int64_t ox = lo; ox < hi; ox++, src += step) r[ox] = *src;
          std::fill(r + hi, r + d.Wo, T(0));
        }
      }
}

/** dx[c0 + c, iy, ix] += dcol[k, p] over every tap inside the image (dx: one sample, contiguous (C, H, W)). */
template <class T>
void col2im(const T* dcol, int64_t ldcol, int64_t c0, const ConvDims& d, const ConvGeometry& g, T* dx) {
#if DEEPTS_X86
  if (unitRows(g, 1)) return col2imUnitAvx512<T>(dcol, ldcol, c0, d, g, dx);
#endif
  int64_t k = 0;
  for (int64_t c = 0; c < d.cg; c++)
    for (int64_t ky = 0; ky < d.kH; ky++)
      for (int64_t kx = 0; kx < d.kW; kx++, k++) {
        const T* row = dcol + k * ldcol;
        int64_t lo, hi;
        validColumns(d.Wo, d.W, g.strideW, g.padW, kx * g.dilW, &lo, &hi);
        for (int64_t oy = 0; oy < d.Ho; oy++) {
          const int64_t iy = oy * g.strideH - g.padH + ky * g.dilH;
          if (iy < 0 || iy >= d.H) continue;
          T* dst = dx + ((c0 + c) * d.H + iy) * d.W + (lo * g.strideW - g.padW + kx * g.dilW);
          const T* r = row + oy * d.Wo;
          for (int64_t ox = lo; ox < hi; ox++, dst += g.strideW) *dst += r[ox];
        }
      }
}

/** The filters as a contiguous (O, K) matrix. */
template <class T>
std::vector<T> packFilters(const View& w, const ConvDims& d) {
  std::vector<T> out(static_cast<size_t>(d.O * d.K));
  const T* Wp = w.ptr<T>();
  int64_t i = 0;
  for (int64_t o = 0; o < d.O; o++)
    for (int64_t c = 0; c < d.cg; c++)
      for (int64_t ky = 0; ky < d.kH; ky++)
        for (int64_t kx = 0; kx < d.kW; kx++)
          out[i++] = Wp[o * w.strides[0] + c * w.strides[1] + ky * w.strides[2] + kx * w.strides[3]];
  return out;
}

/** Whether a 1×1 stride-1 unpadded conv can read x's (H, W) plane as one row of P elements. */
bool directColumns(const View& x, const ConvDims& d, const ConvGeometry& g) {
  return d.kH == 1 && d.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0 && g.padW == 0 &&
         (d.H == 1 || x.strides[2] == d.W * x.strides[3]);
}

/**
 * This thread's conv scratch: grow-only, 64-byte aligned, uninitialized (every use writes before
 * it reads). A conv kernel holds it for the length of one pool task; the gemm inside it has its own.
 */
template <class T>
T* convScratch(size_t n) {
  struct Buffer {
    void* p = nullptr;
    size_t bytes = 0;
    ~Buffer() { std::free(p); }
  };
  thread_local Buffer buf;
  const size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;
  if (bytes > buf.bytes) {
    std::free(buf.p);
    buf.p = std::aligned_alloc(64, bytes);
    if (!buf.p) {
      buf.bytes = 0;
      throw std::bad_alloc();
    }
    buf.bytes = bytes;
  }
  return static_cast<T*>(buf.p);
}

/**
 * Samples per gemm: as many as keep one K × (nb·P) column matrix within 256 KiB (so it stays in
 * L2 between im2col and gemm's packing), at least 1. Batching them gives the gemm nb·P columns
 * (LeNet's conv2 has P = 100, 3.1 panels of 32, per sample).
 */
template <class T>
int64_t chunkSamples(const ConvDims& d) {
  const int64_t budget = int64_t(256 * 1024) / static_cast<int64_t>(sizeof(T));
  return std::max<int64_t>(1, std::min(d.N, budget / std::max<int64_t>(1, d.K * d.P)));
}

/**
 * Output rows per band for a sample whose K × P columns overflow 512 KiB (chunkSamples gave it a
 * gemm of its own): its columns are built and consumed a band of rows at a time, each band a conv
 * of the same input with the padding above shifted (bandDims), so they are still in cache when
 * gemm packs them. Ho when the whole sample fits.
 */
template <class T>
int64_t bandRows(const ConvDims& d, int64_t nb) {
  const int64_t budget = int64_t(512 * 1024) / static_cast<int64_t>(sizeof(T));
  if (nb > 1 || d.K * d.P <= budget) return d.Ho;
  return std::max<int64_t>(1, budget / std::max<int64_t>(1, d.K * d.Wo));
}

/** The dims and geometry of output rows [oy0, oy0 + rows) as a conv of its own. */
inline void bandDims(const ConvDims& d, const ConvGeometry& g, int64_t oy0, int64_t rows, ConvDims* db, ConvGeometry* gb) {
  *db = d;
  db->Ho = std::min(rows, d.Ho - oy0);
  db->P = db->Ho * d.Wo;
  *gb = g;
  gb->padH = g.padH - oy0 * g.strideH;
}

/**
 * Tasks the samples split into: none (1, the caller walks them and gemm threads inside) when
 * there are fewer samples than threads, else up to 4 per thread, about one chunk of nb samples
 * each. The pool hands tasks to whichever thread is free, so on a shared machine a descheduled
 * worker leaves the others the rest of the work instead of half of it. The count depends only
 * on N, nb and the thread count.
 */
inline int sampleTasks(int64_t N, int64_t nb) {
  const int threads = numThreads();
  if (threads <= 1 || N < threads || insideParallelRegion()) return 1;
  const int64_t chunks = (N + nb - 1) / nb;
  return static_cast<int>(std::min<int64_t>(N, std::max<int64_t>(threads, std::min<int64_t>(chunks, 4 * threads))));
}

/** Runs body(n0, n1, scratch) over chunks of at most nb samples, in sampleTasks(N, nb) tasks on the pool. */
template <class T, class F>
void forSampleChunks(int64_t N, int64_t nb, size_t scratchSize, F&& body) {
  const int tasks = sampleTasks(N, nb);
  auto walk = [&](int t) {
    const int64_t b = N * t / tasks, e = N * (t + 1) / tasks;
    T* scratch = convScratch<T>(scratchSize);
    for (int64_t n0 = b; n0 < e; n0 += nb) body(n0, std::min(e, n0 + nb), scratch);
  };
  parallelTasks(tasks, walk);
}

/** dst (og × m·P) = gy's channels [o0, o0 + og) of samples [n0, n0 + m), sample-major within each row. */
template <class T>
void gatherGrad(const View& gy, int64_t n0, int64_t m, int64_t o0, const ConvDims& d, T* dst) {
  const T* G = gy.ptr<T>();
  const bool plane = gy.strides[3] == 1 && (d.Ho == 1 || gy.strides[2] == d.Wo);
  for (int64_t o = 0; o < d.og; o++)
    for (int64_t i = 0; i < m; i++) {
      const T* src = G + (n0 + i) * gy.strides[0] + (o0 + o) * gy.strides[1];
      T* r = dst + o * m * d.P + i * d.P;
      if (plane) {
        std::copy(src, src + d.P, r);
        continue;
      }
      for (int64_t oy = 0; oy < d.Ho; oy++)
        for (int64_t ox = 0; ox < d.Wo; ox++) r[oy * d.Wo + ox] = src[oy * gy.strides[2] + ox * gy.strides[3]];
    }
}

#if DEEPTS_X86
/** Output channels one register block of conv2dDirect holds (× 2 vectors of 16 positions). */
constexpr int kFwOB = 6;

/**
 * conv2d without im2col for float convs with few taps (first layers, e.g. LeNet's 1 → 6 5×5):
 * for each output row, 6 channels × 32 positions accumulate over the K taps in registers (a
 * masked load of the shifted input row, then 6 broadcast weights: 8 loads feed 12 FMAs), taps in
 * order from zero and the bias added after, as the gemm path computes them (K <= 64 is one gemm
 * K block), so the values are the same. A tap in the padding contributes w·0, as im2col's zeros.
 */
DEEPTS_TARGET_AVX512 void conv2dDirect(const View& x, const float* Wc, const View* bias, const ConvGeometry& g, const ConvDims& d, int64_t n0,
                                       int64_t n1, float* out) {
  const int64_t chunks = (d.Wo + 15) / 16;
  std::vector<int64_t> off(static_cast<size_t>(d.K)), rowOff(static_cast<size_t>(d.K));
  std::vector<uint32_t> masks(static_cast<size_t>(d.K * (chunks + 1)), 0u);  // one zero chunk past the last
  std::vector<uint32_t> outMask(static_cast<size_t>(chunks + 1), 0u);
  for (int64_t q = 0; q < chunks; q++) outMask[q] = laneRange(0, d.Wo - 16 * q, 16);
  for (int64_t c = 0, k = 0; c < d.cg; c++)
    for (int64_t ky = 0; ky < d.kH; ky++)
      for (int64_t kx = 0; kx < d.kW; kx++, k++) {
        int64_t lo, hi;
        validColumns(d.Wo, d.W, 1, g.padW, kx * g.dilW, &lo, &hi);
        for (int64_t q = 0; q < chunks; q++) masks[static_cast<size_t>(k * (chunks + 1) + q)] = laneRange(lo - 16 * q, hi - 16 * q, 16);
        rowOff[k] = ky * g.dilH - g.padH;
        off[k] = c * x.strides[1] + (kx * g.dilW - g.padW);
      }
  const float* B = bias ? bias->ptr<float>() : nullptr;
  for (int64_t n = n0; n < n1; n++)
    for (int64_t grp = 0; grp < d.G; grp++) {
      const float* X = x.ptr<float>() + n * x.strides[0] + grp * d.cg * x.strides[1];
      for (int64_t o0 = 0; o0 < d.og; o0 += kFwOB) {
        // a block past the last channel repeats it; only the real ones are stored
        const float* wr[kFwOB];
        for (int i = 0; i < kFwOB; i++) wr[i] = Wc + (grp * d.og + std::min<int64_t>(o0 + i, d.og - 1)) * d.K;
        for (int64_t oy = 0; oy < d.Ho; oy++) {
          const int64_t iy0 = oy * g.strideH;
          for (int64_t q = 0; q < chunks; q += 2) {
            __m512 a0[kFwOB], a1[kFwOB];
#pragma GCC unroll 8
            for (int i = 0; i < kFwOB; i++) a0[i] = a1[i] = _mm512_setzero_ps();
            for (int64_t k = 0; k < d.K; k++) {
              const int64_t iy = iy0 + rowOff[k];
              const bool inside = iy >= 0 && iy < d.H;
              const uint32_t live = inside ? 0xFFFFu : 0u;
              const float* src = X + off[k] + (inside ? iy : 0) * x.strides[2] + 16 * q;
              const uint32_t* m = masks.data() + k * (chunks + 1) + q;
              const __m512 x0 = _mm512_maskz_loadu_ps(static_cast<__mmask16>(m[0] & live), src);
              const __m512 x1 = _mm512_maskz_loadu_ps(static_cast<__mmask16>(m[1] & live), src + 16);
#pragma GCC unroll 8
              for (int i = 0; i < kFwOB; i++) {
                const __m512 w = _mm512_set1_ps(wr[i][k]);
                a0[i] = _mm512_fmadd_ps(w, x0, a0[i]);
                a1[i] = _mm512_fmadd_ps(w, x1, a1[i]);
              }
            }
#pragma GCC unroll 8
            for (int i = 0; i < kFwOB; i++) {
              if (o0 + i >= d.og) break;
              const int64_t o = grp * d.og + o0 + i;
              float* r = out + ((n * d.O + o) * d.Ho + oy) * d.Wo + 16 * q;
              __m512 v0 = a0[i], v1 = a1[i];
              if (B) {
                const __m512 bv = _mm512_set1_ps(B[o * bias->strides[0]]);
                v0 = _mm512_add_ps(v0, bv);
                v1 = _mm512_add_ps(v1, bv);
              }
              _mm512_mask_storeu_ps(r, static_cast<__mmask16>(outMask[q]), v0);
              _mm512_mask_storeu_ps(r + 16, static_cast<__mmask16>(outMask[q + 1]), v1);
            }
          }
        }
      }
    }
}
#endif

/** Whether conv2dDirect takes this conv: float, few taps and channels, unit-stride rows, few idle lanes. */
bool directForward(const View& x, const ConvGeometry& g, const ConvDims& d) {
#if DEEPTS_X86
  const int64_t lanes = (d.Wo + 15) / 16 * 16;
  return x.dtype == DType::F32 && simdLevel() >= SimdLevel::Avx512 && g.strideW == 1 && x.strides[3] == 1 && d.K <= 64 && d.og <= 16 &&
         lanes <= 64 && d.Wo * 8 >= lanes * 7;
#else
  (void)x, (void)g, (void)d;
  return false;
#endif
}

template <class T>
void conv2dT(const View& x, const View& w, const View* bias, const ConvGeometry& g, const ConvDims& d, T* out) {
  const std::vector<T> Wc = packFilters<T>(w, d);
#if DEEPTS_X86
  if constexpr (std::is_same<T, float>::value) {
    if (directForward(x, g, d)) {
      forSampleChunks<T>(d.N, 8, 0, [&](int64_t n0, int64_t n1, T*) { conv2dDirect(x, Wc.data(), bias, g, d, n0, n1, out); });
      return;
    }
  }
#endif
  const bool direct = directColumns(x, d, g);
  // a 1×1 conv reads x as its column matrix, one sample per gemm; others im2col nb samples side by side
  const int64_t nb = direct ? 1 : chunkSamples<T>(d);
  const int64_t band = direct ? d.Ho : bandRows<T>(d, nb);
  const int64_t ld = (band < d.Ho ? band * d.Wo : nb * d.P) + static_cast<int64_t>(kColSlack);
  const size_t colSize = direct ? 0 : static_cast<size_t>(d.K * ld), cSize = nb > 1 ? static_cast<size_t>(d.og * nb * d.P) : 0;
  const T* b = bias ? bias->ptr<T>() : nullptr;
  forSampleChunks<T>(d.N, nb, colSize + cSize, [&](int64_t n0, int64_t n1, T* scratch) {
    const int64_t m = n1 - n0;
    T* col = scratch;
    T* c = scratch + colSize;
    for (int64_t grp = 0; grp < d.G; grp++) {
      const T* Wg = Wc.data() + grp * d.og * d.K;
      if (m == 1) {
        T* o = out + (n0 * d.O + grp * d.og) * d.P;
        if (direct) {
          const T* B = x.ptr<T>() + n0 * x.strides[0] + grp * d.cg * x.strides[1];
          gemm<T>(d.og, d.P, d.K, Wg, d.K, 1, B, x.strides[1], x.strides[3], o, d.P);
        } else if (band < d.Ho) {
          for (int64_t oy0 = 0; oy0 < d.Ho; oy0 += band) {
            ConvDims db;
            ConvGeometry gb;
            bandDims(d, g, oy0, band, &db, &gb);
            im2col<T>(x, n0, grp * d.cg, db, gb, col, ld);
            gemm<T>(d.og, db.P, d.K, Wg, d.K, 1, col, ld, 1, o + oy0 * d.Wo, d.P);
          }
        } else {
          im2col<T>(x, n0, grp * d.cg, d, g, col, ld);
          gemm<T>(d.og, d.P, d.K, Wg, d.K, 1, col, ld, 1, o, d.P);
        }
        if (b)
          for (int64_t oc = 0; oc < d.og; oc++) {
            const T v = b[(grp * d.og + oc) * bias->strides[0]];
            T* row = o + oc * d.P;
            for (int64_t p = 0; p < d.P; p++) row[p] += v;
          }
        continue;
      }
      // c (og × m·P) = W (og × K) · [col_n0 … col_n1−1] (K × m·P), then out[n, o] = c[o, n] + bias[o]
      for (int64_t n = n0; n < n1; n++) im2col<T>(x, n, grp * d.cg, d, g, col + (n - n0) * d.P, ld);
      gemm<T>(d.og, m * d.P, d.K, Wg, d.K, 1, col, ld, 1, c, m * d.P);
      for (int64_t oc = 0; oc < d.og; oc++) {
        const T v = b ? b[(grp * d.og + oc) * bias->strides[0]] : T(0);
        for (int64_t n = n0; n < n1; n++) {
          const T* src = c + oc * m * d.P + (n - n0) * d.P;
          T* row = out + (n * d.O + grp * d.og + oc) * d.P;
          if (b)
            for (int64_t p = 0; p < d.P; p++) row[p] = src[p] + v;
          else
            std::copy(src, src + d.P, row);
        }
      }
    }
  });
}

template <class T>
void conv2dBackwardInputT(const View& gy, const View& w, const ConvGeometry& g, const ConvDims& d, T* out) {
  const std::vector<T> Wc = packFilters<T>(w, d);
  const bool gyRows = d.Ho == 1 || gy.strides[2] == d.Wo * gy.strides[3];
  const int64_t nb = chunkSamples<T>(d), band = bandRows<T>(d, nb);
  const size_t dcolSize = static_cast<size_t>(d.K * (band < d.Ho ? band * d.Wo : nb * d.P));
  const size_t dySize = nb > 1 || !gyRows ? static_cast<size_t>(d.og * nb * d.P) : 0;
  const int64_t CHW = d.C * d.H * d.W;
  forSampleChunks<T>(d.N, nb, dcolSize + dySize, [&](int64_t n0, int64_t n1, T* scratch) {
    const int64_t m = n1 - n0;
    T* dcol = scratch;
    std::fill(out + n0 * CHW, out + n1 * CHW, T(0));
    for (int64_t grp = 0; grp < d.G; grp++) {
      const T* dy = gy.ptr<T>() + n0 * gy.strides[0] + grp * d.og * gy.strides[1];
      int64_t sbk = gy.strides[1], sbn = gy.strides[3];
      if (m > 1 || !gyRows) {
        gatherGrad<T>(gy, n0, m, grp * d.og, d, scratch + dcolSize);
        dy = scratch + dcolSize;
        sbk = m * d.P;
        sbn = 1;
      }
      if (band < d.Ho) {  // one sample (m = 1), its dY rows contiguous (gyRows or gathered)
        for (int64_t oy0 = 0; oy0 < d.Ho; oy0 += band) {
          ConvDims db;
          ConvGeometry gb;
          bandDims(d, g, oy0, band, &db, &gb);
          gemm<T>(d.K, db.P, d.og, Wc.data() + grp * d.og * d.K, 1, d.K, dy + oy0 * d.Wo * sbn, sbk, sbn, dcol, db.P);
          col2im<T>(dcol, db.P, grp * d.cg, db, gb, out + n0 * CHW);
        }
        continue;
      }
      // dcol (K × m·P) = Wᵀ (K × og) · dY (og × m·P), then each sample's columns back into its image
      gemm<T>(d.K, m * d.P, d.og, Wc.data() + grp * d.og * d.K, 1, d.K, dy, sbk, sbn, dcol, m * d.P);
      for (int64_t n = n0; n < n1; n++) col2im<T>(dcol + (n - n0) * d.P, m * d.P, grp * d.cg, d, g, out + n * CHW);
    }
  });
}

#if DEEPTS_X86
/** Output channels × taps of the filter gradient one register block of conv2dBackwardWeightDirect holds (18 zmm). */
constexpr int kDwOB = 3, kDwTB = 6;
/** Vectors per output row it takes (Wo <= 64). */
constexpr int64_t kDwMaxChunks = 4;

/**
 * The filter gradient without im2col, for float convs with few taps per filter (first layers,
 * e.g. LeNet's 1 → 6 5×5): dW[o, k] = Σ over samples and output positions of dY[n, o, p] ·
 * x[n, tap k at p], 16 positions per vector. A block of 3 channels × 6 taps accumulates in
 * registers over the task's samples (9 loads feed 18 FMAs) and is summed across lanes at the end;
 * a tap in the padding reads zeros, as im2col's columns would. Requires unit-stride rows.
 */
DEEPTS_TARGET_AVX512 void conv2dBackwardWeightDirect(const View& x, const View& gy, const ConvGeometry& g, const ConvDims& d, int64_t grp,
                                                     int64_t n0, int64_t n1, float* acc) {
  const int64_t chunks = (d.Wo + 15) / 16;
  const float* X = x.ptr<float>() + grp * d.cg * x.strides[1];
  const float* G = gy.ptr<float>() + grp * d.og * gy.strides[1];
  // per tap: its input offset at output (0, 0), its row offset, its lane masks per chunk
  std::vector<int64_t> off(static_cast<size_t>(d.K)), dyRow(static_cast<size_t>(d.K));
  std::vector<uint32_t> masks(static_cast<size_t>(d.K * chunks));
  std::vector<uint32_t> outMask(static_cast<size_t>(chunks));
  for (int64_t q = 0; q < chunks; q++) outMask[q] = laneRange(0, d.Wo - 16 * q, 16);
  for (int64_t c = 0, k = 0; c < d.cg; c++)
    for (int64_t ky = 0; ky < d.kH; ky++)
      for (int64_t kx = 0; kx < d.kW; kx++, k++) {
        int64_t lo, hi;
        validColumns(d.Wo, d.W, 1, g.padW, kx * g.dilW, &lo, &hi);
        for (int64_t q = 0; q < chunks; q++) masks[static_cast<size_t>(k * chunks + q)] = laneRange(lo - 16 * q, hi - 16 * q, 16);
        dyRow[k] = ky * g.dilH - g.padH;
        off[k] = c * x.strides[1] + (kx * g.dilW - g.padW);
      }
  for (int64_t o0 = 0; o0 < d.og; o0 += kDwOB)
    for (int64_t k0 = 0; k0 < d.K; k0 += kDwTB) {
      // a block past the last channel or tap repeats the last one; only the real ones are kept
      int64_t gOff[kDwOB], xOff[kDwTB], row[kDwTB];
      for (int i = 0; i < kDwOB; i++) gOff[i] = std::min(o0 + i, d.og - 1) * gy.strides[1];
      uint32_t tapMask[kDwTB][kDwMaxChunks];
      for (int t = 0; t < kDwTB; t++) {
        const int64_t k = std::min(k0 + t, d.K - 1);
        xOff[t] = off[k];
        row[t] = dyRow[k];
        for (int64_t q = 0; q < chunks; q++) tapMask[t][q] = masks[static_cast<size_t>(k * chunks + q)];
      }
      __m512 a[kDwOB][kDwTB];
#pragma GCC unroll 8
      for (int i = 0; i < kDwOB; i++)
#pragma GCC unroll 8
        for (int t = 0; t < kDwTB; t++) a[i][t] = _mm512_setzero_ps();
      for (int64_t n = n0; n < n1; n++) {
        const float* Xn = X + n * x.strides[0];
        const float* Gn = G + n * gy.strides[0];
        for (int64_t oy = 0; oy < d.Ho; oy++) {
          // this output row's input row per tap; a tap in the padding loads zeros (mask 0)
          const float* src[kDwTB];
          uint32_t live[kDwTB];  // all ones, or 0 for a tap in the padding
#pragma GCC unroll 8
          for (int t = 0; t < kDwTB; t++) {
            const int64_t iy = oy * g.strideH + row[t];
            const bool inside = iy >= 0 && iy < d.H;
            live[t] = inside ? 0xFFFFu : 0u;
            src[t] = Xn + xOff[t] + (inside ? iy : 0) * x.strides[2];
          }
          const float* dyRowPtr = Gn + oy * gy.strides[2];
          for (int64_t q = 0; q < chunks; q++) {
            const __mmask16 om = static_cast<__mmask16>(outMask[q]);
            __m512 dy[kDwOB];
#pragma GCC unroll 8
            for (int i = 0; i < kDwOB; i++) dy[i] = _mm512_maskz_loadu_ps(om, dyRowPtr + gOff[i] + 16 * q);
#pragma GCC unroll 8
            for (int t = 0; t < kDwTB; t++) {
              const __mmask16 m = static_cast<__mmask16>(tapMask[t][q] & live[t]);
              const __m512 xv = _mm512_maskz_loadu_ps(m, src[t] + 16 * q);
#pragma GCC unroll 8
              for (int i = 0; i < kDwOB; i++) a[i][t] = _mm512_fmadd_ps(dy[i], xv, a[i][t]);
            }
          }
        }
      }
      // every accumulator reduced with constant indices (keeps them in registers), then the real ones kept
      float sums[kDwOB][kDwTB];
#pragma GCC unroll 8
      for (int i = 0; i < kDwOB; i++)
#pragma GCC unroll 8
        for (int t = 0; t < kDwTB; t++) sums[i][t] = _mm512_reduce_add_ps(a[i][t]);
      for (int i = 0; i < kDwOB && o0 + i < d.og; i++)
        for (int t = 0; t < kDwTB && k0 + t < d.K; t++) acc[(o0 + i) * d.K + k0 + t] += sums[i][t];
    }
}
#endif

/** Whether conv2dBackwardWeightDirect takes this float conv: few taps, unit-stride rows, few lanes of its vectors idle. */
bool directFilterGradient(const View& x, const View& gy, const ConvGeometry& g, const ConvDims& d) {
#if DEEPTS_X86
  const int64_t lanes = (d.Wo + 15) / 16 * 16;
  return x.dtype == DType::F32 && simdLevel() >= SimdLevel::Avx512 && g.strideW == 1 && x.strides[3] == 1 && gy.strides[3] == 1 &&
         d.K <= 64 && d.og <= 16 && lanes <= 16 * kDwMaxChunks && d.Wo * 8 >= lanes * 7;
#else
  (void)x, (void)gy, (void)g, (void)d;
  return false;
#endif
}

template <class T>
void conv2dBackwardWeightT(const View& x, const View& gy, const ConvGeometry& g, const ConvDims& d, T* out) {
  const int64_t OK = d.O * d.K;
  const bool gyRows = d.Ho == 1 || gy.strides[2] == d.Wo * gy.strides[3];
  const bool direct = directColumns(x, d, g);
  const int64_t nb = direct ? 1 : chunkSamples<T>(d), band = direct ? d.Ho : bandRows<T>(d, nb);
  const int64_t ld = (band < d.Ho ? band * d.Wo : nb * d.P) + static_cast<int64_t>(kColSlack);
  const size_t colSize = direct ? 0 : static_cast<size_t>(d.K * ld), dySize = nb > 1 || !gyRows ? static_cast<size_t>(d.og * nb * d.P) : 0;
  const size_t tmpSize = static_cast<size_t>(d.og * d.K);
  // one partial sum per task, added in task order: the result depends only on the thread count
  const int tasks = sampleTasks(d.N, nb);
  std::vector<std::vector<T>> partial(static_cast<size_t>(tasks), std::vector<T>(static_cast<size_t>(OK), T(0)));
  const bool directTaps = directFilterGradient(x, gy, g, d);
  auto run = [&](int t) {
    const int64_t b = d.N * t / tasks, e = d.N * (t + 1) / tasks;
#if DEEPTS_X86
    if constexpr (std::is_same<T, float>::value) {
      if (directTaps) {
        for (int64_t grp = 0; grp < d.G; grp++)
          conv2dBackwardWeightDirect(x, gy, g, d, grp, b, e, partial[static_cast<size_t>(t)].data() + grp * d.og * d.K);
        return;
      }
    }
#endif
    T* col = convScratch<T>(colSize + dySize + tmpSize);
    T* packed = col + colSize;
    T* tmp = packed + dySize;
    T* acc = partial[static_cast<size_t>(t)].data();
    for (int64_t n0 = b; n0 < e; n0 += nb) {
      const int64_t n1 = std::min(e, n0 + nb), m = n1 - n0;
      for (int64_t grp = 0; grp < d.G; grp++) {
        const T* dy = gy.ptr<T>() + n0 * gy.strides[0] + grp * d.og * gy.strides[1];
        int64_t sam = gy.strides[1], sak = gy.strides[3];
        if (m > 1 || !gyRows) {
          gatherGrad<T>(gy, n0, m, grp * d.og, d, packed);
          dy = packed;
          sam = m * d.P;
          sak = 1;
        }
        if (band < d.Ho) {  // one sample, its dY rows contiguous: dW += dY[:, band] · col(band)ᵀ band by band
          for (int64_t oy0 = 0; oy0 < d.Ho; oy0 += band) {
            ConvDims db;
            ConvGeometry gb;
            bandDims(d, g, oy0, band, &db, &gb);
            im2col<T>(x, n0, grp * d.cg, db, gb, col, ld);
            gemm<T>(d.og, d.K, db.P, dy + oy0 * d.Wo * sak, sam, sak, col, 1, ld, tmp, d.K);
            T* dst = acc + grp * d.og * d.K;
            for (int64_t i = 0; i < d.og * d.K; i++) dst[i] += tmp[i];
          }
          continue;
        }
        const T* B;
        int64_t sbk, sbn;
        if (direct) {
          B = x.ptr<T>() + n0 * x.strides[0] + grp * d.cg * x.strides[1];
          sbk = x.strides[3];
          sbn = x.strides[1];
        } else {
          for (int64_t n = n0; n < n1; n++) im2col<T>(x, n, grp * d.cg, d, g, col + (n - n0) * d.P, ld);
          B = col;
          sbk = 1;
          sbn = ld;
        }
        // tmp (og × K) = dY (og × m·P) · colᵀ (m·P × K): the chunk's samples summed inside the gemm
        gemm<T>(d.og, d.K, m * d.P, dy, sam, sak, B, sbk, sbn, tmp, d.K);
        T* dst = acc + grp * d.og * d.K;
        for (int64_t i = 0; i < d.og * d.K; i++) dst[i] += tmp[i];
      }
    }
  };
  if (tasks > 1) parallelTasks(tasks, run);
  else run(0);
  for (int64_t i = 0; i < OK; i++) out[i] = partial[0][static_cast<size_t>(i)];
  for (int t = 1; t < tasks; t++)
    for (int64_t i = 0; i < OK; i++) out[i] += partial[static_cast<size_t>(t)][static_cast<size_t>(i)];
}

bool floatTypes(DType a, DType b, DType out) { return a == b && a == out && (a == DType::F32 || a == DType::F64); }

}  // namespace

bool conv2d(const View& x, const View& w, const View* bias, const ConvGeometry& g, const Out& out) {
  if (x.ndim != 4 || w.ndim != 4 || !floatTypes(x.dtype, w.dtype, out.dtype) || (bias && (bias->dtype != x.dtype || bias->ndim != 1))) return false;
  const ConvDims d = convDims("conv2d", x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0], w.shape[1], w.shape[2], w.shape[3], g);
  require(out.length >= d.N * d.O * d.P, "conv2d: output too small");
  require(!bias || bias->shape[0] == d.O, "conv2d: bias does not match the filters");
  if (d.N * d.O * d.P == 0) return true;
  if (x.dtype == DType::F32) conv2dT<float>(x, w, bias, g, d, out.as<float>());
  else conv2dT<double>(x, w, bias, g, d, out.as<double>());
  return true;
}

bool conv2dBackwardInput(const View& gy, const View& w, const int64_t* s, const ConvGeometry& g, const Out& out) {
  if (gy.ndim != 4 || w.ndim != 4 || !floatTypes(gy.dtype, w.dtype, out.dtype)) return false;
  const ConvDims d = convDims("conv2dBackwardInput", s[0], s[1], s[2], s[3], w.shape[0], w.shape[1], w.shape[2], w.shape[3], g);
  require(out.length >= d.N * d.C * d.H * d.W, "conv2dBackwardInput: output too small");
  // the output size comes from gy (an input taller than it implies is conv-transpose's output padding)
  ConvDims e = d;
  e.Ho = gy.shape[2];
  e.Wo = gy.shape[3];
  e.P = e.Ho * e.Wo;
  require(gy.shape[0] == d.N && gy.shape[1] == d.O && e.Ho <= std::max<int64_t>(d.Ho, 0) && e.Wo <= std::max<int64_t>(d.Wo, 0),
          "conv2dBackwardInput: gradient shape does not match the input and filters");
  if (d.N * d.C * d.H * d.W == 0) return true;
  if (gy.dtype == DType::F32) conv2dBackwardInputT<float>(gy, w, g, e, out.as<float>());
  else conv2dBackwardInputT<double>(gy, w, g, e, out.as<double>());
  return true;
}

bool conv2dBackwardWeight(const View& x, const View& gy, const int64_t* s, const ConvGeometry& g, const Out& out) {
  if (x.ndim != 4 || gy.ndim != 4 || !floatTypes(x.dtype, gy.dtype, out.dtype)) return false;
  const ConvDims d = convDims("conv2dBackwardWeight", x.shape[0], x.shape[1], x.shape[2], x.shape[3], s[0], s[1], s[2], s[3], g);
  require(out.length >= d.O * d.K, "conv2dBackwardWeight: output too small");
  require(gy.shape[0] == d.N && gy.shape[1] == d.O && gy.shape[2] == d.Ho && gy.shape[3] == d.Wo,
          "conv2dBackwardWeight: gradient shape does not match the input and filters");
  if (d.O * d.K == 0) return true;
  if (d.N * d.P == 0) {
    if (x.dtype == DType::F32) std::fill(out.as<float>(), out.as<float>() + d.O * d.K, 0.0f);
    else std::fill(out.as<double>(), out.as<double>() + d.O * d.K, 0.0);
    return true;
  }
  if (x.dtype == DType::F32) conv2dBackwardWeightT<float>(x, gy, g, d, out.as<float>());
  else conv2dBackwardWeightT<double>(x, gy, g, d, out.as<double>());
  return true;
}

// ---- pooling ----

namespace {

/** Runs f(plane) for every (n, c) plane, threaded when the work is large enough. */
template <class F>
void forPlanes(int64_t planes, int64_t workPerPlane, F&& f) {
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, workPerPlane));
  parallelFor(planes, grain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) f(i);
  });
}

/** Whether v replaces the running maximum: larger, or a NaN (the last NaN wins, as torch's kernel). */
template <class T>
inline bool beats(T v, T best) {
  return v > best || v != v;
}

#if DEEPTS_X86
/**
 * One output row of a 2×2 stride-2 max pool over float rows r0, r1 (unit stride): 16 windows per
 * step, the even and odd columns split by a permute. The comparisons run in the scalar loop's
 * order (r0 left, r0 right, r1 left, r1 right) with its rule (beats: larger, or NaN), so values
 * and indices are the same.
 */
DEEPTS_TARGET_AVX512 void maxPool2x2RowAvx512(const float* r0, const float* r1, int64_t Wo, int32_t W, int32_t base, float* o, int32_t* ix) {
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odds = _mm512_add_epi32(evens, _mm512_set1_epi32(1));
  const __m512i lane2 = _mm512_slli_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), 1);
  for (int64_t j = 0; j < Wo; j += 16) {
    const __mmask16 lo = static_cast<__mmask16>(laneRange(0, 2 * (Wo - j), 16)), hi = static_cast<__mmask16>(laneRange(0, 2 * (Wo - j) - 16, 16));
    const __mmask16 outMask = static_cast<__mmask16>(laneRange(0, Wo - j, 16));
    const __m512 a0 = _mm512_maskz_loadu_ps(lo, r0 + 2 * j), a1 = _mm512_maskz_loadu_ps(hi, r0 + 2 * j + 16);
    const __m512 b0 = _mm512_maskz_loadu_ps(lo, r1 + 2 * j), b1 = _mm512_maskz_loadu_ps(hi, r1 + 2 * j + 16);
    __m512 best = _mm512_permutex2var_ps(a0, evens, a1);
    const __m512i at0 = _mm512_add_epi32(_mm512_set1_epi32(base + static_cast<int32_t>(2 * j)), lane2);
    __m512i at = at0;
    const __m512 cand[3] = {_mm512_permutex2var_ps(a0, odds, a1), _mm512_permutex2var_ps(b0, evens, b1), _mm512_permutex2var_ps(b0, odds, b1)};
    const int32_t offs[3] = {1, W, W + 1};
    for (int c = 0; c < 3; c++) {
      const __mmask16 m = _mm512_cmp_ps_mask(cand[c], best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(cand[c], cand[c], _CMP_UNORD_Q);
      best = _mm512_mask_mov_ps(best, m, cand[c]);
      at = _mm512_mask_add_epi32(at, m, at0, _mm512_set1_epi32(offs[c]));
    }
    _mm512_mask_storeu_ps(o + j, outMask, best);
    _mm512_mask_storeu_epi32(ix + j, outMask, at);
  }
}
#endif

template <class T>
void maxPoolT(const View& x, const PoolGeometry& p, T* out, int32_t* idx) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3];
  const int64_t sn = x.strides[0], sc = x.strides[1], sh = x.strides[2], sw = x.strides[3];
  const int64_t kH = p.kH, kW = p.kW, strideH = p.strideH, strideW = p.strideW, padH = p.padH, padW = p.padW, dilH = p.dilH, dilW = p.dilW;
  const int64_t Ho = p.outH, Wo = p.outW, P = Ho * Wo;
  const T* X0 = x.ptr<T>();
  // LeNet's and VGG's 2×2 windows at stride 2 without padding
  const bool twoByTwo = kH == 2 && kW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0 && dilH == 1 && dilW == 1 &&
                        2 * Ho <= H && 2 * Wo <= W;
  // float rows of unit stride: 16 windows per step (maxPool2x2RowAvx512)
  const bool vectorRows = twoByTwo && std::is_same<T, float>::value && sw == 1 && DEEPTS_X86 && simdLevel() >= SimdLevel::Avx512;
  (void)vectorRows;
  forPlanes(x.shape[0] * C, P * kH * kW, [&](int64_t plane) {
    const int64_t n = plane / C, c = plane % C;
    const T* X = X0 + n * sn + c * sc;
    T* o = out + plane * P;
    int32_t* ix = idx + plane * P;
    if (twoByTwo) {
      for (int64_t oy = 0; oy < Ho; oy++) {
        const T* r0 = X + 2 * oy * sh;
        const T* r1 = r0 + sh;
        const int32_t base = static_cast<int32_t>(2 * oy * W);
#if DEEPTS_X86
        if (vectorRows) {
          maxPool2x2RowAvx512(reinterpret_cast<const float*>(r0), reinterpret_cast<const float*>(r1), Wo, static_cast<int32_t>(W), base,
                              reinterpret_cast<float*>(o + oy * Wo), ix + oy * Wo);
          continue;
        }
#endif
        for (int64_t ox = 0; ox < Wo; ox++) {
          const int64_t j = 2 * ox * sw;
          T best = r0[j];
          int32_t at = base + static_cast<int32_t>(2 * ox);
          const T v1 = r0[j + sw], v2 = r1[j], v3 = r1[j + sw];
          if (beats(v1, best)) { best = v1; at = base + static_cast<int32_t>(2 * ox + 1); }
          if (beats(v2, best)) { best = v2; at = base + static_cast<int32_t>(W + 2 * ox); }
          if (beats(v3, best)) { best = v3; at = base + static_cast<int32_t>(W + 2 * ox + 1); }
          o[oy * Wo + ox] = best;
          ix[oy * Wo + ox] = at;
        }
      }
      return;
    }
    for (int64_t oy = 0; oy < Ho; oy++)
      for (int64_t ox = 0; ox < Wo; ox++) {
        const int64_t y0 = oy * strideH - padH, x0 = ox * strideW - padW;
        T best = -std::numeric_limits<T>::infinity();
        int64_t at = -1;
        for (int64_t ky = 0; ky < kH; ky++) {
          const int64_t iy = y0 + ky * dilH;
          if (iy < 0 || iy >= H) continue;
          for (int64_t kx = 0; kx < kW; kx++) {
            const int64_t jx = x0 + kx * dilW;
            if (jx < 0 || jx >= W) continue;
            const T v = X[iy * sh + jx * sw];
            if (at < 0 || beats(v, best)) {
              best = v;
              at = iy * W + jx;
            }
          }
        }
        o[oy * Wo + ox] = best;
        ix[oy * Wo + ox] = static_cast<int32_t>(at);
      }
  });
}

template <class T>
void maxPoolBackwardT(const View& gy, const View& idx, const int64_t* s, T* out) {
  const int64_t C = s[1], HW = s[2] * s[3], Ho = gy.shape[2], Wo = gy.shape[3];
  forPlanes(s[0] * C, Ho * Wo, [&](int64_t plane) {
    const int64_t n = plane / C, c = plane % C;
    T* dx = out + plane * HW;
    std::fill(dx, dx + HW, T(0));
    const T* G = gy.ptr<T>() + n * gy.strides[0] + c * gy.strides[1];
    const int32_t* I = idx.ptr<int32_t>() + n * idx.strides[0] + c * idx.strides[1];
    for (int64_t oy = 0; oy < Ho; oy++)
      for (int64_t ox = 0; ox < Wo; ox++) {
        const int32_t at = I[oy * idx.strides[2] + ox * idx.strides[3]];
        if (at >= 0 && at < HW) dx[at] += G[oy * gy.strides[2] + ox * gy.strides[3]];
      }
  });
}

/** torch's average-pool window along one axis: [start, end) clipped to the input, and the size clipped to input + padding. */
inline void avgWindow(int64_t o, int64_t stride, int64_t pad, int64_t k, int64_t size, int64_t* s, int64_t* e, int64_t* padded) {
  int64_t start = o * stride - pad;
  int64_t end = std::min(start + k, size + pad);
  *padded = end - start;
  *s = std::max<int64_t>(start, 0);
  *e = std::min(end, size);
}

inline double avgDivisor(const PoolGeometry& p, int64_t hs, int64_t he, int64_t hp, int64_t ws, int64_t we, int64_t wp) {
  if (p.divisorOverride != 0) return p.divisorOverride;
  return p.countIncludePad ? static_cast<double>(hp * wp) : static_cast<double>((he - hs) * (we - ws));
}

template <class T>
void avgPoolT(const View& x, const PoolGeometry& p, T* out) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3], P = p.outH * p.outW;
  forPlanes(x.shape[0] * C, P * p.kH * p.kW, [&](int64_t plane) {
    const int64_t n = plane / C, c = plane % C;
    const T* X = x.ptr<T>() + n * x.strides[0] + c * x.strides[1];
    T* o = out + plane * P;
    for (int64_t oy = 0; oy < p.outH; oy++) {
      int64_t hs, he, hp;
      avgWindow(oy, p.strideH, p.padH, p.kH, H, &hs, &he, &hp);
      for (int64_t ox = 0; ox < p.outW; ox++) {
        int64_t ws, we, wp;
        avgWindow(ox, p.strideW, p.padW, p.kW, W, &ws, &we, &wp);
        double sum = 0;
        for (int64_t iy = hs; iy < he; iy++)
          for (int64_t jx = ws; jx < we; jx++) sum += static_cast<double>(X[iy * x.strides[2] + jx * x.strides[3]]);
        o[oy * p.outW + ox] = static_cast<T>(sum / avgDivisor(p, hs, he, hp, ws, we, wp));
      }
    }
  });
}

template <class T>
void avgPoolBackwardT(const View& gy, const int64_t* s, const PoolGeometry& p, T* out) {
  const int64_t C = s[1], H = s[2], W = s[3];
  forPlanes(s[0] * C, p.outH * p.outW * p.kH * p.kW, [&](int64_t plane) {
    const int64_t n = plane / C, c = plane % C;
    T* dx = out + plane * H * W;
    std::fill(dx, dx + H * W, T(0));
    const T* G = gy.ptr<T>() + n * gy.strides[0] + c * gy.strides[1];
    for (int64_t oy = 0; oy < p.outH; oy++) {
      int64_t hs, he, hp;
      avgWindow(oy, p.strideH, p.padH, p.kH, H, &hs, &he, &hp);
      for (int64_t ox = 0; ox < p.outW; ox++) {
        int64_t ws, we, wp;
        avgWindow(ox, p.strideW, p.padW, p.kW, W, &ws, &we, &wp);
        const T v = static_cast<T>(static_cast<double>(G[oy * gy.strides[2] + ox * gy.strides[3]]) / avgDivisor(p, hs, he, hp, ws, we, wp));
        for (int64_t iy = hs; iy < he; iy++)
          for (int64_t jx = ws; jx < we; jx++) dx[iy * W + jx] += v;
      }
    }
  });
}

inline int64_t adaptiveStart(int64_t i, int64_t out, int64_t in) { return (i * in) / out; }
inline int64_t adaptiveEnd(int64_t i, int64_t out, int64_t in) { return ((i + 1) * in + out - 1) / out; }

template <class T>
void adaptiveT(const View& x, int64_t Ho, int64_t Wo, T* out) {
  const int64_t C = x.shape[1], H = x.shape[2], W = x.shape[3];
  forPlanes(x.shape[0] * C, H * W, [&](int64_t plane) {
    const int64_t n = plane / C, c = plane % C;
    const T* X = x.ptr<T>() + n * x.strides[0] + c * x.strides[1];
    T* o = out + plane * Ho * Wo;
    for (int64_t oy = 0; oy < Ho; oy++) {
      const int64_t hs = adaptiveStart(oy, Ho, H), he = adaptiveEnd(oy, Ho, H);
      for (int64_t ox = 0; ox < Wo; ox++) {
        const int64_t ws = adaptiveStart(ox, Wo, W), we = adaptiveEnd(ox, Wo, W);
        double sum = 0;
        for (int64_t iy = hs; iy < he; iy++)
          for (int64_t jx = ws; jx < we; jx++) sum += static_cast<double>(X[iy * x.strides[2] + jx * x.strides[3]]);
        o[oy * Wo + ox] = static_cast<T>(sum / static_cast<double>((he - hs) * (we - ws)));
      }
    }
  });
}

template <class T>
void adaptiveBackwardT(const View& gy, const int64_t* s, T* out) {
  const int64_t C = s[1], H = s[2], W = s[3], Ho = gy.shape[2], Wo = gy.shape[3];
  forPlanes(s[0] * C, H * W, [&](int64_t plane) {
    const int64_t n = plane / C, c = plane % C;
    T* dx = out + plane * H * W;
    std::fill(dx, dx + H * W, T(0));
    const T* G = gy.ptr<T>() + n * gy.strides[0] + c * gy.strides[1];
    for (int64_t oy = 0; oy < Ho; oy++) {
      const int64_t hs = adaptiveStart(oy, Ho, H), he = adaptiveEnd(oy, Ho, H);
      for (int64_t ox = 0; ox < Wo; ox++) {
        const int64_t ws = adaptiveStart(ox, Wo, W), we = adaptiveEnd(ox, Wo, W);
        const T v = static_cast<T>(static_cast<double>(G[oy * gy.strides[2] + ox * gy.strides[3]]) / static_cast<double>((he - hs) * (we - ws)));
        for (int64_t iy = hs; iy < he; iy++)
          for (int64_t jx = ws; jx < we; jx++) dx[iy * W + jx] += v;
      }
    }
  });
}

bool isFloat(DType t) { return t == DType::F32 || t == DType::F64; }

}  // namespace

bool maxPool2d(const View& x, const PoolGeometry& p, const Out& out, const Out& indices) {
  if (x.ndim != 4 || !isFloat(x.dtype) || out.dtype != x.dtype || indices.dtype != DType::I32) return false;
  const int64_t n = x.shape[0] * x.shape[1] * p.outH * p.outW;
  require(out.length >= n && indices.length >= n, "maxPool2d: output too small");
  if (x.dtype == DType::F32) maxPoolT<float>(x, p, out.as<float>(), indices.as<int32_t>());
  else maxPoolT<double>(x, p, out.as<double>(), indices.as<int32_t>());
  return true;
}

bool maxPool2dBackward(const View& gy, const View& indices, const int64_t* s, const Out& out) {
  if (gy.ndim != 4 || indices.ndim != 4 || !isFloat(gy.dtype) || out.dtype != gy.dtype || indices.dtype != DType::I32) return false;
  require(out.length >= s[0] * s[1] * s[2] * s[3], "maxPool2dBackward: output too small");
  require(gy.shape[0] == s[0] && gy.shape[1] == s[1], "maxPool2dBackward: gradient does not match the input");
  for (int d = 0; d < 4; d++) require(indices.shape[d] == gy.shape[d], "maxPool2dBackward: indices do not match the gradient");
  if (gy.dtype == DType::F32) maxPoolBackwardT<float>(gy, indices, s, out.as<float>());
  else maxPoolBackwardT<double>(gy, indices, s, out.as<double>());
  return true;
}

bool avgPool2d(const View& x, const PoolGeometry& p, const Out& out) {
  if (x.ndim != 4 || !isFloat(x.dtype) || out.dtype != x.dtype) return false;
  require(out.length >= x.shape[0] * x.shape[1] * p.outH * p.outW, "avgPool2d: output too small");
  if (x.dtype == DType::F32) avgPoolT<float>(x, p, out.as<float>());
  else avgPoolT<double>(x, p, out.as<double>());
  return true;
}

bool avgPool2dBackward(const View& gy, const int64_t* s, const PoolGeometry& p, const Out& out) {
  if (gy.ndim != 4 || !isFloat(gy.dtype) || out.dtype != gy.dtype) return false;
  require(out.length >= s[0] * s[1] * s[2] * s[3], "avgPool2dBackward: output too small");
  require(gy.shape[0] == s[0] && gy.shape[1] == s[1] && gy.shape[2] == p.outH && gy.shape[3] == p.outW, "avgPool2dBackward: gradient does not match");
  if (gy.dtype == DType::F32) avgPoolBackwardT<float>(gy, s, p, out.as<float>());
  else avgPoolBackwardT<double>(gy, s, p, out.as<double>());
  return true;
}

bool adaptiveAvgPool2d(const View& x, int64_t outH, int64_t outW, const Out& out) {
  if (x.ndim != 4 || !isFloat(x.dtype) || out.dtype != x.dtype) return false;
  require(outH >= 1 && outW >= 1 && x.shape[2] >= 1 && x.shape[3] >= 1, "adaptiveAvgPool2d: empty plane or output");
  require(out.length >= x.shape[0] * x.shape[1] * outH * outW, "adaptiveAvgPool2d: output too small");
  if (x.dtype == DType::F32) adaptiveT<float>(x, outH, outW, out.as<float>());
  else adaptiveT<double>(x, outH, outW, out.as<double>());
  return true;
}

bool adaptiveAvgPool2dBackward(const View& gy, const int64_t* s, const Out& out) {
  if (gy.ndim != 4 || !isFloat(gy.dtype) || out.dtype != gy.dtype) return false;
  require(out.length >= s[0] * s[1] * s[2] * s[3], "adaptiveAvgPool2dBackward: output too small");
  require(gy.shape[0] == s[0] && gy.shape[1] == s[1] && gy.shape[2] >= 1 && gy.shape[3] >= 1, "adaptiveAvgPool2dBackward: gradient does not match");
  if (gy.dtype == DType::F32) adaptiveBackwardT<float>(gy, s, out.as<float>());
  else adaptiveBackwardT<double>(gy, s, out.as<double>());
  return true;
}

// ---- batch norm ----

namespace {

template <class T>
double channelValue(const View* v, int64_t c, double fallback) {
  return v ? static_cast<double>(v->ptr<T>()[c * v->strides[0]]) : fallback;
}

template <class T>
void batchNormT(const View& x, const View* weight, const View* bias, T* rm, T* rv, bool training, double momentum, double eps, T* out,
                T* saveMean, T* saveInvStd) {
  const int64_t N = x.shape[0], C = x.shape[1], S = x.shape[2], M = N * S;
  const int64_t sn = x.strides[0], sc = x.strides[1], ss = x.strides[2];
  const T* X = x.ptr<T>();
  parallelFor(C, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, M)), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      double mean, invStd;
      if (training) {
        double sum = 0;
        for (int64_t n = 0; n < N; n++) {
          const T* p = X + n * sn + c * sc;
          for (int64_t s = 0; s < S; s++) sum += static_cast<double>(p[s * ss]);
        }
        mean = M > 0 ? sum / static_cast<double>(M) : 0;
        double sq = 0;
        for (int64_t n = 0; n < N; n++) {
          const T* p = X + n * sn + c * sc;
          for (int64_t s = 0; s < S; s++) {
            const double dv = static_cast<double>(p[s * ss]) - mean;
            sq += dv * dv;
          }
        }
        const double variance = M > 0 ? sq / static_cast<double>(M) : 0;
        invStd = 1 / std::sqrt(variance + eps);
        if (rm) rm[c] = static_cast<T>((1 - momentum) * static_cast<double>(rm[c]) + momentum * mean);
        if (rv) rv[c] = static_cast<T>((1 - momentum) * static_cast<double>(rv[c]) + momentum * (M > 1 ? sq / static_cast<double>(M - 1) : variance));
      } else {
        mean = static_cast<double>(rm[c]);
        invStd = 1 / std::sqrt(static_cast<double>(rv[c]) + eps);
      }
      saveMean[c] = static_cast<T>(mean);
      saveInvStd[c] = static_cast<T>(invStd);
      const double scale = channelValue<T>(weight, c, 1) * invStd, shift = channelValue<T>(bias, c, 0) - mean * scale;
      for (int64_t n = 0; n < N; n++) {
        const T* p = X + n * sn + c * sc;
        T* o = out + (n * C + c) * S;
        for (int64_t s = 0; s < S; s++) o[s] = static_cast<T>(static_cast<double>(p[s * ss]) * scale + shift);
      }
    }
  });
}

template <class T>
void batchNormBackwardT(const View& gy, const View& x, const View* weight, const T* saveMean, const T* saveInvStd, bool training, T* gi,
                        T* gw, T* gb) {
  const int64_t N = x.shape[0], C = x.shape[1], S = x.shape[2], M = N * S;
  const T* X = x.ptr<T>();
  const T* G = gy.ptr<T>();
  parallelFor(C, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, M)), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      const double mean = static_cast<double>(saveMean[c]), invStd = static_cast<double>(saveInvStd[c]);
      double sumG = 0, sumGX = 0;
      for (int64_t n = 0; n < N; n++) {
        const T* p = X + n * x.strides[0] + c * x.strides[1];
        const T* q = G + n * gy.strides[0] + c * gy.strides[1];
        for (int64_t s = 0; s < S; s++) {
          const double g = static_cast<double>(q[s * gy.strides[2]]);
          sumG += g;
          sumGX += g * (static_cast<double>(p[s * x.strides[2]]) - mean) * invStd;
        }
      }
      if (gw) gw[c] = static_cast<T>(sumGX);
      if (gb) gb[c] = static_cast<T>(sumG);
      if (!gi) continue;
      const double k = channelValue<T>(weight, c, 1) * invStd;
      const double meanG = M > 0 ? sumG / static_cast<double>(M) : 0, meanGX = M > 0 ? sumGX / static_cast<double>(M) : 0;
      for (int64_t n = 0; n < N; n++) {
        const T* p = X + n * x.strides[0] + c * x.strides[1];
        const T* q = G + n * gy.strides[0] + c * gy.strides[1];
        T* o = gi + (n * C + c) * S;
        for (int64_t s = 0; s < S; s++) {
          const double g = static_cast<double>(q[s * gy.strides[2]]);
          o[s] = static_cast<T>(training ? k * (g - meanG - (static_cast<double>(p[s * x.strides[2]]) - mean) * invStd * meanGX) : k * g);
        }
      }
    }
  });
}

}  // namespace

bool batchNorm(const View& x, const View* weight, const View* bias, const Out* runningMean, const Out* runningVar, bool training,
               double momentum, double eps, const Out& out, const Out& saveMean, const Out& saveInvStd) {
  if (x.ndim != 3 || !isFloat(x.dtype) || out.dtype != x.dtype || saveMean.dtype != x.dtype || saveInvStd.dtype != x.dtype) return false;
  for (const View* v : {weight, bias})
    if (v && (v->dtype != x.dtype || v->ndim != 1)) return false;
  for (const Out* o : {runningMean, runningVar})
    if (o && o->dtype != x.dtype) return false;
  const int64_t N = x.shape[0], C = x.shape[1], S = x.shape[2];
  require(out.length >= N * C * S && saveMean.length >= C && saveInvStd.length >= C, "batchNorm: output too small");
  require((!runningMean || runningMean->length >= C) && (!runningVar || runningVar->length >= C), "batchNorm: running statistics too short");
  require(training || (runningMean && runningVar), "batchNorm: eval mode needs the running statistics");
  for (const View* v : {weight, bias}) require(!v || v->shape[0] == C, "batchNorm: weight/bias do not match the channels");
  if (x.dtype == DType::F32)
    batchNormT<float>(x, weight, bias, runningMean ? runningMean->as<float>() : nullptr, runningVar ? runningVar->as<float>() : nullptr, training,
                      momentum, eps, out.as<float>(), saveMean.as<float>(), saveInvStd.as<float>());
  else
    batchNormT<double>(x, weight, bias, runningMean ? runningMean->as<double>() : nullptr, runningVar ? runningVar->as<double>() : nullptr, training,
                       momentum, eps, out.as<double>(), saveMean.as<double>(), saveInvStd.as<double>());
  return true;
}

bool batchNormBackward(const View& gy, const View& x, const View* weight, const Out& saveMean, const Out& saveInvStd, bool training,
                       const Out* gradInput, const Out* gradWeight, const Out* gradBias) {
  if (x.ndim != 3 || gy.ndim != 3 || !isFloat(x.dtype) || gy.dtype != x.dtype || saveMean.dtype != x.dtype || saveInvStd.dtype != x.dtype) return false;
  if (weight && (weight->dtype != x.dtype || weight->ndim != 1)) return false;
  for (const Out* o : {gradInput, gradWeight, gradBias})
    if (o && o->dtype != x.dtype) return false;
  const int64_t N = x.shape[0], C = x.shape[1], S = x.shape[2];
  for (int d = 0; d < 3; d++) require(gy.shape[d] == x.shape[d], "batchNormBackward: gradient does not match the input");
  require(saveMean.length >= C && saveInvStd.length >= C, "batchNormBackward: statistics too short");
  require(!gradInput || gradInput->length >= N * C * S, "batchNormBackward: gradInput too small");
  require((!gradWeight || gradWeight->length >= C) && (!gradBias || gradBias->length >= C), "batchNormBackward: gradWeight/gradBias too small");
  if (x.dtype == DType::F32)
    batchNormBackwardT<float>(gy, x, weight, saveMean.as<float>(), saveInvStd.as<float>(), training, gradInput ? gradInput->as<float>() : nullptr,
                              gradWeight ? gradWeight->as<float>() : nullptr, gradBias ? gradBias->as<float>() : nullptr);
  else
    batchNormBackwardT<double>(gy, x, weight, saveMean.as<double>(), saveInvStd.as<double>(), training, gradInput ? gradInput->as<double>() : nullptr,
                               gradWeight ? gradWeight->as<double>() : nullptr, gradBias ? gradBias->as<double>() : nullptr);
  return true;
}

}  // namespace deepts
