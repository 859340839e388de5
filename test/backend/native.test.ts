// The native backend beyond the conformance suite: every SIMD level and thread count against js,
// sizes large enough to take the threaded, blocked and vectorized paths, determinism, the bounds
// checks that keep bad views out of C++, and how DEEPTS_BACKEND / DEEPTS_NUM_THREADS are honoured.
// Skipped (with the reason) where the addon is not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  nativeAddon,
  nativeBackend,
  nativeUnavailable,
  setNumThreads,
  getNumThreads,
  setNativeThresholds,
  NATIVE_THRESHOLDS,
} from '../../src/backend/native/index.js';
import { jsKernels } from '../../src/backend/js/index.js';
import type { View } from '../../src/backend/kernels.js';
import { allocate, type DType, type TypedArray } from '../../src/tensor/dtype.js';
import { Generator } from '../../src/tensor/generator.js';

const skip = nativeBackend ? false : `native addon not available: ${nativeUnavailable}`;
const gen = new Generator(11);
const rnd = () => gen.nextUint32() / 4294967296;

function filled(dtype: DType, n: number, f: () => number = () => rnd() * 4 - 2): TypedArray {
  const a = allocate(dtype, n);
  for (let i = 0; i < n; i++) a[i] = f();
  return a;
}
function contiguous(data: TypedArray, dtype: DType, shape: number[]): View {
  const strides: number[] = [];
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return { data, dtype, offset: 0, shape, strides };
}
function assertClose(actual: TypedArray, expected: TypedArray, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
  }
}
/** Runs fn at each SIMD level the CPU has and each thread count, restoring both. */
function everyLevelAndThreads(fn: (level: string, threads: number) => void): void {
  const addon = nativeAddon!;
  const before = addon.simd(),
    threads = getNumThreads();
  try {
    for (const level of ['generic', 'avx2', 'avx512']) {
      if (addon.simd(level as 'generic') !== level) continue; // the CPU lacks it
      for (const t of [1, 2, 3]) {
        setNumThreads(t);
        fn(level, t);
      }
    }
  } finally {
    addon.simd(before as 'avx512');
    setNumThreads(threads);
  }
}

test('native: matmul at every SIMD level and thread count matches js (blocked sizes, transposes, batches)', { skip }, () => {
  const k = nativeBackend!.kernels;
  const cases: [number, number, number, number][] = [
    [1, 250, 300, 77],
    [3, 33, 17, 65],
    [2, 1, 513, 40],
    [1, 64, 64, 1],
    [5, 7, 9, 11],
  ];
  everyLevelAndThreads((level, threads) => {
    for (const [B, M, K, N] of cases)
      for (const dtype of ['float32', 'float64'] as const)
        for (const ta of [false, true])
          for (const tb of [false, true]) {
            const a = filled(dtype, B * M * K),
              b = filled(dtype, K * N);
            const av: View = ta ? { data: a, dtype, offset: 0, shape: [B, M, K], strides: [M * K, 1, M] } : contiguous(a, dtype, [B, M, K]);
            const bv: View = tb
              ? { data: b, dtype, offset: 0, shape: [B, K, N], strides: [0, 1, K] }
              : { data: b, dtype, offset: 0, shape: [B, K, N], strides: [0, N, 1] };
            const out = allocate(dtype, B * M * N),
              ref = allocate(dtype, B * M * N);
            k.matmul(av, bv, out);
            jsKernels.matmul(av, bv, ref);
            assertClose(
              out,
              ref,
              dtype === 'float32' ? 2e-5 * Math.sqrt(K) : 1e-12 * K,
              `matmul ${level} ${threads}t ${B}x${M}x${K}x${N} ${dtype} ta=${ta} tb=${tb}`,
            );
          }
  });
});

test('native: the raw sgemm entry point checks its operands', { skip }, () => {
  const a = new Float32Array(6),
    b = new Float32Array(6),
    c = new Float32Array(4);
  assert.throws(() => nativeAddon!.sgemm(a, b, c, 2, 2, 4, 4, 1, 2, 1), /sgemm a reaches outside its array/);
  assert.equal(nativeAddon!.sgemm(a, b, c, 2, 2, 3, 3, 1, 2, 1), true);
});

