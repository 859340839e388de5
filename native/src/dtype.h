// The element types deepts stores (float32, float64, int32, bool as uint8) and JavaScript's rules
// for storing a number into each typed array, so native kernels write exactly what js ones do.
#pragma once

#include <cmath>
#include <cstdint>

namespace deepts {

enum class DType : int { F32 = 0, F64 = 1, I32 = 2, U8 = 3 };

inline const char* dtypeName(DType t) {
  switch (t) {
    case DType::F32: return "float32";
    case DType::F64: return "float64";
    case DType::I32: return "int32";
    default: return "bool";
  }
}

/** ECMAScript ToInt32: truncate, then wrap modulo 2^32; NaN and ±Infinity give 0. */
inline int32_t jsToInt32(double v) {
  if (!std::isfinite(v)) return 0;
  const double t = std::trunc(v);
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

/** ECMAScript ToUint8 (what a Uint8Array stores). */
inline uint8_t jsToUint8(double v) { return static_cast<uint8_t>(jsToInt32(v) & 0xFF); }

/** Storing a JS number (a double) into an element of type T. */
template <class T>
inline T fromDouble(double v);
template <>
inline float fromDouble<float>(double v) { return static_cast<float>(v); }
template <>
inline double fromDouble<double>(double v) { return v; }
template <>
inline int32_t fromDouble<int32_t>(double v) { return jsToInt32(v); }
template <>
inline uint8_t fromDouble<uint8_t>(double v) { return jsToUint8(v); }

template <class T>
struct DTypeOf;
template <>
struct DTypeOf<float> { static constexpr DType value = DType::F32; };
template <>
struct DTypeOf<double> { static constexpr DType value = DType::F64; };
template <>
struct DTypeOf<int32_t> { static constexpr DType value = DType::I32; };
template <>
struct DTypeOf<uint8_t> { static constexpr DType value = DType::U8; };

/** Calls f(T{}) with T the C++ type of `t`. */
template <class F>
inline void withType(DType t, F&& f) {
  switch (t) {
    case DType::F32: f(float{}); break;
    case DType::F64: f(double{}); break;
    case DType::I32: f(int32_t{}); break;
    default: f(uint8_t{}); break;
  }
}

}  // namespace deepts
