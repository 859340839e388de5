// The scalar math of the elementwise ops, one functor per op. Exact operations run in the element
// type; the rest in double (what JS computes before storing into a Float32Array), so native and
// js agree to the last bit wherever the C library does.
#pragma once

#include <cmath>

#include "simd.h"

namespace deepts {
namespace mathops {

/** Math.pow: NaN exponents and (±1)^±∞ give NaN, where C's pow gives 1. */
DEEPTS_INLINE double jsPow(double a, double b) {
  if (std::isnan(b) || (std::isinf(b) && std::fabs(a) == 1.0)) return NAN;
  return std::pow(a, b);
}

DEEPTS_INLINE double sigmoidD(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

#define DEEPTS_UNARY_EXACT(Name, expr) \
  struct Name {                         \
    template <class T>                  \
    DEEPTS_INLINE T operator()(T x) const { return expr; } \
  };
#define DEEPTS_UNARY_DOUBLE(Name, expr)                    \
  struct Name {                                            \
    template <class T>                                     \
    DEEPTS_INLINE T operator()(T xt) const {               \
      const double x = static_cast<double>(xt);            \
      return static_cast<T>(expr);                         \
    }                                                      \
  };

DEEPTS_UNARY_EXACT(Neg, -x)
DEEPTS_UNARY_EXACT(Abs, std::fabs(x))
DEEPTS_UNARY_EXACT(Sign, x > 0 ? T(1) : x < 0 ? T(-1) : x)
DEEPTS_UNARY_EXACT(Sqrt, std::sqrt(x))
DEEPTS_UNARY_EXACT(Square, x * x)
DEEPTS_UNARY_EXACT(Reciprocal, T(1) / x)
DEEPTS_UNARY_EXACT(Relu, x > 0 ? x : (x == x ? T(0) : x))
DEEPTS_UNARY_EXACT(Floor, std::floor(x))
DEEPTS_UNARY_EXACT(Ceil, std::ceil(x))
DEEPTS_UNARY_EXACT(Round, std::nearbyint(x))  // half to even in the default rounding mode
DEEPTS_UNARY_EXACT(LogicalNot, x == 0 ? T(1) : T(0))
DEEPTS_UNARY_DOUBLE(Exp, std::exp(x))
DEEPTS_UNARY_DOUBLE(Log, std::log(x))
DEEPTS_UNARY_DOUBLE(Rsqrt, 1.0 / std::sqrt(x))
DEEPTS_UNARY_DOUBLE(Sin, std::sin(x))
DEEPTS_UNARY_DOUBLE(Cos, std::cos(x))
DEEPTS_UNARY_DOUBLE(Tanh, std::tanh(x))
DEEPTS_UNARY_DOUBLE(Sigmoid, sigmoidD(x))
DEEPTS_UNARY_DOUBLE(Erf, std::erf(x))
DEEPTS_UNARY_DOUBLE(Silu, x* sigmoidD(x))
DEEPTS_UNARY_DOUBLE(Gelu, 0.5 * x * (1.0 + std::erf(x * 0.70710678118654752440)))
DEEPTS_UNARY_DOUBLE(GeluTanh, 0.5 * x * (1.0 + std::tanh(0.79788456080286535588 * (x + 0.044715 * x * x * x))))

struct Softplus {
  double beta, threshold;
  template <class T>
  DEEPTS_INLINE T operator()(T xt) const {
    const double x = static_cast<double>(xt);
    return static_cast<T>(x * beta > threshold ? x : std::log1p(std::exp(beta * x)) / beta);
  }
};
struct LeakyRelu {
  double slope;
  template <class T>
  DEEPTS_INLINE T operator()(T xt) const {
    const double x = static_cast<double>(xt);
    return static_cast<T>(x >= 0 ? x : slope * x);
  }
};
struct Elu {
  double alpha;
  template <class T>
  DEEPTS_INLINE T operator()(T xt) const {
    const double x = static_cast<double>(xt);
    return static_cast<T>(x > 0 ? x : alpha * std::expm1(x));
  }
};
struct PowScalar {
  double p;
  template <class T>
  DEEPTS_INLINE T operator()(T xt) const {
    if (p == 2.0) return xt * xt;  // exact either way, and the common case
    return static_cast<T>(jsPow(static_cast<double>(xt), p));
  }
};
struct Clamp {
  double lo, hi;
  template <class T>
  DEEPTS_INLINE T operator()(T xt) const {
    const double x = static_cast<double>(xt);
    return static_cast<T>(x < lo ? lo : x > hi ? hi : x);
  }
};

#undef DEEPTS_UNARY_EXACT
#undef DEEPTS_UNARY_DOUBLE

// Binary: arithmetic returns T, comparisons bool.
struct Add { template <class T> DEEPTS_INLINE T operator()(T a, T b) const { return a + b; } };
struct Sub { template <class T> DEEPTS_INLINE T operator()(T a, T b) const { return a - b; } };
struct Mul { template <class T> DEEPTS_INLINE T operator()(T a, T b) const { return a * b; } };
struct Div { template <class T> DEEPTS_INLINE T operator()(T a, T b) const { return a / b; } };
struct Pow {
  template <class T>
  DEEPTS_INLINE T operator()(T a, T b) const {
    return static_cast<T>(jsPow(static_cast<double>(a), static_cast<double>(b)));
  }
};
struct Maximum {
  template <class T>
  DEEPTS_INLINE T operator()(T a, T b) const { return (a != a || b != b) ? T(NAN) : (a > b ? a : b); }
};
struct Minimum {
  template <class T>
  DEEPTS_INLINE T operator()(T a, T b) const { return (a != a || b != b) ? T(NAN) : (a < b ? a : b); }
};
struct Eq { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a == b; } };
struct Ne { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a != b; } };
struct Lt { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a < b; } };
struct Le { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a <= b; } };
struct Gt { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a > b; } };
struct Ge { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a >= b; } };
struct LogicalAnd { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a != 0 && b != 0; } };
struct LogicalOr { template <class T> DEEPTS_INLINE bool operator()(T a, T b) const { return a != 0 || b != 0; } };

}  // namespace mathops
}  // namespace deepts