test('native: threaded elementwise, where and copy on large views match js', { skip }, () => {
  const k = nativeBackend!.kernels;
  everyLevelAndThreads((level, threads) => {
    const tag = `${level} ${threads}t`;
    for (const dtype of ['float32', 'float64'] as const) {
      const shape = [300, 1001];
      const a = contiguous(filled(dtype, 300 * 1001), dtype, shape);
      const row = filled(dtype, 1001);
      const b: View = { data: row, dtype, offset: 0, shape, strides: [0, 1] };
      for (const op of ['add', 'mul', 'maximum', 'gt'] as const) {
        const outType = op === 'gt' ? 'bool' : dtype;
        const out = allocate(outType, 300 * 1001),
          ref = allocate(outType, 300 * 1001);
        k.binary(op, a, b, out);
        jsKernels.binary(op, a, b, ref);
        assertClose(out, ref, 0, `binary ${op} ${dtype} ${tag}`);
      }
      for (const op of ['relu', 'exp', 'tanh', 'sigmoid', 'gelu'] as const) {
        const out = allocate(dtype, 300 * 1001),
          ref = allocate(dtype, 300 * 1001);
        k.unary(op, a, out);
        jsKernels.unary(op, a, ref);
        assertClose(out, ref, dtype === 'float32' ? 1e-6 : 1e-14, `unary ${op} ${dtype} ${tag}`);
      }
      const transposed: View = { data: a.data, dtype, offset: 0, shape: [1001, 300], strides: [1, 1001] };
      const cond = contiguous(
        filled('bool', 1001 * 300, () => +(rnd() < 0.5)),
        'bool',
        [1001, 300],
      );
      const zero: View = { data: allocate(dtype, 1), dtype, offset: 0, shape: [1001, 300], strides: [0, 0] };
      const w = allocate(dtype, 1001 * 300),
        wr = allocate(dtype, 1001 * 300);
      k.where(cond, transposed, zero, w);
      jsKernels.where(cond, transposed, zero, wr);
      assertClose(w, wr, 0, `where ${dtype} ${tag}`);
      for (const to of ['float32', 'int32'] as const) {
        const d = contiguous(allocate(to, 1001 * 300), to, [1001, 300]),
          dr = contiguous(allocate(to, 1001 * 300), to, [1001, 300]);
        k.copy(transposed, d);
        jsKernels.copy(transposed, dr);
        assertClose(d.data, dr.data, 0, `copy ${dtype}->${to} transposed ${tag}`);
      }
    }
  });
});

test('native: reductions take the inner, outer and split paths and match js; results repeat bit for bit', { skip }, () => {
  const k = nativeBackend!.kernels;
  everyLevelAndThreads((level, threads) => {
    for (const dtype of ['float32', 'float64'] as const) {
      const shape = [130, 257, 3];
      const data = filled(dtype, 130 * 257 * 3);
      data[5000] = NaN;
      const x = contiguous(data, dtype, shape);
      for (const op of ['sum', 'max', 'min', 'prod', 'argmax', 'argmin'] as const) {
        for (const axes of op.startsWith('arg') ? [[0], [1], [2]] : [[0], [1], [2], [0, 1], [0, 2], [0, 1, 2]]) {
          const n = shape.filter((_, i) => !axes.includes(i)).reduce((p, q) => p * q, 1);
          const outType = op.startsWith('arg') ? 'int32' : dtype;
          const out = allocate(outType, n),
            ref = allocate(outType, n),
            again = allocate(outType, n);
          k.reduce(op, x, axes, out);
          jsKernels.reduce(op, x, axes, ref);
          k.reduce(op, x, axes, again);
          const tol = op === 'prod' ? 1e-3 : outType === 'float32' ? 1e-5 : outType === 'float64' ? 1e-10 : 0;
          assertClose(out, ref, tol, `reduce ${op} ${axes} ${dtype} ${level} ${threads}t`);
          assert.deepEqual(again, out, `reduce ${op} ${axes} is deterministic`);
        }
      }
    }
    // a bool mask summed into int32 (a count)
    const mask = contiguous(
      filled('bool', 100000, () => +(rnd() < 0.3)),
      'bool',
      [100000],
    );
    const c = new Int32Array(1),
      cr = new Int32Array(1);
    k.reduce('sum', mask, [0], c);
    jsKernels.reduce('sum', mask, [0], cr);
    assert.equal(c[0], cr[0]);
  });
});

