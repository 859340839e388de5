// Backend conformance for the transformer kernels (layer/RMS norm, embedding, GELU backward,
// attention): every registered backend against plain reference loops written here, on odd sizes,
// strided head-split views, masks, causal rows and a KV-cache shape (Tq < Tk); and every backend
// against js at GPT-sized inputs (the threaded native paths), float32 and float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listBackends, setBackend, getBackend } from '../../src/index.js';
import type { Kernels, View } from '../../src/backend/kernels.js';
import { jsKernels } from '../../src/backend/js/index.js';
import type { TypedArray } from '../../src/tensor/dtype.js';
import { Generator } from '../../src/tensor/generator.js';
import { NATIVE_THRESHOLDS, setNativeThresholds } from '../../src/backend/native/index.js';

// Every size goes to the native addon here (tiny tensors normally stay on js): the odd sizes below are the point.
setNativeThresholds(Object.fromEntries(Object.keys(NATIVE_THRESHOLDS).map((key) => [key, 0])));

const gen = new Generator(11);
const rnd = () => gen.nextUint32() / 4294967296;
const randArray = (n: number, scale = 2) => Float64Array.from({ length: n }, () => (rnd() * 2 - 1) * scale);

function assertArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
  }
}
const contiguous = (data: TypedArray, shape: number[]): View => {
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return { data, dtype: data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : 'float64', offset: 0, shape, strides };
};

/** q, k, v as the heads of one (B, T, 3·H·D) projection buffer: strided views, as GPT makes them. */
function headSplit(B: number, T: number, H: number, D: number): { q: View; k: View; v: View } {
  const C = H * D;
  const data = randArray(B * T * 3 * C);
  const view = (part: number): View => ({ data, dtype: 'float64', offset: part * C, shape: [B, H, T, D], strides: [T * 3 * C, D, 3 * C, 1] });
  return { q: view(0), k: view(1), v: view(2) };
}
function at(v: View, ...c: number[]): number {
  let o = v.offset;
  c.forEach((x, d) => {
    o += x * v.strides[d]!;
  });
  return v.data[o]!;
}

/** Reference attention with full matrices: returns out, probs and (given dOut) dq, dk, dv. */
function attentionRef(q: View, k: View, v: View, mask: View | null, causal: boolean, scale: number, dOut?: View) {
  const [B, H, Tq, D] = q.shape as number[] as [number, number, number, number];
  const Tk = k.shape[2]!,
    Dv = v.shape[3]!;
  const out = new Float64Array(B * H * Tq * Dv),
    probs = new Float64Array(B * H * Tq * Tk);
  const dq = new Float64Array(B * H * Tq * D),
    dk = new Float64Array(B * H * Tk * D),
    dv = new Float64Array(B * H * Tk * Dv);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const P: number[][] = [];
      for (let i = 0; i < Tq; i++) {
        const s: number[] = [];
        for (let j = 0; j < Tk; j++) {
          let x = 0;
          for (let d = 0; d < D; d++) x += at(q, b, h, i, d) * at(k, b, h, j, d);
          x *= scale;
          if (mask) x += at(mask, b, h, i, j);
          if (causal && j > i + Tk - Tq) x = -Infinity;
          s.push(x);
        }
        const m = Math.max(...s);
        const e = s.map((x) => (m === -Infinity ? 0 : Math.exp(x - m)));
        const z = e.reduce((a, c) => a + c, 0);
        P.push(e.map((x) => (z === 0 ? 0 : x / z)));
        for (let j = 0; j < Tk; j++) probs[((b * H + h) * Tq + i) * Tk + j] = P[i]![j]!;
        for (let e2 = 0; e2 < Dv; e2++) {
          let acc = 0;
          for (let j = 0; j < Tk; j++) acc += P[i]![j]! * at(v, b, h, j, e2);
          out[((b * H + h) * Tq + i) * Dv + e2] = acc;
        }
      }
      if (!dOut) continue;
      for (let i = 0; i < Tq; i++) {
        const dP: number[] = [];
        for (let j = 0; j < Tk; j++) {
          let x = 0;
          for (let e2 = 0; e2 < Dv; e2++) x += at(dOut, b, h, i, e2) * at(v, b, h, j, e2);
          dP.push(x);
        }
        // softmax Jacobian row by row: dS_j = P_j (dP_j − Σ_l P_l dP_l)
        const dot = P[i]!.reduce((a, p, j) => a + p * dP[j]!, 0);
        for (let j = 0; j < Tk; j++) {
          const ds = P[i]![j]! * (dP[j]! - dot) * scale;
          for (let d = 0; d < D; d++) {
            dq[((b * H + h) * Tq + i) * D + d] += ds * at(k, b, h, j, d);
            dk[((b * H + h) * Tk + j) * D + d] += ds * at(q, b, h, i, d);
          }
          for (let e2 = 0; e2 < Dv; e2++) dv[((b * H + h) * Tk + j) * Dv + e2] += P[i]![j]! * at(dOut, b, h, i, e2);
        }
      }
    }
  return { out, probs, dq, dk, dv };
}

