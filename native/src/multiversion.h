// One loop, compiled three times: `name(args)` runs `body args` (an always-inline function)
// built for AVX-512, AVX2+FMA or the baseline, whichever the CPU level allows. The compiler
// vectorizes each copy for its own instruction set; no intrinsics needed for plain loops.
#pragma once

#include "cpu_features.h"
#include "simd.h"

#define DEEPTS_MULTIVERSION(name, body, params, args)                         \
  DEEPTS_TARGET_AVX512 static void name##Avx512 params { body args; } \
  DEEPTS_TARGET_AVX2 static void name##Avx2 params { body args; }     \
  static void name##Generic params { body args; }                     \
  static void name params {                                                 \
    switch (::deepts::simdLevel()) {                                        \
      case ::deepts::SimdLevel::Avx512: name##Avx512 args; break;           \
      case ::deepts::SimdLevel::Avx2: name##Avx2 args; break;               \
      default: name##Generic args; break;                                   \
    }                                                                       \
  }

/** A comma inside a macro argument (template parameter lists). */
#define DEEPTS_COMMA ,

/**
 * The same for a function template: `template <tparams> void name params` runs `body args`
 * compiled for the CPU's level (body is an always-inline template taking the same parameters).
 */
#define DEEPTS_MULTIVERSION_TEMPLATE(tparams, name, body, params, args)         \
  template <tparams>                                                           \
  DEEPTS_TARGET_AVX512 void name##Avx512 params { body args; }                 \
  template <tparams>                                                           \
  DEEPTS_TARGET_AVX2 void name##Avx2 params { body args; }                     \
  template <tparams>                                                           \
  void name##Generic params { body args; }                                     \
  template <tparams>                                                           \
  void name params {                                                           \
    switch (::deepts::simdLevel()) {                                           \
      case ::deepts::SimdLevel::Avx512: name##Avx512 args; break;              \
      case ::deepts::SimdLevel::Avx2: name##Avx2 args; break;                  \
      default: name##Generic args; break;                                      \
    }                                                                          \
  }