test('native: gather, scatterAdd, softmax, random, optimizers and fused losses on large inputs match js', { skip }, () => {
  const k = nativeBackend!.kernels;
  everyLevelAndThreads((level, threads) => {
    const tag = `${level} ${threads}t`;
    const x = contiguous(filled('float32', 500 * 64), 'float32', [500, 64]);
    const index = contiguous(
      filled('int32', 500 * 40, () => Math.floor(rnd() * 64) - 32),
      'int32',
      [500, 40],
    );
    const g = new Float32Array(500 * 40),
      gr = new Float32Array(500 * 40);
    k.gather(x, index, { axis: 1 }, g);
    jsKernels.gather(x, index, { axis: 1 }, gr);
    assertClose(g, gr, 0, `gather ${tag}`);
    const acc = new Float32Array(500 * 64),
      accr = new Float32Array(500 * 64);
    const src = contiguous(filled('float32', 500 * 40), 'float32', [500, 40]);
    k.scatterAdd(index, src, { axis: 1, outShape: [500, 64] }, acc);
    jsKernels.scatterAdd(index, src, { axis: 1, outShape: [500, 64] }, accr);
    assertClose(acc, accr, 1e-6, `scatterAdd ${tag}`);
    const bad = contiguous(
      Int32Array.from({ length: 500 * 40 }, (_, i) => (i === 777 ? 64 : 0)),
      'int32',
      [500, 40],
    );
    assert.throws(() => k.gather(x, bad, { axis: 1 }, g), /gather: index 64 is out of range for dimension 1 of size 64/);

    for (const log of [false, true]) {
      const s = new Float64Array(500 * 64),
        sr = new Float64Array(500 * 64);
      const xd = filled('float64', 500 * 64, () => rnd() * 60 - 30);
      k.softmax(xd, { rows: 500, cols: 64, log }, s);
      jsKernels.softmax(xd, { rows: 500, cols: 64, log }, sr);
      assertClose(s, sr, 1e-13, `softmax log=${log} ${tag}`);
    }
    for (const dtype of ['float32', 'float64'] as const) {
      const u = allocate(dtype, 100003),
        ur = allocate(dtype, 100003);
      k.randomUniform({ low: -2, high: 5, seed: 1234, offset: 77 }, u);
      jsKernels.randomUniform({ low: -2, high: 5, seed: 1234, offset: 77 }, ur);
      assert.deepEqual(u, ur, `randomUniform ${dtype} ${tag}`);
      k.dropoutMask({ keep: 0.9, scale: 1 / 0.9, seed: 1234, offset: 77 }, u);
      jsKernels.dropoutMask({ keep: 0.9, scale: 1 / 0.9, seed: 1234, offset: 77 }, ur);
      assert.deepEqual(u, ur, `dropoutMask ${dtype} ${tag}`);
    }
    for (const dtype of ['float32', 'float64'] as const)
      for (const decoupled of [false, true])
        for (const amsgrad of [false, true]) {
          const n = 50001;
          const p = filled(dtype, n),
            pr = p.slice(),
            grad = filled(dtype, n);
          const m = allocate(dtype, n),
            v = allocate(dtype, n),
            vm = allocate(dtype, n);
          const mr = allocate(dtype, n),
            vr = allocate(dtype, n),
            vmr = allocate(dtype, n);
          for (let step = 1; step <= 3; step++) {
            const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step, decoupled, amsgrad };
            k.adamStep(p, grad, m, v, amsgrad ? vm : null, hp);
            jsKernels.adamStep(pr, grad, mr, vr, amsgrad ? vmr : null, hp);
          }
          assertClose(p, pr, dtype === 'float32' ? 1e-6 : 1e-14, `adam ${dtype} decoupled=${decoupled} amsgrad=${amsgrad} ${tag}`);
        }
    const rows = 2000,
      cols = 37;
    const logits = filled('float32', rows * cols, () => rnd() * 10 - 5);
    const target = Int32Array.from({ length: rows }, (_, r) => (r % 7 === 0 ? -100 : Math.floor(rnd() * cols)));
    const l = new Float32Array(rows),
      lse = new Float32Array(rows),
      lr = new Float32Array(rows),
      lser = new Float32Array(rows);
    k.crossEntropyForward(logits, target, rows, cols, -100, l, lse);
    jsKernels.crossEntropyForward(logits, target, rows, cols, -100, lr, lser);
    assertClose(l, lr, 1e-6, `crossEntropyForward ${tag}`);
    const scale = new Float32Array(rows).fill(1 / rows),
      d = new Float32Array(rows * cols),
      dr = new Float32Array(rows * cols);
    k.crossEntropyBackward(logits, target, lse, scale, rows, cols, -100, d);
    jsKernels.crossEntropyBackward(logits, target, lse, scale, rows, cols, -100, dr);
    assertClose(d, dr, 1e-6, `crossEntropyBackward ${tag}`);
    const bias = filled('float32', cols),
      o = new Float32Array(rows * cols),
      or = new Float32Array(rows * cols);
    k.biasActivation(logits, bias, { rows, cols, activation: 'relu' }, o);
    jsKernels.biasActivation(logits, bias, { rows, cols, activation: 'relu' }, or);
    assertClose(o, or, 0, `biasActivation ${tag}`);
  });
});

