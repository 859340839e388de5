// The native backend: the C++ addon's kernels behind the same kernel table as js. Loading never
// throws; when the addon is missing or broken, nativeBackend is null and nativeUnavailable says why.
import type { Backend } from '../kernels.js';
import { jsKernels } from '../js/index.js';
import { loadAddon, type NativeAddon } from './addon.js';
import { createNativeKernels } from './kernels.js';

export { NATIVE_THRESHOLDS, setNativeThresholds, type NativeThresholds } from './thresholds.js';
export type { NativeAddon } from './addon.js';

const load = loadAddon();

/** The loaded addon, for benchmarks and tests (null without one). */
export const nativeAddon: NativeAddon | null = load.addon;

/** Why there is no native backend (null when there is one). */
export const nativeUnavailable: string | null = load.addon ? null : load.reason;

/** DEEPTS_NUM_THREADS as a thread count, or an explanation of why it was ignored. */
function requestedThreads(): number | string | null {
  const raw = typeof process !== 'undefined' ? process.env?.DEEPTS_NUM_THREADS : undefined;
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1024) return `DEEPTS_NUM_THREADS=${raw} is not a thread count (1..1024), ignored`;
  return n;
}

function describe(addon: NativeAddon, note: string): string {
  const threads = addon.numThreads();
  const malloc = addon.mallocTuned() ? ', malloc keeps freed blocks' : '';
  return `native (C++ addon: ${addon.simd()} kernels, sgemm ${addon.sgemmKernel()}, ${threads} thread${threads === 1 ? '' : 's'}${malloc}${note})`;
}

function create(addon: NativeAddon): Backend {
  const req = requestedThreads();
  let note = '';
  if (typeof req === 'number') {
    addon.setNumThreads(req);
    note = ', DEEPTS_NUM_THREADS';
  } else {
    addon.setNumThreads(addon.availableCores());
    if (typeof req === 'string') note = `; ${req}`;
  }
  const kernels = createNativeKernels(addon, jsKernels);
  return {
    name: 'native',
    get description() {
      return describe(addon, note);
    },
    kernels,
  };
}

/** The native backend, or null when the addon is not available (see nativeUnavailable). */
export const nativeBackend: Backend | null = load.addon ? create(load.addon) : null;

/** Sets the threads every native kernel uses (the pool is resized; default: the cores). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  if (nativeAddon) nativeAddon.setNumThreads(n);
}

/** Threads the native kernels use (1 without the addon: js is single-threaded). */
export function getNumThreads(): number {
  return nativeAddon ? nativeAddon.numThreads() : 1;
}
