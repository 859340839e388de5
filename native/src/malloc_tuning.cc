// Keeps freed typed-array memory with malloc for the next allocation. Node allocates every
// ArrayBuffer with calloc and frees it when the collector has found the buffer unreachable (no
// typed array, subarray, DataView or Buffer over it is left), so reusing that memory can never
// be observed from JS. glibc, though, hands large blocks straight back to the system: blocks over
// its mmap threshold are unmapped on free, and a free top of the heap past the trim threshold is
// trimmed; the next tensor then costs fresh zeroed pages, a page fault every 4 KiB. A training
// step frees and allocates tens of megabytes of same-sized activations, so the addon fixes both
// thresholds when it loads: blocks up to 32 MiB come from the heap, and up to 256 MiB of free heap
// is kept. Skipped when the environment already tunes malloc (GLIBC_TUNABLES, MALLOC_*_) or when
// DEEPTS_MALLOC_TUNING=0.
#include "malloc_tuning.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace deepts {

namespace {

bool tuned = false;

bool environmentTunesMalloc() {
  const char* off = std::getenv("DEEPTS_MALLOC_TUNING");
  if (off && std::strcmp(off, "0") == 0) return true;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.")) return true;
  return std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("MALLOC_TOP_PAD_");
}

}  // namespace

void tuneMalloc() {
#if defined(__GLIBC__)
  static bool once = false;
  if (once) return;
  once = true;
  if (environmentTunesMalloc()) return;
  // 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems
  const bool mmapSet = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  const bool trimSet = mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024) == 1;
  tuned = mmapSet && trimSet;
#endif
}

bool mallocTuned() { return tuned; }

}  // namespace deepts
