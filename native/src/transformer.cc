// The transformer kernels for the native backend (see transformer.h).
//
// Everything is computed in double, as the js kernels do, and rounded once into the output type.
// Layer/RMS norm thread over rows; their row sums run in 8 lanes (so they vectorize) and the
// dweight/dbias column sums are per-task partials added in task order, so a result depends only
// on the thread count. Embedding gathers/scatters rows (the scatter is split by columns, so
// repeated ids add in id order whatever the threads). Attention runs one (batch, head) at a time
// per thread on double tiles of q, k, v (k and v transposed where a loop runs over keys), in the
// same summation order as src/backend/js/attention.ts (each output row a combination of tile rows
// summed in registers); only exp differs (a vectorized one).
#include "transformer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "gemm/gemm.h"
#include "math_ops.h"
#include "multiversion.h"
#include "thread_pool.h"

namespace deepts {

namespace {

void require(bool ok, const std::string& msg) {
  if (!ok) throw KernelError(KernelError::Range, msg);
}

bool isFloat(DType t) { return t == DType::F32 || t == DType::F64; }

/** Rows per task: about 16K elements each, the size where a thread pays for itself. */
int64_t rowGrain(int64_t cols) { return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(1, cols)); }

constexpr int kLanes = 8;

/** Σ x in 8 interleaved double lanes (vectorizable; a fixed order, so deterministic). */
template <class T>
DEEPTS_INLINE double laneSum(const T* DEEPTS_RESTRICT x, int64_t n) {
  double acc[kLanes] = {};
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
    for (int l = 0; l < kLanes; l++) acc[l] += static_cast<double>(x[c + l]);
  double s = 0;
  for (int l = 0; l < kLanes; l++) s += acc[l];
  for (; c < n; c++) s += static_cast<double>(x[c]);
  return s;
}

/** Σ (x − mu)² in 8 lanes. */
template <class T>
DEEPTS_INLINE double laneSumSqDev(const T* DEEPTS_RESTRICT x, int64_t n, double mu) {
  double acc[kLanes] = {};
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
    for (int l = 0; l < kLanes; l++) {
      const double d = static_cast<double>(x[c + l]) - mu;
      acc[l] += d * d;
    }
  double s = 0;
  for (int l = 0; l < kLanes; l++) s += acc[l];
  for (; c < n; c++) {
    const double d = static_cast<double>(x[c]) - mu;
    s += d * d;
  }
  return s;
}

// ---- layer norm ----

template <class T, class S>
DEEPTS_INLINE void layerNormRowsBody(const T* DEEPTS_RESTRICT x, int64_t r0, int64_t r1, int64_t cols, const T* DEEPTS_RESTRICT w,
                                     const T* DEEPTS_RESTRICT b, double eps, T* DEEPTS_RESTRICT out, S* DEEPTS_RESTRICT mean,
                                     S* DEEPTS_RESTRICT rstd) {
  const double n = static_cast<double>(cols);
  for (int64_t r = r0; r < r1; r++) {
    const T* xr = x + r * cols;
    T* o = out + r * cols;
    const double mu = laneSum(xr, cols) / n;
    const double rs = 1 / std::sqrt(laneSumSqDev(xr, cols, mu) / n + eps);
    mean[r] = static_cast<S>(mu);
    rstd[r] = static_cast<S>(rs);
    if (w && b)
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>((static_cast<double>(xr[c]) - mu) * rs * static_cast<double>(w[c]) + static_cast<double>(b[c]));
    else if (w)
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>((static_cast<double>(xr[c]) - mu) * rs * static_cast<double>(w[c]));
    else if (b)
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>((static_cast<double>(xr[c]) - mu) * rs + static_cast<double>(b[c]));
    else
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>((static_cast<double>(xr[c]) - mu) * rs);
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T DEEPTS_COMMA class S, layerNormRows, (layerNormRowsBody<T, S>),
                             (const T* x, int64_t r0, int64_t r1, int64_t cols, const T* w, const T* b, double eps, T* out, S* mean, S* rstd),
                             (x, r0, r1, cols, w, b, eps, out, mean, rstd))

/**
 * Rows [r0, r1) of the backward: x̂ = (x − μ)·rstd, g = dy·w, dx = rstd·(g − mean(g) − x̂·mean(g·x̂));
 * dw/db (double partials of this task, or null) += dy·x̂, dy. w is never null (ones when absent).
 */
template <class T, class S>
DEEPTS_INLINE void layerNormBackRowsBody(const T* DEEPTS_RESTRICT dy, const T* DEEPTS_RESTRICT x, int64_t r0, int64_t r1, int64_t cols,
                                         const T* DEEPTS_RESTRICT w, const S* DEEPTS_RESTRICT mean, const S* DEEPTS_RESTRICT rstd,
                                         T* DEEPTS_RESTRICT dx, double* DEEPTS_RESTRICT dw, double* DEEPTS_RESTRICT db) {
  const double n = static_cast<double>(cols);
  for (int64_t r = r0; r < r1; r++) {
    const T* d = dy + r * cols;
    const T* xr = x + r * cols;
    T* o = dx + r * cols;
    const double mu = static_cast<double>(mean[r]), rs = static_cast<double>(rstd[r]);
    double ag[kLanes] = {}, agx[kLanes] = {};
    int64_t c = 0;
    for (; c + kLanes <= cols; c += kLanes)
      for (int l = 0; l < kLanes; l++) {
        const double xh = (static_cast<double>(xr[c + l]) - mu) * rs;
        const double g = static_cast<double>(d[c + l]) * static_cast<double>(w[c + l]);
        ag[l] += g;
        agx[l] += g * xh;
      }
    double sg = 0, sgx = 0;
    for (int l = 0; l < kLanes; l++) {
      sg += ag[l];
      sgx += agx[l];
    }
    for (; c < cols; c++) {
      const double xh = (static_cast<double>(xr[c]) - mu) * rs;
      const double g = static_cast<double>(d[c]) * static_cast<double>(w[c]);
      sg += g;
      sgx += g * xh;
    }
    const double mg = sg / n, mgx = sgx / n;
    for (c = 0; c < cols; c++) {
      const double xh = (static_cast<double>(xr[c]) - mu) * rs;
      const double g = static_cast<double>(d[c]) * static_cast<double>(w[c]);
      o[c] = static_cast<T>(rs * (g - mg - xh * mgx));
    }
    if (dw)
      for (c = 0; c < cols; c++) dw[c] += static_cast<double>(d[c]) * ((static_cast<double>(xr[c]) - mu) * rs);
    if (db)
      for (c = 0; c < cols; c++) db[c] += static_cast<double>(d[c]);
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T DEEPTS_COMMA class S, layerNormBackRows, (layerNormBackRowsBody<T, S>),
                             (const T* dy, const T* x, int64_t r0, int64_t r1, int64_t cols, const T* w, const S* mean, const S* rstd, T* dx,
                              double* dw, double* db),
                             (dy, x, r0, r1, cols, w, mean, rstd, dx, dw, db))

// ---- RMS norm ----

template <class T, class S>
DEEPTS_INLINE void rmsNormRowsBody(const T* DEEPTS_RESTRICT x, int64_t r0, int64_t r1, int64_t cols, const T* DEEPTS_RESTRICT w, double eps,
                                   T* DEEPTS_RESTRICT out, S* DEEPTS_RESTRICT rstd) {
  const double n = static_cast<double>(cols);
  for (int64_t r = r0; r < r1; r++) {
    const T* xr = x + r * cols;
    T* o = out + r * cols;
    const double rs = 1 / std::sqrt(laneSumSqDev(xr, cols, 0.0) / n + eps);
    rstd[r] = static_cast<S>(rs);
    if (w)
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>(static_cast<double>(xr[c]) * rs * static_cast<double>(w[c]));
    else
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>(static_cast<double>(xr[c]) * rs);
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T DEEPTS_COMMA class S, rmsNormRows, (rmsNormRowsBody<T, S>),
                             (const T* x, int64_t r0, int64_t r1, int64_t cols, const T* w, double eps, T* out, S* rstd),
                             (x, r0, r1, cols, w, eps, out, rstd))

/** g = dy·w: dx = rstd·g − x·rstd³·mean(g·x); dw (this task's partial, or null) += dy·x·rstd. */
template <class T, class S>
DEEPTS_INLINE void rmsNormBackRowsBody(const T* DEEPTS_RESTRICT dy, const T* DEEPTS_RESTRICT x, int64_t r0, int64_t r1, int64_t cols,
                                       const T* DEEPTS_RESTRICT w, const S* DEEPTS_RESTRICT rstd, T* DEEPTS_RESTRICT dx,
                                       double* DEEPTS_RESTRICT dw) {
  const double n = static_cast<double>(cols);
  for (int64_t r = r0; r < r1; r++) {
    const T* d = dy + r * cols;
    const T* xr = x + r * cols;
    T* o = dx + r * cols;
    const double rs = static_cast<double>(rstd[r]);
    double acc[kLanes] = {};
    int64_t c = 0;
    for (; c + kLanes <= cols; c += kLanes)
      for (int l = 0; l < kLanes; l++) acc[l] += static_cast<double>(d[c + l]) * static_cast<double>(w[c + l]) * static_cast<double>(xr[c + l]);
    double sgx = 0;
    for (int l = 0; l < kLanes; l++) sgx += acc[l];
    for (; c < cols; c++) sgx += static_cast<double>(d[c]) * static_cast<double>(w[c]) * static_cast<double>(xr[c]);
    const double k = (rs * rs * rs * sgx) / n;
    for (c = 0; c < cols; c++) o[c] = static_cast<T>(rs * (static_cast<double>(d[c]) * static_cast<double>(w[c])) - static_cast<double>(xr[c]) * k);
    if (dw)
      for (c = 0; c < cols; c++) dw[c] += static_cast<double>(d[c]) * static_cast<double>(xr[c]) * rs;
  }
}
DEEPTS_MULTIVERSION_TEMPLATE(class T DEEPTS_COMMA class S, rmsNormBackRows, (rmsNormBackRowsBody<T, S>),
                             (const T* dy, const T* x, int64_t r0, int64_t r1, int64_t cols, const T* w, const S* rstd, T* dx, double* dw),
                             (dy, x, r0, r1, cols, w, rstd, dx, dw))

/**
 * Runs body(t, r0, r1, partial) over row chunks on the pool, `nPartials` double columns sums per
 * task (zeroed), then adds the tasks' partials in task order into sums (nPartials × cols).
 */
template <class F>
void rowsWithPartials(int64_t rows, int64_t cols, int nPartials, std::vector<double>& sums, F&& body) {
  const int tasks = tasksFor(rows, rowGrain(cols));
  std::vector<double> part(static_cast<size_t>(tasks) * nPartials * cols, 0.0);
  parallelTasks(tasks, [&](int t) {
    const int64_t r0 = rows * t / tasks, r1 = rows * (t + 1) / tasks;
    if (r0 < r1) body(r0, r1, part.data() + static_cast<size_t>(t) * nPartials * cols);
  });
  sums.assign(static_cast<size_t>(nPartials) * cols, 0.0);
  for (int t = 0; t < tasks; t++) {
    const double* p = part.data() + static_cast<size_t>(t) * nPartials * cols;
    for (int64_t i = 0; i < nPartials * cols; i++) sums[i] += p[i];
  }
}

/** A weight vector, or cols ones when there is none (multiplying by 1 is exact). */
template <class T>
const T* weightOrOnes(const Out* w, int64_t cols, std::vector<T>& ones) {
  if (w) return w->as<T>();
  ones.assign(static_cast<size_t>(cols), T(1));
  return ones.data();
}

/** Calls f(T{}, S{}) for the element type T of x and S of the statistics, or returns false. */
template <class F>
bool withTypes(DType t, DType s, F&& f) {
  if (!isFloat(t) || !isFloat(s)) return false;
  if (t == DType::F32) {
    if (s == DType::F32) f(float{}, float{});
    else f(float{}, double{});
  } else {
    if (s == DType::F32) f(double{}, float{});
    else f(double{}, double{});
  }
  return true;
}

bool sameType(DType t, std::initializer_list<const Out*> outs) {
  for (const Out* o : outs)
    if (o && o->dtype != t) return false;
  return true;
}

void requireLength(const Out* o, int64_t n, const char* what) {
  if (o && o->length < n) throw KernelError(KernelError::Range, std::string(what) + " is too small");
}

}  // namespace

bool layerNorm(const Out& x, int64_t rows, int64_t cols, const Out* weight, const Out* bias, double eps, const Out& out, const Out& mean,
               const Out& rstd) {
  if (!sameType(x.dtype, {&out, weight, bias}) || mean.dtype != rstd.dtype) return false;
  require(rows >= 0 && cols >= 0, "layerNorm: negative size");
  requireLength(&x, rows * cols, "layerNorm: x");
  requireLength(&out, rows * cols, "layerNorm: out");
  requireLength(weight, cols, "layerNorm: weight");
  requireLength(bias, cols, "layerNorm: bias");
  requireLength(&mean, rows, "layerNorm: mean");
  requireLength(&rstd, rows, "layerNorm: rstd");
  return withTypes(x.dtype, mean.dtype, [&](auto tt, auto st) {
    using T = decltype(tt);
    using S = decltype(st);
    const T* w = weight ? weight->as<T>() : nullptr;
    const T* b = bias ? bias->as<T>() : nullptr;
    parallelFor(rows, rowGrain(cols), [&](int64_t r0, int64_t r1) {
      layerNormRows<T, S>(x.as<T>(), r0, r1, cols, w, b, eps, out.as<T>(), mean.as<S>(), rstd.as<S>());
    });
  });
}

bool layerNormBackward(const Out& dy, const Out& x, int64_t rows, int64_t cols, const Out* weight, const Out& mean, const Out& rstd,
                       const Out& dx, const Out* dweight, const Out* dbias) {
  if (!sameType(x.dtype, {&dy, &dx, weight, dweight, dbias}) || mean.dtype != rstd.dtype) return false;
  require(rows >= 0 && cols >= 0, "layerNormBackward: negative size");
  requireLength(&dy, rows * cols, "layerNormBackward: dy");
  requireLength(&x, rows * cols, "layerNormBackward: x");
  requireLength(&dx, rows * cols, "layerNormBackward: dx");
  requireLength(weight, cols, "layerNormBackward: weight");
  requireLength(dweight, cols, "layerNormBackward: dweight");
  requireLength(dbias, cols, "layerNormBackward: dbias");
  requireLength(&mean, rows, "layerNormBackward: mean");
  requireLength(&rstd, rows, "layerNormBackward: rstd");
  return withTypes(x.dtype, mean.dtype, [&](auto tt, auto st) {
    using T = decltype(tt);
    using S = decltype(st);
    std::vector<T> ones;
    const T* w = weightOrOnes<T>(weight, cols, ones);
    const bool hasW = dweight != nullptr, hasB = dbias != nullptr;
    const int nPartials = (hasW ? 1 : 0) + (hasB ? 1 : 0);
    std::vector<double> sums;
    rowsWithPartials(rows, cols, nPartials, sums, [&](int64_t r0, int64_t r1, double* part) {
      layerNormBackRows<T, S>(dy.as<T>(), x.as<T>(), r0, r1, cols, w, mean.as<S>(), rstd.as<S>(), dx.as<T>(), hasW ? part : nullptr,
                              hasB ? part + (hasW ? cols : 0) : nullptr);
    });
    if (hasW)
      for (int64_t c = 0; c < cols; c++) dweight->as<T>()[c] = static_cast<T>(sums[c]);
    if (hasB)
      for (int64_t c = 0; c < cols; c++) dbias->as<T>()[c] = static_cast<T>(sums[(hasW ? cols : 0) + c]);
  });
}

bool rmsNorm(const Out& x, int64_t rows, int64_t cols, const Out* weight, double eps, const Out& out, const Out& rstd) {
  if (!sameType(x.dtype, {&out, weight})) return false;
  require(rows >= 0 && cols >= 0, "rmsNorm: negative size");
  requireLength(&x, rows * cols, "rmsNorm: x");
  requireLength(&out, rows * cols, "rmsNorm: out");
  requireLength(weight, cols, "rmsNorm: weight");
  requireLength(&rstd, rows, "rmsNorm: rstd");
  return withTypes(x.dtype, rstd.dtype, [&](auto tt, auto st) {
    using T = decltype(tt);
    using S = decltype(st);
    const T* w = weight ? weight->as<T>() : nullptr;
    parallelFor(rows, rowGrain(cols), [&](int64_t r0, int64_t r1) {
      rmsNormRows<T, S>(x.as<T>(), r0, r1, cols, w, eps, out.as<T>(), rstd.as<S>());
    });
  });
}

bool rmsNormBackward(const Out& dy, const Out& x, int64_t rows, int64_t cols, const Out* weight, const Out& rstd, const Out& dx,
                     const Out* dweight) {
  if (!sameType(x.dtype, {&dy, &dx, weight, dweight})) return false;
  require(rows >= 0 && cols >= 0, "rmsNormBackward: negative size");
  requireLength(&dy, rows * cols, "rmsNormBackward: dy");
  requireLength(&x, rows * cols, "rmsNormBackward: x");
  requireLength(&dx, rows * cols, "rmsNormBackward: dx");
  requireLength(weight, cols, "rmsNormBackward: weight");
  requireLength(dweight, cols, "rmsNormBackward: dweight");
  requireLength(&rstd, rows, "rmsNormBackward: rstd");
  return withTypes(x.dtype, rstd.dtype, [&](auto tt, auto st) {
    using T = decltype(tt);
    using S = decltype(st);
    std::vector<T> ones;
    const T* w = weightOrOnes<T>(weight, cols, ones);
    const bool hasW = dweight != nullptr;
    std::vector<double> sums;
    rowsWithPartials(rows, cols, hasW ? 1 : 0, sums, [&](int64_t r0, int64_t r1, double* part) {
      rmsNormBackRows<T, S>(dy.as<T>(), x.as<T>(), r0, r1, cols, w, rstd.as<S>(), dx.as<T>(), hasW ? part : nullptr);
    });
    if (hasW)
      for (int64_t c = 0; c < cols; c++) dweight->as<T>()[c] = static_cast<T>(sums[c]);
  });
}

// ---- embedding ----

namespace {

/** The ids of an int32 view in row-major order, each checked against [0, rows). */
std::vector<int32_t> readIds(const View& ids, int64_t rows, const char* op) {
  const int64_t* strides[1] = {ids.strides};
  StridedIter<1> it(ids.ndim, ids.shape, strides);
  std::vector<int32_t> out(static_cast<size_t>(it.total()));
  const int32_t* p = ids.ptr<int32_t>();
  const int64_t s = it.innerStride(0);
  it.run(0, it.total(), [&](int64_t pos, const int64_t* off, int64_t n) {
    for (int64_t j = 0; j < n; j++) out[pos + j] = p[off[0] + j * s];
  });
  for (size_t i = 0; i < out.size(); i++)
    if (out[i] < 0 || out[i] >= rows)
      throw KernelError(KernelError::Range, std::string(op) + ": index " + std::to_string(out[i]) + " at position " + std::to_string(i) +
                                                " is out of range for an embedding of " + std::to_string(rows) + " rows");
  return out;
}

template <class T>
void embeddingT(const T* w, int64_t cols, const std::vector<int32_t>& ids, T* out) {
  const int64_t n = static_cast<int64_t>(ids.size());
  parallelFor(n, rowGrain(cols), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) std::copy(w + ids[i] * cols, w + (ids[i] + 1) * cols, out + i * cols);
  });
}

template <class T>
DEEPTS_INLINE void addRowBody(T* DEEPTS_RESTRICT dst, const T* DEEPTS_RESTRICT src, int64_t n) {
  for (int64_t c = 0; c < n; c++) dst[c] += src[c];
}
DEEPTS_MULTIVERSION_TEMPLATE(class T, addRow, (addRowBody<T>), (T* dst, const T* src, int64_t n), (dst, src, n))

template <class T>
void embeddingBackwardT(const T* dy, int64_t cols, const std::vector<int32_t>& ids, int64_t paddingIdx, T* dw) {
  const int64_t n = static_cast<int64_t>(ids.size());
  // split by columns: every task walks all ids in order, so repeated ids add in the same order as js
  const int tasks = std::min<int64_t>(tasksFor(n * cols, 1 << 14), std::max<int64_t>(1, cols / 16));
  parallelTasks(tasks, [&](int t) {
    const int64_t c0 = cols * t / tasks, c1 = cols * (t + 1) / tasks;
    for (int64_t i = 0; i < n; i++) {
      if (ids[i] == paddingIdx) continue;
      addRow<T>(dw + ids[i] * cols + c0, dy + i * cols + c0, c1 - c0);
    }
  });
}

}  // namespace

bool embedding(const Out& weight, int64_t rows, int64_t cols, const View& ids, const Out& out) {
  if (ids.dtype != DType::I32 || out.dtype != weight.dtype || !isFloat(weight.dtype)) return false;
  require(rows >= 0 && cols >= 0, "embedding: negative size");
  requireLength(&weight, rows * cols, "embedding: weight");
  const int64_t n = ids.numel();
  requireLength(&out, n * cols, "embedding: out");
  const std::vector<int32_t> id = readIds(ids, rows, "embedding");
  if (weight.dtype == DType::F32) embeddingT(weight.as<float>(), cols, id, out.as<float>());
  else embeddingT(weight.as<double>(), cols, id, out.as<double>());
  return true;
}

bool embeddingBackward(const Out& dy, const View& ids, int64_t rows, int64_t cols, int64_t paddingIdx, const Out& dweight) {
  if (ids.dtype != DType::I32 || dy.dtype != dweight.dtype || !isFloat(dy.dtype)) return false;
  require(rows >= 0 && cols >= 0, "embeddingBackward: negative size");
  requireLength(&dweight, rows * cols, "embeddingBackward: dweight");
  const int64_t n = ids.numel();
  requireLength(&dy, n * cols, "embeddingBackward: dy");
  const std::vector<int32_t> id = readIds(ids, rows, "embeddingBackward");
  if (dy.dtype == DType::F32) embeddingBackwardT(dy.as<float>(), cols, id, paddingIdx, dweight.as<float>());
  else embeddingBackwardT(dy.as<double>(), cols, id, paddingIdx, dweight.as<double>());
  return true;
}

// ---- GELU derivative ----

namespace {

constexpr double kGeluC = 0.79788456080286535588;       // √(2/π)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1/√(2π)

struct ErfForm { static constexpr bool tanh = false; };
struct TanhForm { static constexpr bool tanh = true; };

/**
 * gelu'(x)·dy: float64 in double through libm, as js; float32 in float through the vectorizable
 * phiApprox / gaussApprox / sigmoidApprox (math_ops.h; a few ulp, as the float32 forward ops).
 */
template <class T, class Form>
DEEPTS_INLINE T geluGrad(T xt, T dt) {
  if constexpr (std::is_same<T, float>::value) {
    const float v = xt, d = dt;
    if constexpr (Form::tanh) {
      // 1 + tanh u = 2σ(2u) and 1 − tanh² u = 4σ(2u)σ(−2u): no cancellation where tanh u → −1
      const float v2 = v * v;
      const float c = static_cast<float>(kGeluC);
      const float u2 = 2.0f * (c * (v + 0.044715f * v2 * v));
      const float sp = mathops::sigmoidApprox(u2), sm = mathops::sigmoidApprox(-u2);
      return d * (sp + 2.0f * v * (sp * sm) * c * (1.0f + 0.134145f * v2));
    } else {
      const float g = mathops::gaussApprox(v);
      return d * (mathops::phiGivenGauss(v, g) + v * g * static_cast<float>(kInvSqrt2Pi));
    }
  } else {
    const double v = static_cast<double>(xt), d = static_cast<double>(dt);
    if constexpr (Form::tanh) {
      const double v2 = v * v;
      const double t = std::tanh(kGeluC * (v + 0.044715 * v2 * v));
      return static_cast<T>(d * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * kGeluC * (1 + 0.134145 * v2)));
    } else {
      return static_cast<T>(d * (0.5 * (1 + std::erf(v * 0.70710678118654752440)) + v * std::exp(-0.5 * v * v) * kInvSqrt2Pi));
    }
  }
}

template <class T, class Form>
DEEPTS_INLINE void geluGradRowBody(Form, const T* DEEPTS_RESTRICT x, int64_t sx, const T* DEEPTS_RESTRICT dy, int64_t sd,
                                   T* DEEPTS_RESTRICT out, int64_t n) {
  if (sx == 1 && sd == 1)
    for (int64_t j = 0; j < n; j++) out[j] = geluGrad<T, Form>(x[j], dy[j]);
  else
    for (int64_t j = 0; j < n; j++) out[j] = geluGrad<T, Form>(x[j * sx], dy[j * sd]);
}
DEEPTS_MULTIVERSION_TEMPLATE(class T DEEPTS_COMMA class Form, geluGradRow, (geluGradRowBody<T, Form>),
                             (Form form, const T* x, int64_t sx, const T* dy, int64_t sd, T* out, int64_t n), (form, x, sx, dy, sd, out, n))

template <class T, class Form>
void geluBackwardT(const StridedIter<2>& it, const T* x, const T* dy, T* out) {
  const int64_t sx = it.innerStride(0), sd = it.innerStride(1);
  parallelFor(it.total(), 1 << 12, [&](int64_t b, int64_t e) {
    it.run(b, e, [&](int64_t pos, const int64_t* off, int64_t n) { geluGradRow(Form{}, x + off[0], sx, dy + off[1], sd, out + pos, n); });
  });
}

}  // namespace

