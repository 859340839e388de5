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

// float64 exp as branch-free code the compiler vectorizes (the fused attention's softmax, which
// runs in double as the js kernel does); within 1 ulp of libm's.

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

DEEPTS_INLINE int32_t floatToBits(float f) {
  int32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

/**
 * The standard normal CDF Φ(x) = ½·erfc(−x/√2) for float, branch-free (every interval computed,
 * the right one selected): fdlibm's erfc (s_erff.c's intervals and its double coefficients rounded
 * to float), with expApprox. Through erfc rather than 1 + erf the lower tail keeps its relative
 * accuracy; within a few ulp everywhere. GELU is x·Φ(x) and its derivative Φ(x) + x·φ(x).
 */
DEEPTS_INLINE float phiApprox(float x) {
  // y = −x/√2 rounded to float, and its rounding error: the tail's e^{−y²} multiplies a relative
  // error of y by 2y², so the exponent below is corrected by it
  const double yd = static_cast<double>(x) * -0.70710678118654752440;
  const float y = static_cast<float>(yd);
  const float yErr = static_cast<float>(yd - static_cast<double>(y));
  const float ay = std::fabs(y);
  // |y| < 0.84375: erfc = 1 − (y + y·r/s);  0.84375 <= |y| < 1.25: (1 − erx) − P/Q, or 1 + erx + P/Q for y < 0
  const float z = y * y;
  const float r0 = 1.28379167095512558561e-01f + z * (-3.25042107247001499370e-01f + z * (-2.84817495755985104766e-02f + z * (-5.77027029648944159157e-03f + z * -2.37630166566501626084e-05f)));
  const float s0 = 1.0f + z * (3.97917223959155352819e-01f + z * (6.50222499887672944485e-02f + z * (5.08130628187576562776e-03f + z * (1.32494738004321644526e-04f + z * -3.96022827877536812320e-06f))));
  const float s = ay - 1.0f;
  const float P = -2.36211856075265944077e-03f + s * (4.14856118683748331666e-01f + s * (-3.72207876035701323847e-01f + s * (3.18346619901161753674e-01f + s * (-1.10894694282396677476e-01f + s * (3.54783043256182359371e-02f + s * -2.16637559486879084300e-03f)))));
  const float Q = 1.0f + s * (1.06420880400844228286e-01f + s * (5.40397917702171048937e-01f + s * (7.18286544141962662868e-02f + s * (1.26171219808761642112e-01f + s * (1.36370839120290507362e-02f + s * 1.19844998467991074170e-02f)))));
  const bool small = ay < 0.84375f;
  const float ratio = (small ? r0 : P) / (small ? s0 : Q);
  const float yr = y * ratio;
  const float cSmall = ay < 0.25f ? 1.0f - (y + yr) : 0.5f - (yr + (y - 0.5f));
  const float erx = 8.45062911510467529297e-01f;
  const float cMid = y > 0 ? (1.0f - erx) - ratio : 1.0f + (erx + ratio);
  // |y| >= 1.25: erfc = exp(−t² − 0.5625)·exp((t − a)(t + a) + R/S)/a, t = a with its low 13 bits
  // cleared (so t² and −t² − 0.5625 are exact), or 2 minus that for y < 0
  float a = ay < 1.25f ? 1.25f : ay;
  a = a > 10.0f ? 10.0f : a;
  const float w = 1.0f / (a * a);
  const float Ra = -9.86494403484714822705e-03f + w * (-6.93858572707181764372e-01f + w * (-1.05586262253232909814e+01f + w * (-6.23753324503260060396e+01f + w * (-1.62396669462573470355e+02f + w * (-1.84605092906711035994e+02f + w * (-8.12874355063065934246e+01f + w * -9.81432934416914548592e+00f))))));
  const float Sa = 1.0f + w * (1.96512716674392571292e+01f + w * (1.37657754143519042600e+02f + w * (4.34565877475229228821e+02f + w * (6.45387271733267880336e+02f + w * (4.29008140027567833386e+02f + w * (1.08635005541779435134e+02f + w * (6.57024977031928170135e+00f + w * -6.04244152148580987438e-02f)))))));
  const float Rb = -9.86494292470009928597e-03f + w * (-7.99283237680523006574e-01f + w * (-1.77579549177547519889e+01f + w * (-1.60636384855821916062e+02f + w * (-6.37566443368389627722e+02f + w * (-1.02509513161107724954e+03f + w * -4.83519191608651397019e+02f)))));
  const float Sb = 1.0f + w * (3.03380607434824582924e+01f + w * (3.25792512996573918826e+02f + w * (1.53672958608443695994e+03f + w * (3.19985821950859553908e+03f + w * (2.55305040643316442583e+03f + w * (4.74528541206955367215e+02f + w * -2.24409524465858183362e+01f))))));
  const bool nearOne = a < 1.0f / 0.35f;
  const float RS = (nearOne ? Ra : Rb) / (nearOne ? Sa : Sb);
  const float t = bitsToFloat(floatToBits(a) & static_cast<int32_t>(0xffffe000u));
  const float aErr = y > 0 ? yErr : -yErr;  // |y| = a + aErr: e^{−(a + aErr)²} ≈ e^{−a²}·e^{−2a·aErr}
  const float tail = expApprox(-t * t - 0.5625f) * expApprox((t - a) * (t + a) + RS - 2.0f * a * aErr) / a;
  float cTail = y > 0 ? tail : 2.0f - tail;
  cTail = y >= 10.0f ? 0.0f : cTail;
  const float c = small ? cSmall : ay < 1.25f ? cMid : cTail;  // NaN: every test fails and the tail's NaN comes through
  return 0.5f * c;
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
// float32 GELU as x·Φ(x) through the vectorizable phiApprox (libm's scalar erf costs ~10 ns an element)
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
