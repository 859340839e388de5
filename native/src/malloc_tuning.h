// glibc's thresholds for returning freed memory to the system, fixed at load (malloc_tuning.cc).
#pragma once

namespace deepts {

/** Sets M_MMAP_THRESHOLD and M_TRIM_THRESHOLD once (glibc only, unless the environment tunes malloc itself). */
void tuneMalloc();

/** Whether tuneMalloc() changed the thresholds. */
bool mallocTuned();

}  // namespace deepts