bool geluBackward(const View& x, const View& dy, const Out& out, bool tanh) {
  if (x.dtype != dy.dtype || x.dtype != out.dtype || !isFloat(x.dtype)) return false;
  require(x.ndim == dy.ndim, "geluBackward: x and dy differ in rank");
  for (int d = 0; d < x.ndim; d++) require(x.shape[d] == dy.shape[d], "geluBackward: x and dy differ in shape");
  const int64_t* strides[2] = {x.strides, dy.strides};
  StridedIter<2> it(x.ndim, x.shape, strides);
  requireLength(&out, it.total(), "geluBackward: out");
  if (x.dtype == DType::F32) {
    if (tanh) geluBackwardT<float, TanhForm>(it, x.ptr<float>(), dy.ptr<float>(), out.as<float>());
    else geluBackwardT<float, ErfForm>(it, x.ptr<float>(), dy.ptr<float>(), out.as<float>());
  } else {
    if (tanh) geluBackwardT<double, TanhForm>(it, x.ptr<double>(), dy.ptr<double>(), out.as<double>());
    else geluBackwardT<double, ErfForm>(it, x.ptr<double>(), dy.ptr<double>(), out.as<double>());
  }
  return true;
}

// ---- attention ----

namespace {

struct AttnDims {
  int64_t B, H, Tq, Tk, D, Dv;
};

/** Head (b, h) of a (B, H, T, C) view as a contiguous double tile, tile[t·C + c]. */
template <class T>
DEEPTS_INLINE void packRows(const View& v, int64_t b, int64_t h, int64_t rows, int64_t cols, double* tile) {
  const T* base = v.ptr<T>() + b * v.strides[0] + h * v.strides[1];
  const int64_t st = v.strides[2], sc = v.strides[3];
  for (int64_t t = 0; t < rows; t++) {
    const T* r = base + t * st;
    double* o = tile + t * cols;
    if (sc == 1)
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<double>(r[c]);
    else
      for (int64_t c = 0; c < cols; c++) o[c] = static_cast<double>(r[c * sc]);
  }
}

/** The same head transposed: tile[c·rows + t]. */
template <class T>
DEEPTS_INLINE void packCols(const View& v, int64_t b, int64_t h, int64_t rows, int64_t cols, double* tile) {
  const T* base = v.ptr<T>() + b * v.strides[0] + h * v.strides[1];
  const int64_t st = v.strides[2], sc = v.strides[3];
  for (int64_t t = 0; t < rows; t++) {
    const T* r = base + t * st;
    for (int64_t c = 0; c < cols; c++) tile[c * rows + t] = static_cast<double>(r[c * sc]);
  }
}

/** Row i of head (b, h) of the mask, added to scores[0, n). */
DEEPTS_INLINE void addMaskRow(const View& m, int64_t b, int64_t h, int64_t i, int64_t n, double* scores) {
  const int64_t o = m.offset + b * m.strides[0] + h * m.strides[1] + i * m.strides[2], sk = m.strides[3];
  if (m.dtype == DType::F32) {
    const float* p = static_cast<const float*>(m.data) + o;
    for (int64_t j = 0; j < n; j++) scores[j] += static_cast<double>(p[j * sk]);
  } else {
    const double* p = static_cast<const double*>(m.data) + o;
    for (int64_t j = 0; j < n; j++) scores[j] += p[j * sk];
  }
}

// The vector loops of a query row, inlined into the per-head functions (compiled per SIMD level).

/** Doubles of slack after the scratch tiles, for combineRows' last block. */
constexpr int64_t kTilePad = 8;

/** Eight doubles as one value (GCC/Clang vector extension): one zmm, two ymm or four xmm registers. */
typedef double Vec8 __attribute__((vector_size(64)));

/**
 * y[c] = Σ_r a[j_r·sa]·X[j_r·ldx + c] for c in [0, 8·NV), j_r = idx[r] (or r when idx is null),
 * summed from 0 in r order. The sums stay in registers across the rows (summing into y in memory
 * would chain every row through a store and a reload).
 */
template <int NV>
DEEPTS_INLINE void combineBlock(const double* DEEPTS_RESTRICT a, int64_t sa, const int32_t* DEEPTS_RESTRICT idx, int64_t m,
                                const double* DEEPTS_RESTRICT X, int64_t ldx, double* DEEPTS_RESTRICT y) {
  Vec8 acc[NV];
  for (int v = 0; v < NV; v++) acc[v] = Vec8{};
  for (int64_t r = 0; r < m; r++) {
    const int64_t j = idx ? idx[r] : r;
    const double s = a[j * sa];
    const double* x = X + j * ldx;
    for (int v = 0; v < NV; v++) {
      Vec8 xv;
      std::memcpy(&xv, x + 8 * v, sizeof xv);
      acc[v] += s * xv;
    }
  }
  for (int v = 0; v < NV; v++) std::memcpy(y + 8 * v, &acc[v], sizeof acc[v]);
}

/**
 * y[0, n) = Σ_r a[j_r·sa]·X row j_r (a row combination: vᵀ·X), in column blocks of 32, 16 and 8; the
 * last n mod 8 columns as one more block of 8, so X's rows must be readable 7 doubles past column
 * n (the scratch tiles are followed by kTilePad doubles; the extra lanes are dropped).
 */
DEEPTS_INLINE void combineRows(const double* a, int64_t sa, const int32_t* idx, int64_t m, const double* X, int64_t ldx, int64_t n,
                               double* y) {
  int64_t c = 0;
  for (; c + 32 <= n; c += 32) combineBlock<4>(a, sa, idx, m, X + c, ldx, y + c);
  if (c + 16 <= n) {
    combineBlock<2>(a, sa, idx, m, X + c, ldx, y + c);
    c += 16;
  }
  if (c + 8 <= n) {
    combineBlock<1>(a, sa, idx, m, X + c, ldx, y + c);
    c += 8;
  }
  if (c < n) {
    double last[8];
    combineBlock<1>(a, sa, idx, m, X + c, ldx, last);
    for (int64_t l = 0; c + l < n; l++) y[c + l] = last[l];
  }
}

DEEPTS_INLINE void expShiftBody(double* DEEPTS_RESTRICT s, int64_t n, double max) {
  for (int64_t j = 0; j < n; j++) s[j] = mathops::expApproxD(s[j] - max);
}


template <class T>
DEEPTS_INLINE void attentionHeadBody(const View& q, const View& k, const View& v, const View* mask, bool causal, double scale, const AttnDims& a,
                                     int64_t bh, double* scratch, T* out, T* probs) {
  const int64_t b = bh / a.H, h = bh % a.H, Tq = a.Tq, Tk = a.Tk, D = a.D, Dv = a.Dv;
  double* Q = scratch;           // Tq × D
  double* KT = Q + Tq * D;       // D × Tk
  double* V = KT + D * Tk;       // Tk × Dv
  double* row = V + Tk * Dv;     // Tk
  double* acc = row + Tk;        // Dv
  int32_t* nz = reinterpret_cast<int32_t*>(acc + Dv);  // Tk: the keys with a non-zero probability
  packRows<T>(q, b, h, Tq, D, Q);
  packCols<T>(k, b, h, Tk, D, KT);
  packRows<T>(v, b, h, Tk, Dv, V);
  const int64_t shift = Tk - Tq;
  for (int64_t i = 0; i < Tq; i++) {
    const int64_t jmax = causal ? std::max<int64_t>(0, std::min<int64_t>(Tk, i + shift + 1)) : Tk;
    combineRows(Q + i * D, 1, nullptr, D, KT, Tk, jmax, row);  // row[j] = Σ_d q[i, d]·k[j, d]
    for (int64_t j = 0; j < jmax; j++) row[j] *= scale;
    if (mask) addMaskRow(*mask, b, h, i, jmax, row);
    double max = -INFINITY;
    for (int64_t j = 0; j < jmax; j++)
      if (row[j] > max) max = row[j];
    T* p = probs + (bh * Tq + i) * Tk;
    T* o = out + (bh * Tq + i) * Dv;
    if (max == -INFINITY) {  // every key masked: no attention at all
      std::fill(p, p + Tk, T(0));
      std::fill(o, o + Dv, T(0));
      continue;
    }
    expShiftBody(row, jmax, max);
    double sum = 0;
    for (int64_t j = 0; j < jmax; j++) sum += row[j];
    const double inv = 1 / sum;
    int64_t count = 0;
    for (int64_t j = 0; j < jmax; j++) {
      const double pj = row[j] * inv;
      row[j] = pj;
      p[j] = static_cast<T>(pj);
      if (pj != 0) nz[count++] = static_cast<int32_t>(j);
    }
    combineRows(row, 1, nz, count, V, Dv, Dv, acc);  // acc = Σ_j p_j·v[j]
    std::fill(p + jmax, p + Tk, T(0));
    for (int64_t e = 0; e < Dv; e++) o[e] = static_cast<T>(acc[e]);
  }
}

template <class T>
DEEPTS_INLINE void attentionBackwardHeadBody(const View& q, const View& k, const View& v, const T* probs, const View& dOut, double scale,
                                             const AttnDims& a, int64_t bh, double* scratch, T* dq, T* dk, T* dv) {
  const int64_t b = bh / a.H, h = bh % a.H, Tq = a.Tq, Tk = a.Tk, D = a.D, Dv = a.Dv;
  double* Q = scratch;          // Tq × D
  double* K = Q + Tq * D;       // Tk × D
  double* VT = K + Tk * D;      // Dv × Tk
  double* O = VT + Dv * Tk;     // Tq × Dv
  double* Pt = O + Tq * Dv;     // Tq × Tk: the probabilities
  double* dSt = Pt + Tq * Tk;   // Tq × Tk: the score gradients (where P ≠ 0)
  double* dP = dSt + Tq * Tk;   // Tk
  double* row = dP + Tk;        // max(D, Dv)
  int32_t* nz = reinterpret_cast<int32_t*>(row + std::max(D, Dv));  // max(Tq, Tk)
  packRows<T>(q, b, h, Tq, D, Q);
  packRows<T>(k, b, h, Tk, D, K);
  packCols<T>(v, b, h, Tk, Dv, VT);
  packRows<T>(dOut, b, h, Tq, Dv, O);
  // per query row: dP = dO·vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP))·scale, dq = dS·k
  for (int64_t i = 0; i < Tq; i++) {
    const T* pr = probs + (bh * Tq + i) * Tk;
    double* P = Pt + i * Tk;
    double* dS = dSt + i * Tk;
    // the last key with a non-zero probability bounds the row (causal rows end early)
    int64_t jmax = 0;
    for (int64_t j = 0; j < Tk; j++) {
      P[j] = static_cast<double>(pr[j]);
      if (P[j] != 0) jmax = j + 1;
    }
    const double* Oi = O + i * Dv;
    combineRows(Oi, 1, nullptr, Dv, VT, Tk, jmax, dP);  // dP[j] = Σ_e dO[i, e]·v[j, e]
    double rowDot = 0;
    int64_t count = 0;
    for (int64_t j = 0; j < jmax; j++) {
      if (P[j] == 0) continue;
      nz[count++] = static_cast<int32_t>(j);
      rowDot += P[j] * dP[j];
    }
    for (int64_t r = 0; r < count; r++) {
      const int64_t j = nz[r];
      dS[j] = P[j] * (dP[j] - rowDot) * scale;
    }
    combineRows(dS, 1, nz, count, K, D, D, row);  // dq[i] = Σ_j dS_j·k[j]
    T* dqo = dq + (bh * Tq + i) * D;
    for (int64_t d = 0; d < D; d++) dqo[d] = static_cast<T>(row[d]);
  }
  // per key (a column of P and dS): dv[j] = Σ_i P_ij·dO[i] and dk[j] = Σ_i dS_ij·q[i] over the
  // queries that saw it, in query order
  for (int64_t j = 0; j < Tk; j++) {
    int64_t count = 0;
    for (int64_t i = 0; i < Tq; i++)
      if (Pt[i * Tk + j] != 0) nz[count++] = static_cast<int32_t>(i);
    combineRows(Pt + j, Tk, nz, count, O, Dv, Dv, row);
    T* dvo = dv + (bh * Tk + j) * Dv;
    for (int64_t e = 0; e < Dv; e++) dvo[e] = static_cast<T>(row[e]);
    combineRows(dSt + j, Tk, nz, count, Q, D, D, row);
    T* dko = dk + (bh * Tk + j) * D;
    for (int64_t d = 0; d < D; d++) dko[d] = static_cast<T>(row[d]);
  }
}

DEEPTS_MULTIVERSION_TEMPLATE(class T, attentionHead, (attentionHeadBody<T>),
                             (const View& q, const View& k, const View& v, const View* mask, bool causal, double scale, const AttnDims& a,
                              int64_t bh, double* scratch, T* out, T* probs),
                             (q, k, v, mask, causal, scale, a, bh, scratch, out, probs))
DEEPTS_MULTIVERSION_TEMPLATE(class T, attentionBackwardHead, (attentionBackwardHeadBody<T>),
                             (const View& q, const View& k, const View& v, const T* probs, const View& dOut, double scale, const AttnDims& a,
                              int64_t bh, double* scratch, T* dq, T* dk, T* dv),
                             (q, k, v, probs, dOut, scale, a, bh, scratch, dq, dk, dv))

// float32 attention: the four products of a head are sgemm calls on the views' strides (no
// packing copies of q, k, v), the softmax rows are float SIMD loops. Products accumulate in float,
// as PyTorch's bmm does (float64 keeps the double path above, which follows js's summation order).

/** A head's (rows × cols) operand at (b, h) of a 4-d view: its base pointer and row/column strides. */
struct HeadOperand {
  const float* p;
  int64_t sr, sc;
};

HeadOperand headOperand(const View& t, int64_t b, int64_t h) {
  return {t.ptr<float>() + b * t.strides[0] + h * t.strides[1], t.strides[2], t.strides[3]};
}

/** One softmax row in place over its first n scores (scaled, masked), zero after; false if every score is −∞. */
DEEPTS_INLINE bool softmaxRowF32Body(float* DEEPTS_RESTRICT row, int64_t n, int64_t total, float scale, const float* DEEPTS_RESTRICT mask, int64_t sm) {
  float max = -INFINITY;
  if (mask)
    for (int64_t j = 0; j < n; j++) row[j] = row[j] * scale + mask[j * sm];
  else
    for (int64_t j = 0; j < n; j++) row[j] *= scale;
  for (int64_t j = 0; j < n; j++) max = row[j] > max ? row[j] : max;
  if (max == -INFINITY) {
    std::fill(row, row + total, 0.0f);
    return false;
  }
  float sum = 0;
  for (int64_t j = 0; j < n; j++) {
    row[j] = mathops::expApprox(row[j] - max);
    sum += row[j];
  }
  const float inv = 1.0f / sum;
  for (int64_t j = 0; j < n; j++) row[j] *= inv;
  std::fill(row + n, row + total, 0.0f);
  return true;
}
DEEPTS_MULTIVERSION(softmaxRowF32, softmaxRowF32Body,
                    (float* row, int64_t n, int64_t total, float scale, const float* mask, int64_t sm), (row, n, total, scale, mask, sm))

/** dS = P ⊙ (dP − Σ P ⊙ dP)·scale over one row of n entries, in place of dP. */
DEEPTS_INLINE void softmaxGradRowF32Body(const float* DEEPTS_RESTRICT p, float* DEEPTS_RESTRICT dp, int64_t n, float scale) {
  float dot = 0;
  for (int64_t j = 0; j < n; j++) dot += p[j] * dp[j];
  for (int64_t j = 0; j < n; j++) dp[j] = p[j] * (dp[j] - dot) * scale;
}
DEEPTS_MULTIVERSION(softmaxGradRowF32, softmaxGradRowF32Body, (const float* p, float* dp, int64_t n, float scale), (p, dp, n, scale))

void attentionHeadF32(const View& q, const View& k, const View& v, const View* mask, bool causal, float scale, const AttnDims& a, int64_t bh,
                      float* out, float* probs) {
  const int64_t b = bh / a.H, h = bh % a.H, Tq = a.Tq, Tk = a.Tk;
  const HeadOperand Q = headOperand(q, b, h), K = headOperand(k, b, h), V = headOperand(v, b, h);
  float* P = probs + bh * Tq * Tk;
  sgemm(Tq, Tk, a.D, Q.p, Q.sr, Q.sc, K.p, K.sc, K.sr, P, Tk);  // S = Q·Kᵀ
  const float* M = mask ? mask->ptr<float>() + b * mask->strides[0] + h * mask->strides[1] : nullptr;
  const int64_t shift = Tk - Tq;
  for (int64_t i = 0; i < Tq; i++) {
    const int64_t n = causal ? std::max<int64_t>(0, std::min<int64_t>(Tk, i + shift + 1)) : Tk;
    softmaxRowF32(P + i * Tk, n, Tk, scale, M ? M + i * mask->strides[2] : nullptr, M ? mask->strides[3] : 0);
  }
  sgemm(Tq, a.Dv, Tk, P, Tk, 1, V.p, V.sr, V.sc, out + bh * Tq * a.Dv, a.Dv);  // O = P·V (masked rows: P = 0, O = 0)
}

void attentionBackwardHeadF32(const View& q, const View& k, const View& v, const float* probs, const View& dOut, float scale, const AttnDims& a,
                              int64_t bh, float* dS, float* dq, float* dk, float* dv) {
  const int64_t b = bh / a.H, h = bh % a.H, Tq = a.Tq, Tk = a.Tk, D = a.D, Dv = a.Dv;
  const HeadOperand Q = headOperand(q, b, h), K = headOperand(k, b, h), V = headOperand(v, b, h), dO = headOperand(dOut, b, h);
  const float* P = probs + bh * Tq * Tk;
  sgemm(Tk, Dv, Tq, P, 1, Tk, dO.p, dO.sr, dO.sc, dv + bh * Tk * Dv, Dv);  // dV = Pᵀ·dO
  sgemm(Tq, Tk, Dv, dO.p, dO.sr, dO.sc, V.p, V.sc, V.sr, dS, Tk);         // dP = dO·Vᵀ
  for (int64_t i = 0; i < Tq; i++) softmaxGradRowF32(P + i * Tk, dS + i * Tk, Tk, scale);
  sgemm(Tq, D, Tk, dS, Tk, 1, K.p, K.sr, K.sc, dq + bh * Tq * D, D);      // dQ = dS·K
  sgemm(Tk, D, Tq, dS, 1, Tk, Q.p, Q.sr, Q.sc, dk + bh * Tk * D, D);      // dK = dSᵀ·Q
}

AttnDims attnDims(const char* op, const View& q, const View& k, const View& v) {
  require(q.ndim == 4 && k.ndim == 4 && v.ndim == 4, std::string(op) + ": q, k, v must be 4-d views");
  AttnDims a{q.shape[0], q.shape[1], q.shape[2], k.shape[2], q.shape[3], v.shape[3]};
  require(k.shape[0] == a.B && v.shape[0] == a.B && k.shape[1] == a.H && v.shape[1] == a.H, std::string(op) + ": batch or heads differ");
  require(k.shape[3] == a.D && v.shape[2] == a.Tk, std::string(op) + ": key/value sizes do not match");
  return a;
}

/** Heads per task: about 64K multiply-adds each. */
int64_t headGrain(const AttnDims& a) {
  const int64_t work = std::max<int64_t>(1, a.Tq * a.Tk * (a.D + a.Dv));
  return std::max<int64_t>(1, (1 << 16) / work);
}

}  // namespace

