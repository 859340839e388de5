// Fused optimizer steps: one pass over param, grad and state per step (PyTorch's for-each Adam
// makes a dozen), each following PyTorch's update rule line by line. float32 state is updated in
// float32 arithmetic, as PyTorch does; float64 in double.
#include <cmath>

#include "kernels.h"
#include "multiversion.h"
#include "thread_pool.h"

namespace deepts {

namespace {

constexpr int64_t kGrain = 1 << 14;

template <class T>
struct AdamConst {
  T beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, stepSize, bc2Sqrt, decay, l2;
};

template <class T, bool AMSGRAD>
DEEPTS_INLINE void adamBody(T* DEEPTS_RESTRICT p, const T* DEEPTS_RESTRICT g, T* DEEPTS_RESTRICT m,
                            T* DEEPTS_RESTRICT v, T* DEEPTS_RESTRICT vmax, int64_t b, int64_t e, const AdamConst<T>& c) {
  for (int64_t i = b; i < e; i++) {
    T w = p[i];
    const T gi = g[i] + c.l2 * w;
    w *= c.decay;
    const T mi = c.beta1 * m[i] + c.oneMinusBeta1 * gi;
    T vi = c.beta2 * v[i] + c.oneMinusBeta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    if constexpr (AMSGRAD) {
      vi = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = vi;
    }
    const T denom = std::sqrt(vi) / c.bc2Sqrt + c.eps;
    p[i] = w - c.stepSize * (mi / denom);
  }
}

template <class T>
DEEPTS_INLINE void adamPlainBody(T* p, const T* g, T* m, T* v, int64_t b, int64_t e, const AdamConst<T>* c) {
  adamBody<T, false>(p, g, m, v, nullptr, b, e, *c);
}
template <class T>
DEEPTS_INLINE void adamAmsBody(T* p, const T* g, T* m, T* v, T* vmax, int64_t b, int64_t e, const AdamConst<T>* c) {
  adamBody<T, true>(p, g, m, v, vmax, b, e, *c);
}
DEEPTS_MULTIVERSION(adamPlainF32, adamPlainBody<float>, (float* p, const float* g, float* m, float* v, int64_t b, int64_t e, const AdamConst<float>* c),
                    (p, g, m, v, b, e, c))
DEEPTS_MULTIVERSION(adamPlainF64, adamPlainBody<double>, (double* p, const double* g, double* m, double* v, int64_t b, int64_t e, const AdamConst<double>* c),
                    (p, g, m, v, b, e, c))
DEEPTS_MULTIVERSION(adamAmsF32, adamAmsBody<float>, (float* p, const float* g, float* m, float* v, float* vm, int64_t b, int64_t e, const AdamConst<float>* c),
                    (p, g, m, v, vm, b, e, c))
DEEPTS_MULTIVERSION(adamAmsF64, adamAmsBody<double>, (double* p, const double* g, double* m, double* v, double* vm, int64_t b, int64_t e, const AdamConst<double>* c),
                    (p, g, m, v, vm, b, e, c))

template <class T>
void adamTyped(const Out& param, const Out& grad, const Out& m, const Out& v, const Out* vMax, const AdamArgs& a) {
  AdamConst<T> c;
  c.beta1 = static_cast<T>(a.beta1);
  c.beta2 = static_cast<T>(a.beta2);
  c.oneMinusBeta1 = static_cast<T>(1 - a.beta1);
  c.oneMinusBeta2 = static_cast<T>(1 - a.beta2);
  c.eps = static_cast<T>(a.eps);
  c.stepSize = static_cast<T>(a.lr / (1 - std::pow(a.beta1, a.step)));
  c.bc2Sqrt = static_cast<T>(std::sqrt(1 - std::pow(a.beta2, a.step)));
  c.decay = static_cast<T>(a.decoupled ? 1 - a.lr * a.weightDecay : 1);
  c.l2 = static_cast<T>(a.decoupled ? 0 : a.weightDecay);
  T* p = param.as<T>();
  const T* g = grad.as<T>();
  T* mm = m.as<T>();
  T* vv = v.as<T>();
  T* vm = vMax ? vMax->as<T>() : nullptr;
  parallelFor(param.length, kGrain, [&](int64_t b, int64_t e) {
    if constexpr (std::is_same<T, float>::value) {
      if (vm) adamAmsF32(p, g, mm, vv, vm, b, e, &c);
      else adamPlainF32(p, g, mm, vv, b, e, &c);
    } else {
      if (vm) adamAmsF64(p, g, mm, vv, vm, b, e, &c);
      else adamPlainF64(p, g, mm, vv, b, e, &c);
    }
  });
}

bool sameFloatArrays(std::initializer_list<const Out*> arrays, int64_t n) {
  DType t = (*arrays.begin())->dtype;
  if (t != DType::F32 && t != DType::F64) return false;
  for (const Out* a : arrays) {
    if (!a) continue;
    if (a->dtype != t) return false;
    if (a->length < n) throw KernelError(KernelError::Range, "optimizer step: a state array is shorter than the parameter");
  }
  return true;
}

}  // namespace

bool adamStep(const Out& param, const Out& grad, const Out& m, const Out& v, const Out* vMax, const AdamArgs& p) {
  if (!sameFloatArrays({&param, &grad, &m, &v, vMax}, param.length)) return false;
  if (param.dtype == DType::F32) adamTyped<float>(param, grad, m, v, vMax, p);
  else adamTyped<double>(param, grad, m, v, vMax, p);
  return true;
}

bool sgdStep(const Out& param, const Out& grad, const Out* buf, const SgdArgs& a) {
  if (!sameFloatArrays({&param, &grad, buf}, param.length)) return false;
  withType(param.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point<T>::value) {
      T* p = param.as<T>();
      const T* g = grad.as<T>();
      T* bb = buf ? buf->as<T>() : nullptr;
      const T lr = static_cast<T>(a.lr), wd = static_cast<T>(a.weightDecay), mom = static_cast<T>(a.momentum),
              damp = static_cast<T>(1 - a.dampening);
      const bool useMomentum = a.momentum != 0 && bb;
      parallelFor(param.length, kGrain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; i++) {
          T d = g[i] + wd * p[i];
          if (useMomentum) {
            const T bi = a.firstStep ? d : mom * bb[i] + damp * d;
            bb[i] = bi;
            d = a.nesterov ? d + mom * bi : bi;
          }
          p[i] = p[i] - lr * d;
        }
      });
    }
  });
  return true;
}

