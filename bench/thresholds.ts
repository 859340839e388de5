// Where the native backend starts to beat js, per kernel: time per call of the js kernel and of the
// native one (size thresholds off) over sizes, and of native on 1 against all threads (where
// threading starts to pay). The crossovers set src/backend/native/thresholds.ts and the grains in
// native/src. Run: node dist/bench/thresholds.js [name filter...] (on a quiet machine; it prints the load).
import type { Kernels, View } from '../src/backend/kernels.js';
import { jsKernels } from '../src/backend/js/index.js';
import { nativeBackend, nativeUnavailable, setNativeThresholds, NATIVE_THRESHOLDS, setNumThreads, getNumThreads } from '../src/backend/native/index.js';
import { load1 } from './timing.js';

function perCall(fn: () => void): number {
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    let iters = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < 15) {
      for (let i = 0; i < 16; i++) fn();
      iters += 16;
      t = performance.now();
    }
    best = Math.min(best, ((t - t0) * 1000) / iters);
  }
  return best; // µs
}

const vec = (n: number): View => ({ data: Float32Array.from({ length: n }, (_, i) => Math.sin(i)), dtype: 'float32', offset: 0, shape: [n], strides: [1] });

type Case = { name: string; sizes: number[]; run: (k: Kernels, n: number) => () => void };

const elementSizes = [8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384, 65536, 262144, 1048576];
const cases: Case[] = [
  {
    name: 'binary add',
    sizes: elementSizes,
    run: (k, n) => {
      const a = vec(n),
        b = vec(n),
        o = new Float32Array(n);
      return () => k.binary('add', a, b, o);
    },
  },
  {
    name: 'unary relu',
    sizes: elementSizes,
    run: (k, n) => {
      const a = vec(n),
        o = new Float32Array(n);
      return () => k.unary('relu', a, o);
    },
  },
  {
    name: 'unary exp',
    sizes: elementSizes,
    run: (k, n) => {
      const a = vec(n),
        o = new Float32Array(n);
      return () => k.unary('exp', a, o);
    },
  },
  {
    name: 'where',
    sizes: elementSizes,
    run: (k, n) => {
      const c: View = { ...vec(n), data: new Uint8Array(n).fill(1), dtype: 'bool' };
      const a = vec(n),
        b = vec(n),
        o = new Float32Array(n);
      return () => k.where(c, a, b, o);
    },
  },
  {
    name: 'reduce sum',
    sizes: elementSizes,
    run: (k, n) => {
      const a = vec(n),
        o = new Float32Array(1);
      return () => k.reduce('sum', a, [0], o);
    },
  },
  {
    name: 'copy',
    sizes: elementSizes,
    run: (k, n) => {
      const a = vec(n),
        d = vec(n);
      return () => k.copy(a, d);
    },
  },
  {
    name: 'adamStep',
    sizes: elementSizes,
    run: (k, n) => {
      const p = vec(n).data as Float32Array,
        g = vec(n).data as Float32Array,
        m = new Float32Array(n),
        v = new Float32Array(n);
      return () => k.adamStep(p, g, m, v, null, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1, decoupled: false, amsgrad: false });
    },
  },
  {
    name: 'softmax (rows of 64)',
    sizes: [64, 128, 256, 512, 1024, 4096, 65536],
    run: (k, n) => {
      const x = vec(n).data,
        o = new Float32Array(n);
      return () => k.softmax(x, { rows: n / 64, cols: 64, log: false }, o);
    },
  },
  {
    name: 'layerNorm (rows of 64)',
    sizes: [16, 32, 64, 128, 256, 1024, 16384, 98304],
    run: (k, n) => {
      const x = vec(n).data,
        w = vec(64).data,
        o = new Float32Array(n),
        m = new Float64Array(Math.ceil(n / 64)),
        r = new Float64Array(Math.ceil(n / 64));
      return () => k.layerNorm(x, Math.max(1, n / 64), Math.min(n, 64), w, null, 1e-5, o, m, r);
    },
  },
  {
    name: 'layerNormBackward (rows of 64)',
    sizes: [16, 32, 64, 128, 256, 1024, 16384, 98304],
    run: (k, n) => {
      const x = vec(n).data,
        w = vec(64).data,
        o = new Float32Array(n),
        dw = new Float32Array(64),
        m = new Float64Array(Math.ceil(n / 64)),
        r = new Float64Array(Math.ceil(n / 64)).fill(1);
      return () => k.layerNormBackward(x, x, Math.max(1, n / 64), Math.min(n, 64), w, m, r, o, dw, null);
    },
  },
  {
    name: 'geluBackward',
    sizes: elementSizes,
    run: (k, n) => {
      const a = vec(n),
        o = new Float32Array(n);
      return () => k.geluBackward(a, a, { approximate: 'none' }, o);
    },
  },
  {
    name: 'embedding (rows of 16)',
    sizes: [16, 32, 64, 128, 256, 1024, 16384],
    run: (k, n) => {
      const w = vec(160).data,
        o = new Float32Array(n);
      const ids: View = { data: Int32Array.from({ length: n / 16 }, (_, i) => i % 10), dtype: 'int32', offset: 0, shape: [n / 16], strides: [1] };
      return () => k.embedding(w, 10, 16, ids, o);
    },
  },
  {
    name: 'attention (causal, one head, T²·D with D = 16)',
    sizes: [16, 64, 256, 1024, 4096, 65536],
    run: (k, n) => {
      const t = Math.max(1, Math.round(Math.sqrt(n / 16)));
      const q: View = { ...vec(t * 16), shape: [1, 1, t, 16], strides: [t * 16, t * 16, 16, 1] };
      const o = new Float32Array(t * 16),
        p = new Float32Array(t * t);
      return () => k.attention(q, q, q, null, true, 0.25, o, p);
    },
  },
  {
    name: 'matmul (m³ multiply-adds)',
    sizes: [64, 512, 1728, 4096, 8000, 32768, 262144],
    run: (k, n) => {
      const m = Math.round(Math.cbrt(n));
      const a = vec(m * m),
        b = vec(m * m),
        o = new Float32Array(m * m);
      const va: View = { ...a, shape: [1, m, m], strides: [0, m, 1] },
        vb: View = { ...b, shape: [1, m, m], strides: [0, m, 1] };
      return () => k.matmul(va, vb, o);
    },
  },
];

if (!nativeBackend) {
  console.log(`native backend not available: ${nativeUnavailable}`);
} else {
  setNativeThresholds(Object.fromEntries(Object.keys(NATIVE_THRESHOLDS).map((key) => [key, 0])));
  const threads = getNumThreads();
  console.log(`load average ${load1()}; µs per call: js | native 1 thread | native ${threads} threads`);
  const only = process.argv.slice(2);
  for (const c of cases.filter((x) => only.length === 0 || only.some((o) => x.name.includes(o)))) {
    const rows: string[] = [];
    let crossover: number | null = null;
    for (const n of c.sizes) {
      const js = perCall(c.run(jsKernels, n));
      setNumThreads(1);
      const one = perCall(c.run(nativeBackend.kernels, n));
      setNumThreads(threads);
      const all = perCall(c.run(nativeBackend.kernels, n));
      if (crossover === null && Math.min(one, all) < js) crossover = n;
      rows.push(
        `  ${String(n).padStart(8)}  ${js.toFixed(3).padStart(10)} ${one.toFixed(3).padStart(10)} ${all.toFixed(3).padStart(10)}${all < one * 0.9 ? '  threads pay' : ''}`,
      );
    }
    console.log(`${c.name}: native wins from ${crossover ?? 'never'}\n${rows.join('\n')}`);
  }
}