bool attention(const View& q, const View& k, const View& v, const View* mask, bool causal, double scale, const Out& out, const Out& probs) {
  const DType t = q.dtype;
  if (!isFloat(t) || k.dtype != t || v.dtype != t || out.dtype != t || probs.dtype != t) return false;
  if (mask && (!isFloat(mask->dtype) || mask->ndim != 4)) return false;
  const AttnDims a = attnDims("attention", q, k, v);
  if (mask)
    for (int d = 0; d < 4; d++) require(mask->shape[d] == (d == 0 ? a.B : d == 1 ? a.H : d == 2 ? a.Tq : a.Tk), "attention: mask shape");
  requireLength(&out, a.B * a.H * a.Tq * a.Dv, "attention: out");
  requireLength(&probs, a.B * a.H * a.Tq * a.Tk, "attention: probs");
  const size_t scratch = static_cast<size_t>(a.Tq * a.D + a.D * a.Tk + a.Tk * a.Dv + a.Tk + a.Dv + a.Tk + kTilePad);
  if (t == DType::F32 && (!mask || mask->dtype == DType::F32)) {
    parallelFor(a.B * a.H, headGrain(a), [&](int64_t h0, int64_t h1) {
      for (int64_t bh = h0; bh < h1; bh++) attentionHeadF32(q, k, v, mask, causal, static_cast<float>(scale), a, bh, out.as<float>(), probs.as<float>());
    });
    return true;
  }
  parallelFor(a.B * a.H, headGrain(a), [&](int64_t h0, int64_t h1) {
    std::vector<double> s(scratch);
    for (int64_t bh = h0; bh < h1; bh++) {
      if (t == DType::F32) attentionHead(q, k, v, mask, causal, scale, a, bh, s.data(), out.as<float>(), probs.as<float>());
      else attentionHead(q, k, v, mask, causal, scale, a, bh, s.data(), out.as<double>(), probs.as<double>());
    }
  });
  return true;
}