for (const name of listBackends()) {
  const k = (): Kernels => getBackend().kernels;
  const withBackend = (fn: () => void) => () => {
    const prev = getBackend().name;
    setBackend(name);
    try {
      fn();
    } finally {
      setBackend(prev);
    }
  };

  test(
    `[${name}] layerNorm forward and backward against reference loops`,
    withBackend(() => {
      for (const [rows, cols] of [
        [1, 1],
        [3, 7],
        [5, 32],
        [2, 129],
      ] as const) {
        for (const affine of [true, false]) {
          const x = randArray(rows * cols, 3).map((v, i) => v + (i % cols) * 0.1);
          const w = affine ? randArray(cols) : null,
            b = affine ? randArray(cols) : null;
          const out = new Float64Array(rows * cols),
            mean = new Float64Array(rows),
            rstd = new Float64Array(rows);
          k().layerNorm(x, rows, cols, w, b, 1e-5, out, mean, rstd);
          const dy = randArray(rows * cols);
          const dx = new Float64Array(rows * cols),
            dw = new Float64Array(cols),
            db = new Float64Array(cols);
          k().layerNormBackward(dy, x, rows, cols, w, mean, rstd, dx, affine ? dw : null, affine ? db : null);
          const eOut: number[] = [],
            eDx: number[] = [],
            eDw = new Array(cols).fill(0),
            eDb = new Array(cols).fill(0);
          for (let r = 0; r < rows; r++) {
            const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
            const mu = row.reduce((a, c) => a + c, 0) / cols;
            const rs = 1 / Math.sqrt(row.reduce((a, c) => a + (c - mu) ** 2, 0) / cols + 1e-5);
            const xh = row.map((c) => (c - mu) * rs);
            xh.forEach((v, c) => eOut.push(v * (w ? w[c]! : 1) + (b ? b[c]! : 0)));
            // dx by the full Jacobian: dxhat_c/dx_j = rs (δcj − 1/n − xh_c xh_j / n)
            const g = xh.map((_, c) => dy[r * cols + c]! * (w ? w[c]! : 1));
            for (let j = 0; j < cols; j++) {
              let s = 0;
              for (let c = 0; c < cols; c++) s += g[c]! * rs * ((c === j ? 1 : 0) - 1 / cols - (xh[c]! * xh[j]!) / cols);
              eDx.push(s);
            }
            for (let c = 0; c < cols; c++) {
              eDw[c] += dy[r * cols + c]! * xh[c]!;
              eDb[c] += dy[r * cols + c]!;
            }
          }
          assertArrays(out, eOut, 1e-12, `layerNorm ${rows}x${cols}`);
          assertArrays(dx, eDx, 1e-10, `layerNormBackward dx ${rows}x${cols}`);
          if (affine) {
            assertArrays(dw, eDw, 1e-12, 'dweight');
            assertArrays(db, eDb, 1e-12, 'dbias');
          }
        }
      }
    }),
  );

  test(
    `[${name}] rmsNorm forward and backward against reference loops`,
    withBackend(() => {
      for (const [rows, cols] of [
        [1, 1],
        [4, 9],
        [3, 64],
      ] as const) {
        const x = randArray(rows * cols, 2),
          w = randArray(cols);
        const out = new Float64Array(rows * cols),
          rstd = new Float64Array(rows);
        k().rmsNorm(x, rows, cols, w, 1e-6, out, rstd);
        const dy = randArray(rows * cols);
        const dx = new Float64Array(rows * cols),
          dw = new Float64Array(cols);
        k().rmsNormBackward(dy, x, rows, cols, w, rstd, dx, dw);
        const eOut: number[] = [],
          eDx: number[] = [],
          eDw = new Array(cols).fill(0);
        for (let r = 0; r < rows; r++) {
          const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
          const rs = 1 / Math.sqrt(row.reduce((a, c) => a + c * c, 0) / cols + 1e-6);
          row.forEach((v, c) => eOut.push(v * rs * w[c]!));
          // d(x_c rs)/dx_j = rs δcj − x_c x_j rs³ / n
          for (let j = 0; j < cols; j++) {
            let s = 0;
            for (let c = 0; c < cols; c++) s += dy[r * cols + c]! * w[c]! * (rs * (c === j ? 1 : 0) - (row[c]! * row[j]! * rs ** 3) / cols);
            eDx.push(s);
          }
          for (let c = 0; c < cols; c++) eDw[c] += dy[r * cols + c]! * row[c]! * rs;
        }
        assertArrays(out, eOut, 1e-12, 'rmsNorm');
        assertArrays(dx, eDx, 1e-10, 'rmsNormBackward dx');
        assertArrays(dw, eDw, 1e-12, 'rmsNormBackward dweight');
      }
    }),
  );

  test(
    `[${name}] embedding gathers rows and scatter-adds repeated ids, skipping paddingIdx, with bounds errors`,
    withBackend(() => {
      const rows = 6,
        cols = 5;
      const w = randArray(rows * cols);
      // ids as a transposed (2, 3) view of a (3, 2) buffer
      const ids: View = { data: new Int32Array([1, 4, 1, 0, 5, 1]), dtype: 'int32', offset: 0, shape: [2, 3], strides: [1, 2] };
      const order = [1, 1, 5, 4, 0, 1];
      const out = new Float64Array(6 * cols);
      k().embedding(w, rows, cols, ids, out);
      assertArrays(
        out,
        order.flatMap((id) => Array.from(w.subarray(id * cols, (id + 1) * cols))),
        0,
        'embedding',
      );
      const dy = randArray(6 * cols);
      const dw = new Float64Array(rows * cols).fill(0.5);
      k().embeddingBackward(dy, ids, rows, cols, 0, dw);
      const e = new Array(rows * cols).fill(0.5);
      order.forEach((id, i) => {
        if (id !== 0) for (let c = 0; c < cols; c++) e[id * cols + c] += dy[i * cols + c]!;
      });
      assertArrays(dw, e, 1e-15, 'embeddingBackward');
      const bad = contiguous(new Int32Array([2, 6]), [2]);
      assert.throws(
        () => k().embedding(w, rows, cols, bad, new Float64Array(2 * cols)),
        /embedding: index 6 at position 1 is out of range for an embedding of 6 rows/,
      );
      assert.throws(() => k().embeddingBackward(dy, contiguous(new Int32Array([-1]), [1]), rows, cols, -1, dw), /embeddingBackward: index -1/);
    }),
  );

  test(
    `[${name}] geluBackward matches central differences of GELU (exact and tanh), strided input`,
    withBackend(() => {
      const n = 40;
      const parent = randArray(2 * n, 4);
      const x: View = { data: parent, dtype: 'float64', offset: 1, shape: [n], strides: [2] };
      const dy = contiguous(randArray(n), [n]);
      for (const approximate of ['none', 'tanh'] as const) {
        const out = new Float64Array(n);
        k().geluBackward(x, dy, { approximate }, out);
        const f = (v: number): number => {
          const o = new Float64Array(1);
          jsKernels.unary(approximate === 'tanh' ? 'geluTanh' : 'gelu', contiguous(new Float64Array([v]), [1]), o);
          return o[0]!;
        };
        const e = Array.from({ length: n }, (_, i) => {
          const v = parent[1 + 2 * i]!;
          return (dy.data[i]! * (f(v + 1e-6) - f(v - 1e-6))) / 2e-6;
        });
        assertArrays(out, e, 1e-7, `geluBackward ${approximate}`);
      }
    }),
  );

  test(
    `[${name}] attention forward and backward: head-split views, causal, masks, KV-cache shapes`,
    withBackend(() => {
      const cases: { B: number; H: number; Tq: number; Tk: number; D: number; causal: boolean; mask: boolean }[] = [
        { B: 2, H: 3, Tq: 5, Tk: 5, D: 4, causal: true, mask: false },
        { B: 1, H: 2, Tq: 7, Tk: 7, D: 3, causal: false, mask: false },
        { B: 2, H: 2, Tq: 4, Tk: 4, D: 5, causal: false, mask: true },
        { B: 1, H: 2, Tq: 2, Tk: 6, D: 4, causal: true, mask: false }, // new queries against a cache
        { B: 2, H: 1, Tq: 1, Tk: 9, D: 8, causal: true, mask: true },
      ];
      for (const c of cases) {
        const label = JSON.stringify(c);
        let q: View, kk: View, v: View;
        if (c.Tq === c.Tk) ({ q, k: kk, v } = headSplit(c.B, c.Tq, c.H, c.D));
        else {
          q = contiguous(randArray(c.B * c.H * c.Tq * c.D), [c.B, c.H, c.Tq, c.D]);
          kk = contiguous(randArray(c.B * c.H * c.Tk * c.D), [c.B, c.H, c.Tk, c.D]);
          v = contiguous(randArray(c.B * c.H * c.Tk * c.D), [c.B, c.H, c.Tk, c.D]);
        }
        // a key-padding mask (B, 1, 1, Tk) broadcast by stride 0, −∞ on the last key of batch 0
        let mask: View | null = null;
        if (c.mask) {
          const m = new Float64Array(c.B * c.Tk);
          m[c.Tk - 1] = -Infinity;
          m[c.Tk + 1] = 0.7;
          mask = { data: m, dtype: 'float64', offset: 0, shape: [c.B, c.H, c.Tq, c.Tk], strides: [c.Tk, 0, 0, 1] };
        }
        const scale = 1 / Math.sqrt(c.D);
        const out = new Float64Array(c.B * c.H * c.Tq * c.D),
          probs = new Float64Array(c.B * c.H * c.Tq * c.Tk);
        k().attention(q, kk, v, mask, c.causal, scale, out, probs);
        const dOut = contiguous(randArray(c.B * c.H * c.Tq * c.D), [c.B, c.H, c.Tq, c.D]);
        const ref = attentionRef(q, kk, v, mask, c.causal, scale, dOut);
        assertArrays(out, ref.out, 1e-12, `attention out ${label}`);
        assertArrays(probs, ref.probs, 1e-12, `attention probs ${label}`);
        const dq = new Float64Array(ref.dq.length),
          dk = new Float64Array(ref.dk.length),
          dv = new Float64Array(ref.dv.length);
        k().attentionBackward(q, kk, v, probs, dOut, scale, dq, dk, dv);
        assertArrays(dq, ref.dq, 1e-11, `attention dq ${label}`);
        assertArrays(dk, ref.dk, 1e-11, `attention dk ${label}`);
        assertArrays(dv, ref.dv, 1e-11, `attention dv ${label}`);
      }
    }),
  );

  test(
    `[${name}] attention: a row with every key masked gives zeros, not NaN; float32 outputs`,
    withBackend(() => {
      const q = contiguous(new Float32Array([1, 2, 3, 4]), [1, 1, 2, 2]);
      const kk = contiguous(new Float32Array([1, 0, 0, 1]), [1, 1, 2, 2]);
      const v = contiguous(new Float32Array([5, 6, 7, 8]), [1, 1, 2, 2]);
      const mask = contiguous(new Float32Array([-Infinity, -Infinity, 0, 0]), [1, 1, 2, 2]);
      const out = new Float32Array(4),
        probs = new Float32Array(4);
      k().attention(q, kk, v, mask, false, 1, out, probs);
      assert.deepEqual(Array.from(out.subarray(0, 2)), [0, 0]);
      assert.deepEqual(Array.from(probs.subarray(0, 2)), [0, 0]);
      const p0 = 1 / (1 + Math.exp(1)); // scores 3, 4
      assertArrays(probs.subarray(2), [p0, 1 - p0], 1e-6, 'probs');
      assertArrays(out.subarray(2), [5 * p0 + 7 * (1 - p0), 6 * p0 + 8 * (1 - p0)], 1e-6, 'out');
    }),
  );

  test(
    `[${name}] transformer kernels at GPT sizes match js (float32 and float64; norms, GELU, embedding, attention)`,
    withBackend(() => {
      for (const dtype of ['float32', 'float64'] as const) {
        const Arr = dtype === 'float32' ? Float32Array : Float64Array;
        const typed = (a: ArrayLike<number>): TypedArray => Arr.from(a);
        const tol = dtype === 'float32' ? 2e-6 : 1e-12;
        const close = (a: ArrayLike<number>, e: ArrayLike<number>, what: string) => assertArrays(a, e, tol, `${what} ${dtype}`);
        // layer norm and RMS norm over 768 rows of 128 (GPT's (B·T, C)), every affine combination
        const rows = 768,
          cols = 128;
        const x = typed(randArray(rows * cols, 3)),
          dy = typed(randArray(rows * cols)),
          w = typed(randArray(cols)),
          b = typed(randArray(cols));
        for (const [wt, bs] of [
          [w, b],
          [w, null],
          [null, b],
          [null, null],
        ] as const) {
          const run = (kk: Kernels) => {
            const out = new Arr(rows * cols),
              mean = new Float64Array(rows),
              rstd = new Float64Array(rows);
            kk.layerNorm(x, rows, cols, wt, bs, 1e-5, out, mean, rstd);
            const dx = new Arr(rows * cols),
              dw = wt ? new Arr(cols) : null,
              db = bs ? new Arr(cols) : null;
            kk.layerNormBackward(dy, x, rows, cols, wt, mean, rstd, dx, dw, db);
            return { out, mean, rstd, dx, dw, db };
          };
          const got = run(k()),
            want = run(jsKernels);
          const tag = `layerNorm w=${!!wt} b=${!!bs}`;
          close(got.out, want.out, tag);
          close(got.mean, want.mean, `${tag} mean`);
          close(got.rstd, want.rstd, `${tag} rstd`);
          close(got.dx, want.dx, `${tag} dx`);
          if (got.dw) close(got.dw, want.dw!, `${tag} dweight`);
          if (got.db) close(got.db, want.db!, `${tag} dbias`);
        }
        for (const wt of [w, null]) {
          const run = (kk: Kernels) => {
            const out = new Arr(rows * cols),
              rstd = new Float64Array(rows);
            kk.rmsNorm(x, rows, cols, wt, 1e-6, out, rstd);
            const dx = new Arr(rows * cols),
              dw = wt ? new Arr(cols) : null;
            kk.rmsNormBackward(dy, x, rows, cols, wt, rstd, dx, dw);
            return { out, rstd, dx, dw };
          };
          const got = run(k()),
            want = run(jsKernels);
          close(got.out, want.out, 'rmsNorm');
          close(got.rstd, want.rstd, 'rmsNorm rstd');
          close(got.dx, want.dx, 'rmsNorm dx');
          if (got.dw) close(got.dw, want.dw!, 'rmsNorm dweight');
        }
        // GELU backward over (768, 512), contiguous and as a transposed view
        const gx = typed(randArray(768 * 512, 5)),
          gd = typed(randArray(768 * 512));
        for (const transposed of [false, true]) {
          const view = (data: TypedArray): View =>
            transposed ? { data, dtype, offset: 0, shape: [512, 768], strides: [1, 512] } : contiguous(data, [768, 512]);
          for (const approximate of ['none', 'tanh'] as const) {
            const got = new Arr(768 * 512),
              want = new Arr(768 * 512);
            k().geluBackward(view(gx), view(gd), { approximate }, got);
            jsKernels.geluBackward(view(gx), view(gd), { approximate }, want);
            close(got, want, `geluBackward ${approximate} transposed=${transposed}`);
          }
        }
        // embedding (12, 64) ids of a 65-row table, repeated ids, a padding row
        const V = 65,
          ids = contiguous(
            Int32Array.from({ length: 768 }, () => Math.floor(rnd() * V)),
            [12, 64],
          );
        const table = typed(randArray(V * cols));
        const eGot = new Arr(768 * cols),
          eWant = new Arr(768 * cols);
        k().embedding(table, V, cols, ids, eGot);
        jsKernels.embedding(table, V, cols, ids, eWant);
        assertArrays(eGot, eWant, 0, `embedding ${dtype}`);
        const gGot = new Arr(V * cols).fill(0.25),
          gWant = new Arr(V * cols).fill(0.25);
        k().embeddingBackward(dy, ids, V, cols, 3, gGot);
        jsKernels.embeddingBackward(dy, ids, V, cols, 3, gWant);
        close(gGot, gWant, 'embeddingBackward');
        const badIds = contiguous(
          Int32Array.from({ length: 768 }, (_, i) => (i === 700 ? V : i % V)),
          [768],
        );
        assert.throws(
          () => k().embedding(table, V, cols, badIds, eGot),
          (e: unknown) => e instanceof RangeError && /embedding: index 65 at position 700 is out of range for an embedding of 65 rows/.test(e.message),
        );
        assert.throws(
          () => k().embeddingBackward(dy, badIds, V, cols, -1, gGot),
          (e: unknown) => e instanceof RangeError && /embeddingBackward: index 65 at position 700/.test(e.message),
        );
        // attention B=2, H=4, D=32: causal head-split T=64, a padding mask, and a KV cache (Tq=16 < Tk=64), causal and masked
        const B = 2,
          H = 4,
          D = 32,
          Tk = 64;
        for (const c of [
          { Tq: 64, causal: true, mask: false },
          { Tq: 64, causal: false, mask: true },
          { Tq: 16, causal: true, mask: false },
          { Tq: 16, causal: true, mask: true },
        ]) {
          const C = H * D;
          const buf = typed(randArray(B * Tk * 3 * C));
          const headView = (part: number, T: number): View => ({ data: buf, dtype, offset: part * C, shape: [B, H, T, D], strides: [Tk * 3 * C, D, 3 * C, 1] });
          const q = headView(0, c.Tq),
            kk = headView(1, Tk),
            v = headView(2, Tk);
          let mask: View | null = null;
          if (c.mask) {
            // (B, 1, 1, Tk) key padding: −∞ on every 7th key and on batch 1's first 20 keys
            const m = typed(Array.from({ length: B * Tk }, (_, i) => (i % 7 === 3 || (i >= Tk && i < Tk + 20) ? -Infinity : (i % 5) * 0.1)));
            mask = { data: m, dtype, offset: 0, shape: [B, H, c.Tq, Tk], strides: [Tk, 0, 0, 1] };
          }
          const scale = 1 / Math.sqrt(D);
          const run = (kern: Kernels) => {
            const out = new Arr(B * H * c.Tq * D),
              probs = new Arr(B * H * c.Tq * Tk);
            kern.attention(q, kk, v, mask, c.causal, scale, out, probs);
            const dOut = contiguous(typed(Array.from({ length: B * H * c.Tq * D }, (_, i) => Math.sin(i))), [B, H, c.Tq, D]);
            const dq = new Arr(B * H * c.Tq * D),
              dk = new Arr(B * H * Tk * D),
              dv = new Arr(B * H * Tk * D);
            kern.attentionBackward(q, kk, v, probs, dOut, scale, dq, dk, dv);
            return { out, probs, dq, dk, dv };
          };
          const got = run(k()),
            want = run(jsKernels);
          const tag = `attention Tq=${c.Tq} causal=${c.causal} mask=${c.mask}`;
          // a backend may accumulate float32 products in float (native's sgemm, as PyTorch's bmm)
          const attTol = dtype === 'float32' ? 1e-5 : tol;
          for (const key of ['out', 'probs', 'dq', 'dk', 'dv'] as const) assertArrays(got[key], want[key], attTol, `${tag} ${key} ${dtype}`);
          assert.ok(got.out.every(Number.isFinite), `${tag}: finite`);
        }
      }
    }),
  );
}
