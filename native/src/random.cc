// Uniform fills from the counter-based stream of src/backend/random.ts, bit for bit: value i is a
// hash of (seed, offset + i), so threads fill disjoint ranges independently.
#include <cmath>
#include <cstdint>

#include "multiversion.h"

#include "kernels.h"
#include "thread_pool.h"

namespace deepts {

namespace {

inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

inline uint32_t randomBits(uint32_t key, uint64_t counter) {
  const uint32_t lo = static_cast<uint32_t>(counter), hi = static_cast<uint32_t>(counter >> 32);
  return mix32(mix32(lo ^ key) + (hi ^ key) * 0x85ebca6bu);
}

inline double uniform24(uint32_t key, uint64_t c) { return static_cast<double>(randomBits(key, c) >> 8) / 16777216.0; }

inline double uniform53(uint32_t key, uint64_t c) {
  const double a = static_cast<double>(randomBits(key, c) >> 5), b = static_cast<double>(randomBits(key, c + 1) >> 6);
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

}  // namespace

bool randomUniform(const Out& out, double low, double high, uint32_t seed, double offset) {
  if (out.dtype != DType::F32 && out.dtype != DType::F64) return false;
  const uint32_t key = mix32(seed ^ 0x9e3779b9u);
  const uint64_t base = static_cast<uint64_t>(offset);
  const double span = high - low;
  if (out.dtype == DType::F32) {
    float* o = out.as<float>();
    parallelFor(out.length, 1 << 15, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) o[i] = static_cast<float>(low + span * uniform24(key, base + i));
    });
  } else {
    double* o = out.as<double>();
    parallelFor(out.length, 1 << 15, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) o[i] = low + span * uniform53(key, base + 2 * i);
    });
  }
  return true;
}

// Dropout's mask in one pass: scale where randomUniform's u_i (low 0, high 1) is below keep, else 0.
// In float32, u_i = k / 2^24 with k = bits >> 8, so u_i < keep is k < ceil(keep · 2^24): an integer
// compare, and the loop (hashes, compare, select) vectorizes.
static inline __attribute__((always_inline)) void dropoutMaskF32Body(float* o, int64_t b, int64_t e, uint32_t key, uint64_t base, uint32_t threshold, float s) {
  for (int64_t i = b; i < e; i++) {
    const uint64_t c = base + static_cast<uint64_t>(i);
    const uint32_t lo = static_cast<uint32_t>(c), hi = static_cast<uint32_t>(c >> 32);
    const uint32_t bits = mix32(mix32(lo ^ key) + (hi ^ key) * 0x85ebca6bu);
    o[i] = (bits >> 8) < threshold ? s : 0.0f;
  }
}
DEEPTS_MULTIVERSION(dropoutMaskF32, dropoutMaskF32Body,
                    (float* o, int64_t b, int64_t e, uint32_t key, uint64_t base, uint32_t threshold, float s),
                    (o, b, e, key, base, threshold, s))

bool dropoutMask(const Out& out, double keep, double scale, uint32_t seed, double offset) {
  if (out.dtype != DType::F32 && out.dtype != DType::F64) return false;
  const uint32_t key = mix32(seed ^ 0x9e3779b9u);
  const uint64_t base = static_cast<uint64_t>(offset);
  if (out.dtype == DType::F32) {
    float* o = out.as<float>();
    const float s = static_cast<float>(scale);
    const uint32_t threshold = static_cast<uint32_t>(std::ceil(keep * 16777216.0));
    parallelFor(out.length, 1 << 15, [&](int64_t b, int64_t e) { dropoutMaskF32(o, b, e, key, base, threshold, s); });
  } else {
    double* o = out.as<double>();
    parallelFor(out.length, 1 << 15, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i++) o[i] = uniform53(key, base + 2 * i) < keep ? scale : 0.0;
    });
  }
  return true;
}

}  // namespace deepts
