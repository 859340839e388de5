// Function-level instruction-set targets. SIMD code is compiled per function with these
// attributes (never with -mavx512f for a whole file), so one binary runs on any x86-64 and picks
// its kernels at run time from the CPU's features (cpu_features.h).
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DEEPTS_X86 1
#include <immintrin.h>
#define DEEPTS_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,bmi2")))
#define DEEPTS_TARGET_AVX2 __attribute__((target("avx2,fma,bmi2")))
#else
#define DEEPTS_X86 0
#define DEEPTS_TARGET_AVX512
#define DEEPTS_TARGET_AVX2
#endif

#if defined(__GNUC__) || defined(__clang__)
#define DEEPTS_INLINE inline __attribute__((always_inline))
#define DEEPTS_RESTRICT __restrict__
#else
#define DEEPTS_INLINE inline
#define DEEPTS_RESTRICT
#endif
