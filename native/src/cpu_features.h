// Which SIMD level this CPU runs: the kernels are chosen once, at load, from this.
#pragma once

namespace deepts {

enum class SimdLevel { Generic = 0, Avx2 = 1, Avx512 = 2 };

/** The best level the CPU supports, capped by DEEPTS_SIMD=generic|avx2|avx512 when set. */
SimdLevel detectSimdLevel();

const char* simdLevelName(SimdLevel level);

/** The level in use (set by setSimdLevel, defaults to detectSimdLevel()). */
SimdLevel simdLevel();

/** Chooses the level in use; a level the CPU lacks is lowered to the best one it has. */
void setSimdLevel(SimdLevel level);

}  // namespace deepts
