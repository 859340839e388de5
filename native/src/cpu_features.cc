#include "cpu_features.h"

#include <cstdlib>
#include <cstring>

#include "simd.h"

namespace deepts {

static SimdLevel hardwareLevel() {
#if DEEPTS_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma"))
    return SimdLevel::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::Avx2;
#endif
  return SimdLevel::Generic;
}

SimdLevel detectSimdLevel() {
  SimdLevel hw = hardwareLevel();
  const char* cap = std::getenv("DEEPTS_SIMD");
  if (cap) {
    SimdLevel want = hw;
    if (!std::strcmp(cap, "generic")) want = SimdLevel::Generic;
    else if (!std::strcmp(cap, "avx2")) want = SimdLevel::Avx2;
    else if (!std::strcmp(cap, "avx512")) want = SimdLevel::Avx512;
    if (want < hw) return want;
  }
  return hw;
}

const char* simdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Avx2: return "avx2";
    default: return "generic";
  }
}

static SimdLevel current = detectSimdLevel();

SimdLevel simdLevel() { return current; }

void setSimdLevel(SimdLevel level) {
  SimdLevel hw = hardwareLevel();
  current = level < hw ? level : hw;
}

}  // namespace deepts