test('native: transformer kernels at every SIMD level and thread count match js and repeat bit for bit', { skip }, () => {
  const k = nativeBackend!.kernels;
  everyLevelAndThreads((level, threads) => {
    const tag = `${level} ${threads}t`;
    for (const dtype of ['float32', 'float64'] as const) {
      const tol = dtype === 'float32' ? 2e-6 : 1e-12;
      const rows = 333,
        cols = 257;
      const x = filled(dtype, rows * cols),
        dy = filled(dtype, rows * cols),
        w = filled(dtype, cols),
        b = filled(dtype, cols);
      const ln = (kk: typeof k) => {
        const out = allocate(dtype, rows * cols),
          mean = new Float64Array(rows),
          rstd = new Float64Array(rows);
        kk.layerNorm(x, rows, cols, w, b, 1e-5, out, mean, rstd);
        const dx = allocate(dtype, rows * cols),
          dw = allocate(dtype, cols),
          db = allocate(dtype, cols);
        kk.layerNormBackward(dy, x, rows, cols, w, mean, rstd, dx, dw, db);
        const rOut = allocate(dtype, rows * cols),
          rRstd = new Float64Array(rows),
          rDx = allocate(dtype, rows * cols),
          rDw = allocate(dtype, cols);
        kk.rmsNorm(x, rows, cols, w, 1e-6, rOut, rRstd);
        kk.rmsNormBackward(dy, x, rows, cols, w, rRstd, rDx, rDw);
        return [out, dx, dw, db, rOut, rDx, rDw];
      };
      const got = ln(k),
        again = ln(k),
        want = ln(jsKernels);
      got.forEach((a, i) => {
        assertClose(a, want[i]!, tol, `norms output ${i} ${dtype} ${tag}`);
        assert.deepEqual(again[i], a, `norms output ${i} is deterministic`);
      });
      const gx = contiguous(
          filled(dtype, 300 * 1001, () => rnd() * 10 - 5),
          dtype,
          [300, 1001],
        ),
        gd = contiguous(filled(dtype, 300 * 1001), dtype, [300, 1001]);
      for (const approximate of ['none', 'tanh'] as const) {
        const o = allocate(dtype, 300 * 1001),
          r = allocate(dtype, 300 * 1001);
        k.geluBackward(gx, gd, { approximate }, o);
        jsKernels.geluBackward(gx, gd, { approximate }, r);
        assertClose(o, r, tol, `geluBackward ${approximate} ${dtype} ${tag}`);
      }
      const B = 3,
        H = 4,
        T = 64,
        D = 32;
      const qkv = (t: number) => contiguous(filled(dtype, B * H * t * D), dtype, [B, H, t, D]);
      const q = qkv(T),
        kk = qkv(T),
        v = qkv(T),
        dOut = qkv(T);
      const att = (kern: typeof k) => {
        const out = allocate(dtype, B * H * T * D),
          probs = allocate(dtype, B * H * T * T);
        kern.attention(q, kk, v, null, true, 0.2, out, probs);
        const dq = allocate(dtype, B * H * T * D),
          dk = allocate(dtype, B * H * T * D),
          dv = allocate(dtype, B * H * T * D);
        kern.attentionBackward(q, kk, v, probs, dOut, 0.2, dq, dk, dv);
        return [out, probs, dq, dk, dv];
      };
      const ga = att(k),
        wa = att(jsKernels);
      // float32 products accumulate in float on native (sgemm, as PyTorch's bmm), in double on js
      const attTol = dtype === 'float32' ? 1e-5 : tol;
      ga.forEach((a, i) => assertClose(a, wa[i]!, attTol, `attention output ${i} ${dtype} ${tag}`));
    }
  });
});

