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
// (Cephes' polynomials, range reduction by ln 2), where libm's scalar double calls would cost
// 5-10 ns an element. Every instruction set computes the same bits (no FMA contraction).

DEEPTS_INLINE float bitsToFloat(int32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
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
  float y = p * bitsToFloat((k1 + 127) << 23) * bitsToFloat((k2 + 127) << 23);
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

// float64 exp, erf and tanh as branch-free code the compiler vectorizes, for the float32 GELU
// family: computed in double, rounded once to float, they give what JS's double math stored into
// a Float32Array gives (both within 1 ulp of double; the float rounding hides the difference).

DEEPTS_INLINE double bitsToDouble(int64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}
DEEPTS_INLINE int64_t doubleToBits(double d) {
  int64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

/** e^x for double: 2^k · e^r, k = round(x / ln 2) (by the 1.5·2^52 trick), Cephes' Padé form for e^r; 1 ulp. */
DEEPTS_INLINE double expApproxD(double x) {
  const double hi = 709.782712893384, lo = -745.1332191019412;
  double xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  const double magic = 6755399441055744.0;  // 1.5·2^52: adding it rounds to an integer in the low bits
  const double t = xc * 1.4426950408889634074 + magic;
  const int64_t k = doubleToBits(t) - doubleToBits(magic);
  const double kf = t - magic;
  double r = xc - kf * 6.93145751953125e-1;
  r = r - kf * 1.42860682030941723212e-6;
  const double rr = r * r;
  const double px = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr + 9.99999999999999999910e-1);
  const double qx = ((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr + 2.27265548208155028766e-1) * rr + 2.00000000000000000009e0;
  double e = 1.0 + 2.0 * (px / (qx - px));
  const int64_t k1 = k >> 1, k2 = k - k1;  // two scalings: 2^k alone under- or overflows at the ends
  e = e * bitsToDouble((k1 + 1023) << 52) * bitsToDouble((k2 + 1023) << 52);
  e = x > hi ? INFINITY : e;
  return x < lo ? 0.0 : e;  // NaN falls through both tests and stays NaN
}

/** erf for double: fdlibm's s_erf.c (as src/backend/js/erf.ts) with every branch computed and the right one selected. */
DEEPTS_INLINE double erfApproxD(double x) {
  const double ax = std::fabs(x);
  // |x| < 0.84375: x + x·r(x²)/s(x²)
  const double z = x * x;
  const double r0 = 1.28379167095512558561e-01 + z * (-3.25042107247001499370e-01 + z * (-2.84817495755985104766e-02 + z * (-5.77027029648944159157e-03 + z * -2.37630166566501626084e-05)));
  const double s0 = 1 + z * (3.97917223959155352819e-01 + z * (6.50222499887672944485e-02 + z * (5.08130628187576562776e-03 + z * (1.32494738004321644526e-04 + z * -3.96022827877536812320e-06))));
  const double small = x + x * (r0 / s0);
  // 0.84375 <= |x| < 1.25: erx + P(|x| − 1)/Q(|x| − 1)
  const double s = ax - 1;
  const double P = -2.36211856075265944077e-03 + s * (4.14856118683748331666e-01 + s * (-3.72207876035701323847e-01 + s * (3.18346619901161753674e-01 + s * (-1.10894694282396677476e-01 + s * (3.54783043256182359371e-02 + s * -2.16637559486879084300e-03)))));
  const double Q = 1 + s * (1.06420880400844228286e-01 + s * (5.40397917702171048937e-01 + s * (7.18286544141962662868e-02 + s * (1.26171219808761642112e-01 + s * (1.36370839120290507362e-02 + s * 1.19844998467991074170e-02)))));
  const double mid = 8.45062911510467529297e-01 + P / Q;
  // 1.25 <= |x| < 6: 1 − exp(−z² − 0.5625 + R/S)/|x|, z = |x| with its low word cleared
  double a = ax < 1.25 ? 1.25 : ax;
  a = a > 6 ? 6 : a;
  const double w = 1 / (a * a);
  const double Ra = -9.86494403484714822705e-03 + w * (-6.93858572707181764372e-01 + w * (-1.05586262253232909814e+01 + w * (-6.23753324503260060396e+01 + w * (-1.62396669462573470355e+02 + w * (-1.84605092906711035994e+02 + w * (-8.12874355063065934246e+01 + w * -9.81432934416914548592e+00))))));
  const double Sa = 1 + w * (1.96512716674392571292e+01 + w * (1.37657754143519042600e+02 + w * (4.34565877475229228821e+02 + w * (6.45387271733267880336e+02 + w * (4.29008140027567833386e+02 + w * (1.08635005541779435134e+02 + w * (6.57024977031928170135e+00 + w * -6.04244152148580987438e-02)))))));
  const double Rb = -9.86494292470009928597e-03 + w * (-7.99283237680523006574e-01 + w * (-1.77579549177547519889e+01 + w * (-1.60636384855821916062e+02 + w * (-6.37566443368389627722e+02 + w * (-1.02509513161107724954e+03 + w * -4.83519191608651397019e+02)))));
  const double Sb = 1 + w * (3.03380607434824582924e+01 + w * (3.25792512996573918826e+02 + w * (1.53672958608443695994e+03 + w * (3.19985821950859553908e+03 + w * (2.55305040643316442583e+03 + w * (4.74528541206955367215e+02 + w * -2.24409524465858183362e+01))))));
  const bool nearOne = a < 1 / 0.35;
  const double RS = nearOne ? Ra / Sa : Rb / Sb;
  const double zl = bitsToDouble(doubleToBits(a) & static_cast<int64_t>(0xFFFFFFFF00000000ULL));
  const double tail = 1 - expApproxD(-zl * zl - 0.5625) * expApproxD((zl - a) * (zl + a) + RS) / a;
  double m = ax < 1.25 ? mid : tail;
  m = ax >= 6 ? 1.0 : m;
  m = x < 0 ? -m : m;
  return ax < 0.84375 ? small : m;  // NaN: every test fails and the tail's NaN comes through
}

/** tanh for double from expApproxD: 1 − 2/(e^{2|x|} + 1), signed; absolute error ~1e-16 (enough where only 1 ± tanh is used). */
DEEPTS_INLINE double tanhApproxD(double x) {
  const double ax = std::fabs(x);
  const double t = 1.0 - 2.0 / (expApproxD(2.0 * (ax > 40 ? 40 : ax)) + 1.0);
  return x < 0 ? -t : (x == x ? t : x);
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
// float32 GELU in double through the vectorizable erf (libm's scalar erf cost ~10 ns an element)
DEEPTS_UNARY_FLOAT_FAST(Gelu, static_cast<float>(0.5 * static_cast<double>(x) * (1.0 + erfApproxD(static_cast<double>(x) * 0.70710678118654752440))),
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
