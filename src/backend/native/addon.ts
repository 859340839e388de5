// Loading the compiled addon (native/build/Release/deepts_native.node, built by `npm install`
// through native/build.mjs). A missing or broken build is not an error: the caller falls back to
// the js backend and reports why. Node's modules come from process.getBuiltinModule, not static
// imports, so the tensor core (which imports the registry, which imports this) still bundles for
// a browser, where there is simply no native backend.
import type { TypedArray } from '../../tensor/dtype.js';

/** The functions the addon exports (native/src/addon.cc). Views travel in the metadata buffer. */
export interface NativeAddon {
  init(meta: Float64Array): { unaryOps: string[]; binaryOps: string[]; reduceOps: string[]; activations: string[] };
  setNumThreads(n: number): number;
  numThreads(): number;
  availableCores(): number;
  /** Whether loading the addon fixed glibc's mmap and trim thresholds (native/src/malloc_tuning.cc). */
  mallocTuned(): boolean;
  simd(level?: 'generic' | 'avx2' | 'avx512' | 'best'): string;
  sgemmKernel(): string;
  unary(op: number, x: TypedArray, out: TypedArray, p0: number, p1: number): boolean;
  binary(op: number, a: TypedArray, b: TypedArray, out: TypedArray): boolean;
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray): boolean;
  reduce(op: number, x: TypedArray, out: TypedArray): boolean;
  matmul(a: TypedArray, b: TypedArray, out: TypedArray): boolean;
  softmax(x: TypedArray, out: TypedArray, rows: number, cols: number, log: boolean): boolean;
  gather(x: TypedArray, index: TypedArray, out: TypedArray, axis: number): boolean;
  scatterAdd(out: TypedArray, index: TypedArray, src: TypedArray, axis: number): boolean;
  copy(src: TypedArray, dst: TypedArray): boolean;
  randomUniform(out: TypedArray, low: number, high: number, seed: number, offset: number): boolean;
  dropoutMask(out: TypedArray, keep: number, scale: number, seed: number, offset: number): boolean;
  adamStep(
    param: TypedArray,
    grad: TypedArray,
    m: TypedArray,
    v: TypedArray,
    vMax: TypedArray | null,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    step: number,
    decoupled: boolean,
    amsgrad: boolean,
  ): boolean;
  sgdStep(
    param: TypedArray,
    grad: TypedArray,
    buf: TypedArray | null,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: boolean,
    firstStep: boolean,
  ): boolean;
  rmspropStep(
    param: TypedArray,
    grad: TypedArray,
    squareAvg: TypedArray,
    gradAvg: TypedArray | null,
    buf: TypedArray | null,
    lr: number,
    alpha: number,
    eps: number,
    weightDecay: number,
    momentum: number,
    centered: boolean,
  ): boolean;
  /** -1 when done, the row of an out-of-range target, or false for an unsupported dtype. */
  crossEntropyForward(
    logits: TypedArray,
    target: Int32Array,
    losses: TypedArray,
    lse: TypedArray,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): number | false;
  crossEntropyBackward(
    logits: TypedArray,
    target: Int32Array,
    lse: TypedArray,
    scale: TypedArray,
    grad: TypedArray,
    rows: number,
    cols: number,
    ignoreIndex: number,
  ): boolean;
  biasActivation(x: TypedArray, bias: TypedArray | null, out: TypedArray, rows: number, cols: number, activation: number): boolean;
  /** C = A·B on raw float32 arrays (row stride of C is N), for benchmarks. */
  sgemm(a: Float32Array, b: Float32Array, c: Float32Array, M: number, N: number, K: number, sam: number, sak: number, sbk: number, sbn: number): boolean;
}

export type AddonLoad = { addon: NativeAddon; path: string } | { addon: null; reason: string };

type NodeModules = {
  createRequire: typeof import('node:module').createRequire;
  existsSync: typeof import('node:fs').existsSync;
  readFileSync: typeof import('node:fs').readFileSync;
  fileURLToPath: typeof import('node:url').fileURLToPath;
  path: typeof import('node:path');
};

function nodeModules(): NodeModules | null {
  const get = typeof process !== 'undefined' ? process.getBuiltinModule : undefined;
  if (typeof get !== 'function') return null;
  const fs = get('node:fs'),
    mod = get('node:module'),
    url = get('node:url'),
    path = get('node:path');
  return { createRequire: mod.createRequire, existsSync: fs.existsSync, readFileSync: fs.readFileSync, fileURLToPath: url.fileURLToPath, path };
}

/** The package root: this file is dist/src/backend/native/addon.js (or src/... under a TS runner). */
function packageRoot(m: NodeModules): string {
  const here = m.path.dirname(m.fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (m.existsSync(m.path.join(dir, 'package.json')) && m.existsSync(m.path.join(dir, 'native'))) return dir;
    dir = m.path.dirname(dir);
  }
  return m.path.join(here, '..', '..', '..', '..');
}

/** Why the last install did not build the addon, as native/build.mjs recorded it. */
function buildFailure(m: NodeModules, root: string): string | null {
  try {
    const status = JSON.parse(m.readFileSync(m.path.join(root, 'native', 'build', 'status.json'), 'utf8')) as { ok?: boolean; reason?: string };
    return status.ok === false && status.reason ? status.reason : null;
  } catch {
    return null;
  }
}

export function loadAddon(): AddonLoad {
  if (typeof process === 'undefined' || !process.versions?.node) return { addon: null, reason: 'not running on Node' };
  const m = nodeModules();
  if (!m) return { addon: null, reason: `the native backend needs Node >= 20.16 (process.getBuiltinModule), this is ${process.version}` };
  const root = packageRoot(m);
  const path = process.env.DEEPTS_NATIVE_ADDON || m.path.join(root, 'native', 'build', 'Release', 'deepts_native.node');
  if (!m.existsSync(path)) {
    const failure = buildFailure(m, root);
    return {
      addon: null,
      reason: failure ? `the native addon was not built: ${failure}` : 'the native addon is not built (run `npm install`, or `node native/build.mjs`)',
    };
  }
  try {
    return { addon: m.createRequire(import.meta.url)(path) as NativeAddon, path };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { addon: null, reason: `the native addon failed to load: ${msg}` };
  }
}
