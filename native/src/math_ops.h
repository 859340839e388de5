// The scalar math of the elementwise ops, one functor per op. Exact operations run in the element
// type; the rest in double (what JS computes before storing into a Float32Array), so native and
// js agree to the last bit wherever the C library does.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "simd.h"

namespace deepts {
namespace mathops {

/** Math.pow: NaN exponents and (±1)^±∞ give NaN, where C's pow gives 1. */
DEEPTS_INLINE double jsPow(double a, double b) {
  if (std::isnan(b) || (std::isinf(b) && std::fabs(a) == 1.0)) return NAN;
  return std::pow(a, b);
}

// float32 exp, sigmoid, tanh: branch-free approximations within 2 ulp that the compiler vectorizes
// (Cephes' polynomials, range reduction by ln 2), where libm's scalar double calls would cost a
// call per element (bench/results/notes.md). Every instruction set computes the same bits (no FMA
// contraction).

/** The bits of `from` read as a To (std::bit_cast before C++20). */
template <class To, class From>
DEEPTS_INLINE To bitCast(From from) {
  static_assert(sizeof(To) == sizeof(From), "bitCast: sizes differ");
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}

/** e^x for float: 2^k · p(r), k = round(x / ln 2), |r| <= ln 2 / 2; 1 ulp. */
DEEPTS_INLINE float expApprox(float x) {
  const float hi = 88.72283935546875f, lo = -103.97208f;
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  const float kf = std::floor(xc * 1.44269504088896341f + 0.5f);
  float r = xc - kf * 0.693359375f;
  r = r - kf * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const int32_t k = static_cast<int32_t>(kf);
  const int32_t k1 = k >> 1, k2 = k - k1;  // two scalings: 2^k alone under- or overflows at the ends
  float y = p * bitCast<float>((k1 + 127) << 23) * bitCast<float>((k2 + 127) << 23);
  y = x > hi ? INFINITY : y;
  return x < lo ? 0.0f : y;  // NaN falls through both tests and stays NaN
}

DEEPTS_INLINE float sigmoidApprox(float x) {
  const float e = expApprox(-std::fabs(x));  // never overflows
  const float inv = 1.0f / (1.0f + e);
  return x >= 0 ? inv : e * inv;
}

/** tanh for float: an odd polynomial near 0, 1 − 2/(e^{2|x|} + 1) beyond (Cephes tanhf); 2 ulp. */
DEEPTS_INLINE float tanhApprox(float x) {
  const float ax = std::fabs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  float large = 1.0f - 2.0f / (expApprox(2.0f * ax) + 1.0f);
  large = x < 0 ? -large : large;
  return ax < 0.625f ? small : large;
}

// float64 exp as branch-free code the compiler vectorizes (the fused attention's softmax, which
// runs in double as the js kernel does); within 1 ulp of libm's.

/** e^x for double: 2^k · e^r, k = round(x / ln 2) (by the 1.5·2^52 trick), Cephes' Padé form for e^r; 1 ulp. */
DEEPTS_INLINE double expApproxD(double x) {
  const double hi = 709.782712893384, lo = -745.1332191019412;
  double xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  const double magic = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer in the low bits
  const double t = xc * 1.4426950408889634074 + magic;
  const int64_t k = bitCast<int64_t>(t) - bitCast<int64_t>(magic);
  const double kf = t - magic;
  double r = xc - kf * 6.93145751953125e-1;
  r = r - kf * 1.42860682030941723212e-6;
  const double rr = r * r;
  const double px = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr + 9.99999999999999999910e-1);
  const double qx = ((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr + 2.27265548208155028766e-1) * rr + 2.00000000000000000009e0;
  double e = 1.0 + 2.0 * (px / (qx - px));
  const int64_t k1 = k >> 1, k2 = k - k1;  // two scalings: 2^k alone under- or overflows at the ends
  e = e * bitCast<double>((k1 + 1023) << 52) * bitCast<double>((k2 + 1023) << 52);
  e = x > hi ? INFINITY : e;
  return x < lo ? 0.0 : e;  // NaN falls through both tests and stays NaN
}

/**
 * p(k) of erfc(z) = k·e^{−z² + p(k)} for z ≥ 0, k = 1/(1 + z/2): the Chebyshev fit of Press et al. (Numerical Recipes' erfcc: fractional
 * error below 1.2e-7 for every z). One division and a polynomial: cheap in SIMD lanes, where
 * fdlibm's three intervals would all have to be computed.
 */
DEEPTS_INLINE float erfcExponent(float k) {
  return -1.26551223f + k * (1.00002368f + k * (0.37409196f + k * (0.09678418f + k * (-0.18628806f + k * (0.27886807f + k * (-1.13520398f + k * (1.48851587f + k * (-0.82215223f + k * 0.17087277f))))))));
}

/**
 * The standard normal CDF Φ(x) = ½·erfc(−x/√2) for float, branch-free, for float32 GELU = x·Φ(x):
 * the lower tail keeps its relative accuracy (≤ 3e-6 down to x = −5, where Φ = 3e-7; GELU's
 * absolute error stays below 2e-7 everywhere). One exp and one division an element.
 */
DEEPTS_INLINE float phiApprox(float x) {
  const float z = std::fabs(x) * 0.70710678118654752f;
  const float k = 1.0f / (1.0f + 0.5f * z);
  const float half = 0.5f * k * expApprox(erfcExponent(k) - z * z);  // ½·erfc(|x|/√2)
  return x > 0 ? 1.0f - half : half;  // NaN: x > 0 fails and half is NaN
}

/** Φ(x) given gauss = e^{−x²/2} (which GELU's derivative needs anyway): one more exp, no second e^{−x²/2}. */
DEEPTS_INLINE float phiGivenGauss(float x, float gauss) {
  const float k = 1.0f / (1.0f + 0.5f * (std::fabs(x) * 0.70710678118654752f));
  const float half = 0.5f * k * gauss * expApprox(erfcExponent(k));
  return x > 0 ? 1.0f - half : half;
}

/** The standard normal density's e^{−x²/2} for float, with −x²/2 taken exactly (in double) and its float rounding corrected to first order. */
DEEPTS_INLINE float gaussApprox(float x) {
  const double h = -0.5 * static_cast<double>(x) * static_cast<double>(x);  // exact: a float square fits a double
  const float hf = static_cast<float>(h);
  return expApprox(hf) * (1.0f + static_cast<float>(h - static_cast<double>(hf)));
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

DEEPTS_UNARY_DOUBLE(Log, std::log(x))
DEEPTS_UNARY_DOUBLE(Rsqrt, 1.0 / std::sqrt(x))
DEEPTS_UNARY_DOUBLE(Sin, std::sin(x))
DEEPTS_UNARY_DOUBLE(Cos, std::cos(x))
DEEPTS_UNARY_DOUBLE(Erf, std::erf(x))

/** A unary op with a vectorizable float32 form (fast) and JS's double form (exact) for the rest. */
#define DEEPTS_UNARY_FLOAT_FAST(Name, fast, exact)                \
  struct Name {                                                   \
    template <class T>                                            \
    DEEPTS_INLINE T operator()(T xt) const {                      \
      if constexpr (std::is_same<T, float>::value) {              \
        const float x = xt;                                       \
        return fast;                                              \
      } else {                                                    \
        const double x = static_cast<double>(xt);                 \
        return static_cast<T>(exact);                             \
      }                                                           \
    }                                                             \
  };

DEEPTS_UNARY_FLOAT_FAST(Exp, expApprox(x), std::exp(x))
DEEPTS_UNARY_FLOAT_FAST(Sigmoid, sigmoidApprox(x), sigmoidD(x))
DEEPTS_UNARY_FLOAT_FAST(Silu, x * sigmoidApprox(x), x * sigmoidD(x))
DEEPTS_UNARY_FLOAT_FAST(Tanh, tanhApprox(x), std::tanh(x))
DEEPTS_UNARY_FLOAT_FAST(GeluTanh, 0.5f * x * (1.0f + tanhApprox(0.7978845608f * (x + 0.044715f * x * x * x))),
                        0.5 * x * (1.0 + std::tanh(0.79788456080286535588 * (x + 0.044715 * x * x * x))))
// float32 GELU as x·Φ(x) through the vectorizable phiApprox (libm's scalar erf is a call per element)
DEEPTS_UNARY_FLOAT_FAST(Gelu, x * phiApprox(x),
                        0.5 * x * (1.0 + std::erf(x * 0.70710678118654752440)))
#undef DEEPTS_UNARY_FLOAT_FAST

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