test('native: the LSTM and GRU cells at every SIMD level and thread count match js (threaded rows, odd H)', { skip }, () => {
  const k = nativeBackend!.kernels;
  const rows = 130,
    H = 257;
  const p = { rows, hidden: H };
  for (const dtype of ['float32', 'float64'] as const) {
    const xg4 = filled(dtype, rows * 4 * H),
      hg4 = filled(dtype, rows * 4 * H),
      c = filled(dtype, rows * H),
      dhc = filled(dtype, 2 * rows * H);
    const xg3 = filled(dtype, rows * 3 * H),
      hg3 = filled(dtype, rows * 3 * H),
      dh = filled(dtype, rows * H);
    const cells = (kk: typeof k) => {
      const hc = allocate(dtype, 2 * rows * H),
        act = allocate(dtype, rows * 4 * H),
        tanhC = allocate(dtype, rows * H),
        dGates = allocate(dtype, rows * 4 * H),
        dcPrev = allocate(dtype, rows * H);
      kk.lstmCell(xg4, hg4, c, p, hc, act, tanhC);
      kk.lstmCellBackward(act, tanhC, c, dhc, p, dGates, dcPrev);
      const h = allocate(dtype, rows * H),
        saved = allocate(dtype, rows * 4 * H),
        dxg = allocate(dtype, rows * 3 * H),
        dhg = allocate(dtype, rows * 3 * H),
        dhPrev = allocate(dtype, rows * H);
      kk.gruCell(xg3, hg3, c, p, h, saved);
      kk.gruCellBackward(saved, c, dh, p, dxg, dhg, dhPrev);
      return [hc, act, tanhC, dGates, dcPrev, h, saved, dxg, dhg, dhPrev];
    };
    const want = cells(jsKernels);
    // float32 sigmoid/tanh are vectorized approximations on native (a few ulp), libm in js
    const tol = dtype === 'float32' ? 2e-6 : 1e-14;
    everyLevelAndThreads((level, threads) => {
      const got = cells(k);
      got.forEach((a, i) => assertClose(a, want[i]!, tol, `cell output ${i} ${dtype} ${level} ${threads} threads`));
      assert.deepEqual(cells(k), got, 'the cells are deterministic');
    });
  }
});

test('native: views that reach outside their array are refused before any C++ reads them', { skip }, () => {
  const k = nativeBackend!.kernels;
  const prev = setNativeThresholds(Object.fromEntries(Object.keys(NATIVE_THRESHOLDS).map((key) => [key, 0])));
  try {
    const data = new Float32Array(10);
    const bad: View = { data, dtype: 'float32', offset: 4, shape: [2, 4], strides: [4, 1] };
    assert.throws(() => k.unary('neg', bad, new Float32Array(8)), /unary input reaches outside its array/);
    const negative: View = { data, dtype: 'float32', offset: 0, shape: [3], strides: [-1] };
    assert.throws(() => k.binary('add', negative, negative, new Float32Array(3)), /reaches outside its array/);
    assert.throws(() => k.unary('neg', { ...bad, offset: 0 }, new Float32Array(2)), /unary: output too small/);
  } finally {
    setNativeThresholds(prev);
  }
});

test('native: setNumThreads resizes the one pool', { skip }, () => {
  const before = getNumThreads();
  try {
    setNumThreads(3);
    assert.equal(getNumThreads(), 3);
    assert.throws(() => setNumThreads(0), /positive integer/);
  } finally {
    setNumThreads(before);
  }
});

const cliMain = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
function infoLine(env: Record<string, string>): string {
  const r = spawnSync(process.execPath, [cliMain, 'info'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return r.stdout.split('\n').find((l) => l.startsWith('backend:')) ?? r.stdout + r.stderr;
}

test('native: DEEPTS_BACKEND and DEEPTS_NUM_THREADS are honoured at load, and deepts info says so', { skip }, () => {
  assert.match(infoLine({ DEEPTS_BACKEND: '' }), /^backend: native — native \(C\+\+ addon: .* threads?(, malloc keeps freed blocks)?\) \(the default on Node/);
  assert.match(infoLine({ DEEPTS_BACKEND: 'js' }), /^backend: js .*\(DEEPTS_BACKEND=js\)/);
  assert.match(
    infoLine({ DEEPTS_BACKEND: 'native', DEEPTS_NUM_THREADS: '1' }),
    /1 thread(, malloc keeps freed blocks)?, DEEPTS_NUM_THREADS\) \(DEEPTS_BACKEND=native\)/,
  );
  assert.match(infoLine({ DEEPTS_NUM_THREADS: 'lots' }), /DEEPTS_NUM_THREADS=lots is not a thread count/);
});

test('native: a missing addon falls back to js and says why', () => {
  const line = infoLine({ DEEPTS_NATIVE_ADDON: '/nonexistent/deepts_native.node', DEEPTS_BACKEND: 'native' });
  assert.match(line, /^backend: js .*DEEPTS_BACKEND=native, but the native addon/);
});