bool rmspropStep(const Out& param, const Out& grad, const Out& squareAvg, const Out* gradAvg, const Out* buf,
                 const RmspropArgs& a) {
  if (!sameFloatArrays({&param, &grad, &squareAvg, gradAvg, buf}, param.length)) return false;
  withType(param.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point<T>::value) {
      T* p = param.as<T>();
      const T* g = grad.as<T>();
      T* sq = squareAvg.as<T>();
      T* ga = gradAvg ? gradAvg->as<T>() : nullptr;
      T* bb = buf ? buf->as<T>() : nullptr;
      const T lr = static_cast<T>(a.lr), alpha = static_cast<T>(a.alpha), oneMinusAlpha = static_cast<T>(1 - a.alpha),
              eps = static_cast<T>(a.eps), wd = static_cast<T>(a.weightDecay), mom = static_cast<T>(a.momentum);
      const bool centered = a.centered && ga, useMomentum = a.momentum > 0 && bb;
      parallelFor(param.length, kGrain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; i++) {
          const T gi = g[i] + wd * p[i];
          const T s = alpha * sq[i] + oneMinusAlpha * gi * gi;
          sq[i] = s;
          T avg;
          if (centered) {
            const T gai = alpha * ga[i] + oneMinusAlpha * gi;
            ga[i] = gai;
            avg = std::sqrt(s - gai * gai) + eps;
          } else {
            avg = std::sqrt(s) + eps;
          }
          if (useMomentum) {
            const T bi = mom * bb[i] + gi / avg;
            bb[i] = bi;
            p[i] = p[i] - lr * bi;
          } else {
            p[i] = p[i] - lr * (gi / avg);
          }
        }
      });
    }
  });
  return true;
}

}  // namespace deepts
