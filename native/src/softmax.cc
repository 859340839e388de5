// Row softmax / log-softmax (max-shifted, in double as the js kernel), threaded over rows; and the
// fused cross-entropy (log-softmax + NLL) forward and backward that training spends its loss in.
#include <cmath>

#include "kernels.h"
#include "thread_pool.h"

namespace deepts {

namespace {

/** max and log-sum-exp of one row; a row of -inf shifts by 0 (giving NaN, as PyTorch). */
template <class T>
DEEPTS_INLINE void rowStats(const T* x, int64_t cols, double* maxOut, double* sumOut) {
  double m = -INFINITY;
  for (int64_t c = 0; c < cols; c++) {
    const double v = static_cast<double>(x[c]);
    if (v > m) m = v;
  }
  if (m == -INFINITY) m = 0;
  double s = 0;
  for (int64_t c = 0; c < cols; c++) s += std::exp(static_cast<double>(x[c]) - m);
  *maxOut = m;
  *sumOut = s;
}

template <class T>
void softmaxTyped(const T* x, int64_t rows, int64_t cols, T* out, bool log) {
  parallelFor(rows, std::max<int64_t>(1, (1 << 12) / std::max<int64_t>(cols, 1)), [&](int64_t rb, int64_t re) {
    for (int64_t r = rb; r < re; r++) {
      const T* xr = x + r * cols;
      T* o = out + r * cols;
      double m, s;
      rowStats(xr, cols, &m, &s);
      if (log) {
        const double lse = m + std::log(s);
        for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>(static_cast<double>(xr[c]) - lse);
      } else {
        for (int64_t c = 0; c < cols; c++) o[c] = static_cast<T>(std::exp(static_cast<double>(xr[c]) - m) / s);
      }
    }
  });
}

}  // namespace

bool softmax(const Out& x, int64_t rows, int64_t cols, const Out& out, bool log) {
  if (x.dtype != out.dtype || (x.dtype != DType::F32 && x.dtype != DType::F64)) return false;
  if (x.length < rows * cols || out.length < rows * cols) throw KernelError(KernelError::Range, "softmax: arrays too small");
  if (x.dtype == DType::F32) softmaxTyped(x.as<float>(), rows, cols, out.as<float>(), log);
  else softmaxTyped(x.as<double>(), rows, cols, out.as<double>(), log);
  return true;
}

bool crossEntropyForward(const Out& logits, int64_t rows, int64_t cols, const int32_t* target, int32_t ignoreIndex,
                         const Out& losses, const Out& lse, int64_t* badRow) {
  if (logits.dtype != losses.dtype || logits.dtype != lse.dtype) return false;
  if (logits.length < rows * cols || losses.length < rows || lse.length < rows)
    throw KernelError(KernelError::Range, "crossEntropyForward: arrays too small");
  for (int64_t r = 0; r < rows; r++) {
    const int32_t t = target[r];
    if (t != ignoreIndex && (t < 0 || t >= cols)) {
      *badRow = r;
      return false;
    }
  }
  bool ok = true;
  withType(logits.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_floating_point<T>::value) {
      ok = false;
    } else {
      const T* x = logits.as<T>();
      T* loss = losses.as<T>();
      T* l = lse.as<T>();
      parallelFor(rows, std::max<int64_t>(1, (1 << 12) / std::max<int64_t>(cols, 1)), [&](int64_t rb, int64_t re) {
        for (int64_t r = rb; r < re; r++) {
          const T* xr = x + r * cols;
          double m, s;
          rowStats(xr, cols, &m, &s);
          const double v = m + std::log(s);
          l[r] = static_cast<T>(v);
          const int32_t t = target[r];
          loss[r] = t == ignoreIndex ? T(0) : static_cast<T>(v - static_cast<double>(xr[t]));
        }
      });
    }
  });
  return ok;
}

bool crossEntropyBackward(const Out& logits, int64_t rows, int64_t cols, const int32_t* target, int32_t ignoreIndex,
                          const Out& lse, const Out& scale, const Out& grad) {
  if (logits.dtype != lse.dtype || logits.dtype != scale.dtype || logits.dtype != grad.dtype) return false;
  if (logits.length < rows * cols || grad.length < rows * cols || lse.length < rows || scale.length < rows)
    throw KernelError(KernelError::Range, "crossEntropyBackward: arrays too small");
  bool ok = true;
  withType(logits.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_floating_point<T>::value) {
      ok = false;
    } else {
      const T* x = logits.as<T>();
      const T* l = lse.as<T>();
      const T* sc = scale.as<T>();
      T* g = grad.as<T>();
      parallelFor(rows, std::max<int64_t>(1, (1 << 12) / std::max<int64_t>(cols, 1)), [&](int64_t rb, int64_t re) {
        for (int64_t r = rb; r < re; r++) {
          const T* xr = x + r * cols;
          T* gr = g + r * cols;
          const int32_t t = target[r];
          if (t == ignoreIndex || t < 0 || t >= cols) {
            for (int64_t c = 0; c < cols; c++) gr[c] = T(0);
            continue;
          }
          const double lr = static_cast<double>(l[r]), s = static_cast<double>(sc[r]);
          for (int64_t c = 0; c < cols; c++) gr[c] = static_cast<T>(s * std::exp(static_cast<double>(xr[c]) - lr));
          gr[t] = static_cast<T>(s * (std::exp(static_cast<double>(xr[t]) - lr) - 1.0));
        }
      });
    }
  });
  return ok;
}

}  // namespace deepts