bool attentionBackward(const View& q, const View& k, const View& v, const Out& probs, const View& dOut, double scale, const Out& dq,
                       const Out& dk, const Out& dv) {
  const DType t = q.dtype;
  if (!isFloat(t) || k.dtype != t || v.dtype != t || probs.dtype != t || dOut.dtype != t || dq.dtype != t || dk.dtype != t || dv.dtype != t)
    return false;
  const AttnDims a = attnDims("attentionBackward", q, k, v);
  require(dOut.ndim == 4 && dOut.shape[0] == a.B && dOut.shape[1] == a.H && dOut.shape[2] == a.Tq && dOut.shape[3] == a.Dv,
          "attentionBackward: dOut shape");
  requireLength(&probs, a.B * a.H * a.Tq * a.Tk, "attentionBackward: probs");
  requireLength(&dq, a.B * a.H * a.Tq * a.D, "attentionBackward: dq");
  requireLength(&dk, a.B * a.H * a.Tk * a.D, "attentionBackward: dk");
  requireLength(&dv, a.B * a.H * a.Tk * a.Dv, "attentionBackward: dv");
  const size_t scratch = static_cast<size_t>(a.Tq * a.D + a.Tk * a.D + a.Dv * a.Tk + a.Tq * a.Dv + 2 * a.Tk * a.Tq + a.Tk +
                                             std::max(a.D, a.Dv) + std::max(a.Tq, a.Tk) + kTilePad);
  if (t == DType::F32) {
    parallelFor(a.B * a.H, headGrain(a), [&](int64_t h0, int64_t h1) {
      std::vector<float> dS(static_cast<size_t>(a.Tq * a.Tk));
      for (int64_t bh = h0; bh < h1; bh++)
        attentionBackwardHeadF32(q, k, v, probs.as<float>(), dOut, static_cast<float>(scale), a, bh, dS.data(), dq.as<float>(), dk.as<float>(), dv.as<float>());
    });
    return true;
  }
  parallelFor(a.B * a.H, headGrain(a), [&](int64_t h0, int64_t h1) {
    std::vector<double> s(scratch);
    for (int64_t bh = h0; bh < h1; bh++) {
      if (t == DType::F32)
        attentionBackwardHead(q, k, v, probs.as<float>(), dOut, scale, a, bh, s.data(), dq.as<float>(), dk.as<float>(), dv.as<float>());
      else
        attentionBackwardHead(q, k, v, probs.as<double>(), dOut, scale, a, bh, s.data(), dq.as<double>(), dk.as<double>(),
                                      dv.as<double>());
    }
  });
  return true;
}

}  // namespace deepts
