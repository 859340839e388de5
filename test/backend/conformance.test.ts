// Backend conformance: every kernel of the kernel list (src/backend/kernels.ts), on every
// registered backend, against plain reference loops written here — odd sizes, strided and
// broadcast views, empty tensors. A backend other than js is also compared with js directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listBackends, setBackend, getBackend } from '../../src/index.js';
import { UNARY_OPS, BINARY_OPS, REDUCE_OPS, ACTIVATIONS, type Kernels, type View, type UnaryOp } from '../../src/backend/kernels.js';
import { jsKernels } from '../../src/backend/js/index.js';
import { allocate, type DType, type TypedArray } from '../../src/tensor/dtype.js';
import { Generator } from '../../src/tensor/generator.js';
import { randomView as stridedView, type Layout } from './views.js';
import { numel } from '../../src/tensor/shape.js';
import { NATIVE_THRESHOLDS, setNativeThresholds } from '../../src/backend/native/index.js';

// Every size goes to the native addon here (tiny tensors normally stay on js): the odd sizes below are the point.
setNativeThresholds(Object.fromEntries(Object.keys(NATIVE_THRESHOLDS).map((k) => [k, 0])));

const gen = new Generator(7);
const rnd = () => gen.nextUint32() / 4294967296;

function* coordsOf(shape: readonly number[]): IterableIterator<number[]> {
  const n = numel(shape);
  const c = new Array(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield [...c];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++c[d] < shape[d]!) break;
      c[d] = 0;
    }
  }
}
function at(v: View, c: number[]): number {
  let o = v.offset;
  c.forEach((x, d) => {
    o += x * v.strides[d]!;
  });
  return v.data[o]!;
}

/** A random view of `shape` (test/backend/views.ts): contiguous, a reversed-axes parent, or an offset slice of a larger buffer. */
function randomView(shape: number[], dtype: DType, layout: Layout, fill: () => number = () => rnd() * 4 - 2): View {
  return stridedView(shape, dtype, layout, fill, 'reverse');
}

function close(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
function assertArrays(actual: TypedArray, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i]!, expected[i]!, tol)) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}
const tolFor = (dtype: DType) => (dtype === 'float32' ? 2e-6 : dtype === 'float64' ? 1e-12 : 0);
const round32 = (x: number) => Math.fround(x);

const SHAPES: number[][] = [[0], [1], [7], [3, 5], [2, 3, 4], [1, 17]];
const LAYOUTS = ['contiguous', 'permuted', 'sliced'] as const;

// Reference unary math, written independently of the js backend (erf-based ops use known values below).
const erfRef = (x: number) => jsKernelsErf(x);
function jsKernelsErf(x: number): number {
  const out = new Float64Array(1);
  jsKernels.unary('erf', { data: new Float64Array([x]), dtype: 'float64', offset: 0, shape: [1], strides: [1] }, out);
  return out[0]!;
}
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const unaryRef: Record<UnaryOp, (x: number, p: number[]) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: sig,
  relu: (x) => Math.max(0, x),
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  erf: erfRef,
  softplus: (x, [b = 1, t = 20]) => (b * x > t ? x : Math.log(1 + Math.exp(b * x)) / b),
  silu: (x) => x * sig(x),
  gelu: (x) => 0.5 * x * (1 + erfRef(x / Math.SQRT2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  leakyRelu: (x, [s = 0]) => (x >= 0 ? x : s * x),
  elu: (x, [a = 0]) => (x > 0 ? x : a * (Math.exp(x) - 1)),
  powScalar: (x, [p = 0]) => x ** p,
  clamp: (x, [lo = 0, hi = 0]) => Math.min(Math.max(x, lo), hi),
  logicalNot: (x) => (x === 0 ? 1 : 0),
};
const unaryParams: Partial<Record<UnaryOp, number[]>> = { softplus: [1.5, 3], leakyRelu: [0.1], elu: [0.7], powScalar: [3], clamp: [-0.5, 0.8] };
const positiveOnly: UnaryOp[] = ['log', 'sqrt', 'rsqrt'];

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
    `[${name}] erf matches known values`,
    withBackend(() => {
      const xs = [0, 0.1, 0.5, 1, 2, 3, -1.5, 4.5];
      const known = [
        0, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014, -0.9661051464753108, 0.9999999998033839,
      ];
      const out = new Float64Array(xs.length);
      k().unary('erf', { data: new Float64Array(xs), dtype: 'float64', offset: 0, shape: [xs.length], strides: [1] }, out);
      assertArrays(out, known, 1e-14, 'erf');
    }),
  );

  test(
    `[${name}] unary: every op, dtype, layout and odd size`,
    withBackend(() => {
      for (const op of UNARY_OPS) {
        for (const dtype of ['float32', 'float64'] as const) {
          for (const shape of SHAPES)
            for (const layout of LAYOUTS) {
              const fill = positiveOnly.includes(op) ? () => rnd() * 3 + 0.05 : op === 'round' ? () => Math.round(rnd() * 8 - 4) / 2 : undefined;
              const x = randomView(shape, dtype, layout, fill);
              const out = allocate(dtype, numel(shape));
              const params = unaryParams[op] ?? [];
              k().unary(op, x, out, params);
              const expected = [...coordsOf(shape)].map((c) => {
                const v = unaryRef[op](at(x, c), params);
                return dtype === 'float32' ? round32(v) : v;
              });
              assertArrays(out, expected, tolFor(dtype) * 4, `unary ${op} ${dtype} ${shape} ${layout}`);
            }
        }
      }
      for (const op of ['neg', 'abs', 'sign', 'relu', 'square'] as const) {
        const x = randomView([4, 3], 'int32', 'permuted', () => Math.floor(rnd() * 20 - 10));
        const out = allocate('int32', 12);
        k().unary(op, x, out);
        assertArrays(
          out,
          [...coordsOf([4, 3])].map((c) => unaryRef[op](at(x, c), [])),
          0,
          `unary ${op} int32`,
        );
      }
    }),
  );

  test(
    `[${name}] binary: every op with broadcasting by stride 0`,
    withBackend(() => {
      const ref: Record<string, (a: number, b: number) => number> = {
        add: (a, b) => a + b,
        sub: (a, b) => a - b,
        mul: (a, b) => a * b,
        div: (a, b) => a / b,
        pow: (a, b) => a ** b,
        maximum: Math.max,
        minimum: Math.min,
        eq: (a, b) => +(a === b),
        ne: (a, b) => +(a !== b),
        lt: (a, b) => +(a < b),
        le: (a, b) => +(a <= b),
        gt: (a, b) => +(a > b),
        ge: (a, b) => +(a >= b),
        logicalAnd: (a, b) => +(a !== 0 && b !== 0),
        logicalOr: (a, b) => +(a !== 0 || b !== 0),
      };
      for (const op of BINARY_OPS)
        for (const dtype of ['float32', 'float64', 'int32'] as const) {
          for (const shape of [[0, 3], [5], [3, 4], [2, 3, 5]])
            for (const layout of LAYOUTS) {
              const fill =
                op === 'pow' ? () => rnd() * 2 + 0.1 : dtype === 'int32' ? () => Math.floor(rnd() * 6 - 3) : () => Math.round((rnd() * 4 - 2) * 4) / 4;
              const a = randomView(shape, dtype, layout, fill);
              // b is a row broadcast over the leading dims
              const row = randomView(
                [shape[shape.length - 1]!],
                dtype,
                'contiguous',
                op === 'div' && dtype === 'int32' ? () => 1 + Math.floor(rnd() * 3) : fill,
              );
              const b: View = { ...row, shape, strides: shape.map((_, i) => (i === shape.length - 1 ? 1 : 0)) };
              const outType = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr'].includes(op) ? 'bool' : dtype;
              const out = allocate(outType, numel(shape));
              k().binary(op, a, b, out);
              const expected = [...coordsOf(shape)].map((c) => {
                const v = ref[op]!(at(a, c), at(b, c));
                return outType === 'float32' ? round32(v) : outType === 'int32' ? v | 0 : v;
              });
              assertArrays(out, expected, tolFor(outType) * 4, `binary ${op} ${dtype} ${shape} ${layout}`);
            }
        }
    }),
  );

  test(
    `[${name}] where`,
    withBackend(() => {
      const shape = [3, 4];
      const c = randomView(shape, 'bool', 'permuted', () => (rnd() < 0.5 ? 1 : 0));
      const a = randomView(shape, 'float32', 'sliced');
      const b: View = { ...randomView([1], 'float32', 'contiguous'), shape, strides: [0, 0] };
      const out = allocate('float32', 12);
      k().where(c, a, b, out);
      assertArrays(
        out,
        [...coordsOf(shape)].map((x) => (at(c, x) ? at(a, x) : at(b, x))),
        0,
        'where',
      );
    }),
  );

  test(
    `[${name}] reduce: every op over every axis set`,
    withBackend(() => {
      const shape = [3, 4, 5];
      const axesSets = [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]];
      for (const op of REDUCE_OPS)
        for (const dtype of ['float32', 'float64'] as const)
          for (const layout of LAYOUTS) {
            const x = randomView(shape, dtype, layout);
            for (const axes of op.startsWith('arg') ? [[0], [1], [2]] : axesSets) {
              const outShape = shape.filter((_, i) => !axes.includes(i));
              const out = allocate(op.startsWith('arg') ? 'int32' : dtype, numel(outShape));
              k().reduce(op, x, axes, out);
              const expected: number[] = [];
              for (const oc of coordsOf(outShape)) {
                const vals: number[] = [];
                const redShape = axes.map((a) => shape[a]!);
                for (const rc of coordsOf(redShape)) {
                  const full: number[] = [];
                  let ko = 0,
                    kr = 0;
                  for (let d = 0; d < shape.length; d++) full.push(axes.includes(d) ? rc[kr++]! : oc[ko++]!);
                  vals.push(at(x, full));
                }
                const v =
                  op === 'sum'
                    ? vals.reduce((p, q) => p + q, 0)
                    : op === 'prod'
                      ? vals.reduce((p, q) => p * q, 1)
                      : op === 'max'
                        ? Math.max(...vals)
                        : op === 'min'
                          ? Math.min(...vals)
                          : op === 'argmax'
                            ? vals.indexOf(Math.max(...vals))
                            : vals.indexOf(Math.min(...vals));
                expected.push(dtype === 'float32' && !op.startsWith('arg') ? round32(v) : v);
              }
              assertArrays(out, expected, op.startsWith('arg') ? 0 : tolFor(dtype) * 8, `reduce ${op} ${axes} ${dtype} ${layout}`);
            }
          }
      const empty = allocate('float32', 3);
      k().reduce('sum', { data: new Float32Array(0), dtype: 'float32', offset: 0, shape: [3, 0], strides: [0, 1] }, [1], empty);
      assertArrays(empty, [0, 0, 0], 0, 'sum over an empty axis');
    }),
  );

  test(
    `[${name}] matmul: odd sizes, transposed operands, broadcast batch`,
    withBackend(() => {
      const cases: [number, number, number, number][] = [
        [1, 1, 1, 1],
        [1, 5, 7, 3],
        [2, 4, 4, 4],
        [3, 13, 9, 17],
        [1, 33, 65, 31],
        [2, 0, 3, 2],
        [1, 3, 0, 2],
      ];
      for (const [B, M, K, N] of cases)
        for (const dtype of ['float32', 'float64'] as const)
          for (const ta of [false, true])
            for (const tb of [false, true]) {
              const aBase = randomView(ta ? [B, K, M] : [B, M, K], dtype, 'contiguous');
              const a: View = ta ? { ...aBase, shape: [B, M, K], strides: [aBase.strides[0]!, aBase.strides[2]!, aBase.strides[1]!] } : aBase;
              const bRaw = randomView(tb ? [N, K] : [K, N], dtype, 'contiguous');
              // b is broadcast over the batch (stride 0)
              const b: View = tb ? { ...bRaw, shape: [B, K, N], strides: [0, 1, K] } : { ...bRaw, shape: [B, K, N], strides: [0, N, 1] };
              const out = allocate(dtype, B * M * N);
              k().matmul(a, b, out);
              const expected: number[] = [];
              for (let bb = 0; bb < B; bb++)
                for (let i = 0; i < M; i++)
                  for (let j = 0; j < N; j++) {
                    let s = 0;
                    for (let kk = 0; kk < K; kk++) s += at(a, [bb, i, kk]) * at(b, [bb, kk, j]);
                    expected.push(dtype === 'float32' ? round32(s) : s);
                  }
              assertArrays(out, expected, dtype === 'float32' ? 1e-5 : 1e-12, `matmul ${B}x${M}x${K}x${N} ${dtype} ta=${ta} tb=${tb}`);
            }
    }),
  );

  test(
    `[${name}] softmax and log-softmax rows`,
    withBackend(() => {
      for (const [rows, cols] of [
        [1, 1],
        [3, 7],
        [4, 33],
        [0, 5],
      ] as const)
        for (const log of [false, true]) {
          const x = randomView([rows, cols], 'float64', 'contiguous', () => rnd() * 40 - 20);
          const out = allocate('float64', rows * cols);
          k().softmax(x.data, { rows, cols, log }, out);
          const expected: number[] = [];
          for (let r = 0; r < rows; r++) {
            const row = Array.from(x.data.subarray(r * cols, (r + 1) * cols) as Float64Array);
            const m = Math.max(...row);
            const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
            for (const v of row) expected.push(log ? v - m - Math.log(z) : Math.exp(v - m) / z);
          }
          assertArrays(out, expected, 1e-12, `softmax ${rows}x${cols} log=${log}`);
        }
    }),
  );

  test(
    `[${name}] gather and scatterAdd along each axis, with bounds errors`,
    withBackend(() => {
      const shape = [3, 4];
      const x = randomView(shape, 'float32', 'permuted');
      for (const axis of [0, 1]) {
        const idxShape = axis === 0 ? [5, 4] : [3, 6];
        const index = randomView(idxShape, 'int32', 'contiguous', () => Math.floor(rnd() * shape[axis]!));
        const out = allocate('float32', numel(idxShape));
        k().gather(x, index, { axis }, out);
        assertArrays(
          out,
          [...coordsOf(idxShape)].map((c) => {
            const cc = [...c];
            cc[axis] = at(index, c);
            return at(x, cc);
          }),
          0,
          `gather axis ${axis}`,
        );
        const src = randomView(idxShape, 'float32', 'contiguous');
        const acc = new Float32Array(numel(shape)).fill(1);
        k().scatterAdd(index, src, { axis, outShape: shape }, acc);
        const expected = new Float64Array(numel(shape)).fill(1);
        for (const c of coordsOf(idxShape)) {
          const cc = [...c];
          cc[axis] = at(index, c);
          expected[cc[0]! * 4 + cc[1]!] += at(src, c);
        }
        assertArrays(acc, Array.from(expected, round32), 1e-6, `scatterAdd axis ${axis}`);
      }
      const bad = randomView([1, 4], 'int32', 'contiguous', () => 3);
      assert.throws(() => k().gather(x, bad, { axis: 0 }, new Float32Array(4)), /gather: index 3 is out of range for dimension 0 of size 3/);
    }),
  );

  test(
    `[${name}] copy: strided, with every cast`,
    withBackend(() => {
      for (const from of ['float32', 'float64', 'int32', 'bool'] as const)
        for (const to of ['float32', 'float64', 'int32', 'bool'] as const) {
          const src = randomView([3, 4], from, 'permuted', () => (from === 'bool' ? +(rnd() < 0.5) : Math.round((rnd() * 8 - 4) * 8) / 8));
          const dst = randomView([3, 4], to, 'sliced', () => 0);
          k().copy(src, dst);
          for (const c of coordsOf([3, 4])) {
            const v = at(src, c);
            const want = to === 'bool' ? +(v !== 0) : to === 'int32' ? Math.trunc(v) | 0 : v;
            assert.equal(at(dst, c), want, `copy ${from}->${to} at ${c}`);
          }
        }
    }),
  );

  test(
    `[${name}] random fills are deterministic in (seed, offset) and well distributed`,
    withBackend(() => {
      for (const dtype of ['float32', 'float64'] as const) {
        const u = allocate(dtype, 20000),
          u2 = allocate(dtype, 20000);
        k().randomUniform({ low: -1, high: 3, seed: 99, offset: 1000 }, u);
        k().randomUniform({ low: -1, high: 3, seed: 99, offset: 1000 }, u2);
        assert.deepEqual(u, u2);
        const ref = allocate(dtype, 20000);
        jsKernels.randomUniform({ low: -1, high: 3, seed: 99, offset: 1000 }, ref);
        assert.deepEqual(u, ref, 'same numbers as the js backend');
        let mean = 0;
        for (const v of u) {
          assert.ok(v >= -1 && v < 3);
          mean += v / u.length;
        }
        assert.ok(Math.abs(mean - 1) < 0.03, `uniform mean ${mean}`);
        // dropout's mask: scale exactly where the same stream's uniform is below keep (0.7), else 0
        const mask = allocate(dtype, 20000),
          unit = allocate(dtype, 20000),
          maskRef = allocate(dtype, 20000);
        k().dropoutMask({ keep: 0.7, scale: 1 / 0.7, seed: 99, offset: 1000 }, mask);
        jsKernels.dropoutMask({ keep: 0.7, scale: 1 / 0.7, seed: 99, offset: 1000 }, maskRef);
        assert.deepEqual(mask, maskRef, 'dropoutMask: same mask as the js backend');
        k().randomUniform({ low: 0, high: 1, seed: 99, offset: 1000 }, unit);
        const scale = dtype === 'float32' ? Math.fround(1 / 0.7) : 1 / 0.7;
        unit.forEach((v, i) => assert.equal(mask[i], v < 0.7 ? scale : 0, `dropoutMask ${dtype} at ${i}`));
        const n = allocate(dtype, 20001);
        k().randomNormal({ mean: 2, std: 0.5, seed: 5, offset: 0 }, n);
        const nref = allocate(dtype, 20001);
        jsKernels.randomNormal({ mean: 2, std: 0.5, seed: 5, offset: 0 }, nref);
        assert.deepEqual(n, nref, 'same normals as the js backend');
        let m = 0,
          s = 0;
        for (const v of n) m += v / n.length;
        for (const v of n) s += (v - m) ** 2 / n.length;
        assert.ok(Math.abs(m - 2) < 0.02 && Math.abs(Math.sqrt(s) - 0.5) < 0.02, `normal mean ${m} std ${Math.sqrt(s)}`);
      }
    }),
  );

  test(
    `[${name}] fused optimizer steps follow the PyTorch update rules`,
    withBackend(() => {
      const n = 37;
      const mk = () => Float64Array.from({ length: n }, () => rnd() * 2 - 1);
      // Adam / AdamW with and without amsgrad, two steps
      for (const decoupled of [false, true])
        for (const amsgrad of [false, true]) {
          const p = mk(),
            g1 = mk(),
            g2 = mk();
          const ref = Float64Array.from(p);
          const m = new Float64Array(n),
            v = new Float64Array(n),
            vm = new Float64Array(n);
          const rm = new Float64Array(n),
            rv = new Float64Array(n),
            rvm = new Float64Array(n);
          const hp = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, decoupled, amsgrad };
          [g1, g2].forEach((g, s) => {
            k().adamStep(p, g, m, v, amsgrad ? vm : null, { ...hp, step: s + 1 });
            for (let i = 0; i < n; i++) {
              let w = ref[i]!;
              let gi = g[i]!;
              if (decoupled) w *= 1 - hp.lr * hp.weightDecay;
              else gi += hp.weightDecay * w;
              rm[i] = 0.9 * rm[i]! + 0.1 * gi;
              rv[i] = 0.99 * rv[i]! + 0.01 * gi * gi;
              const vv = amsgrad ? (rvm[i] = Math.max(rvm[i]!, rv[i]!)) : rv[i]!;
              const bc1 = 1 - 0.9 ** (s + 1),
                bc2 = 1 - 0.99 ** (s + 1);
              ref[i] = w - ((hp.lr / bc1) * rm[i]!) / (Math.sqrt(vv) / Math.sqrt(bc2) + hp.eps);
            }
          });
          assertArrays(p, ref, 1e-12, `adam decoupled=${decoupled} amsgrad=${amsgrad}`);
        }
      // SGD with momentum / nesterov
      for (const nesterov of [false, true]) {
        const p = mk(),
          ref = Float64Array.from(p),
          buf = new Float64Array(n),
          rbuf = new Float64Array(n);
        [mk(), mk(), mk()].forEach((g, s) => {
          k().sgdStep(p, g, buf, { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov, firstStep: s === 0 });
          for (let i = 0; i < n; i++) {
            let d = g[i]! + 0.01 * ref[i]!;
            rbuf[i] = s === 0 ? d : 0.9 * rbuf[i]! + d;
            d = nesterov ? d + 0.9 * rbuf[i]! : rbuf[i]!;
            ref[i] = ref[i]! - 0.1 * d;
          }
        });
        assertArrays(p, ref, 1e-12, `sgd nesterov=${nesterov}`);
      }
      // RMSprop centered with momentum
      {
        const p = mk(),
          ref = Float64Array.from(p);
        const sq = new Float64Array(n),
          ga = new Float64Array(n),
          buf = new Float64Array(n);
        const rsq = new Float64Array(n),
          rga = new Float64Array(n),
          rbuf = new Float64Array(n);
        [mk(), mk()].forEach((g) => {
          k().rmspropStep(p, g, sq, ga, buf, { lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0, momentum: 0.5, centered: true });
          for (let i = 0; i < n; i++) {
            rsq[i] = 0.9 * rsq[i]! + 0.1 * g[i]! ** 2;
            rga[i] = 0.9 * rga[i]! + 0.1 * g[i]!;
            const avg = Math.sqrt(rsq[i]! - rga[i]! ** 2) + 1e-8;
            rbuf[i] = 0.5 * rbuf[i]! + g[i]! / avg;
            ref[i] = ref[i]! - 0.01 * rbuf[i]!;
          }
        });
        assertArrays(p, ref, 1e-12, 'rmsprop centered momentum');
      }
    }),
  );

  if (name !== 'js') {
    test(
      `[${name}] agrees with js on a random mixed workload`,
      withBackend(() => {
        const a = randomView([9, 31], 'float32', 'permuted'),
          b = randomView([31, 5], 'float32', 'sliced');
        const A = { ...a, shape: [1, 9, 31], strides: [0, ...a.strides] },
          B = { ...b, shape: [1, 31, 5], strides: [0, ...b.strides] };
        const o1 = new Float32Array(45),
          o2 = new Float32Array(45);
        k().matmul(A, B, o1);
        jsKernels.matmul(A, B, o2);
        assertArrays(o1, o2, 1e-5, 'matmul vs js');
      }),
    );
  }
}

// ---- fused training kernels: cross-entropy (log-softmax + NLL) and bias + activation ----
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
    `[${name}] crossEntropyForward/Backward: loss, lse and gradient of log-softmax + NLL, ignoreIndex, bad targets`,
    withBackend(() => {
      for (const dtype of ['float32', 'float64'] as const)
        for (const [rows, cols] of [
          [1, 1],
          [5, 3],
          [7, 33],
          [0, 4],
          [130, 10],
        ] as const) {
          const x = randomView([rows, cols], dtype, 'contiguous', () => rnd() * 20 - 10).data;
          const target = Int32Array.from({ length: rows }, (_, r) => (r % 4 === 3 ? -100 : Math.floor(rnd() * cols)));
          const losses = allocate(dtype, rows),
            lse = allocate(dtype, rows);
          k().crossEntropyForward(x, target, rows, cols, -100, losses, lse);
          const scale = allocate(dtype, rows);
          for (let r = 0; r < rows; r++) scale[r] = rnd() * 2 - 1;
          const grad = allocate(dtype, rows * cols).fill(7);
          k().crossEntropyBackward(x, target, lse, scale, rows, cols, -100, grad);
          const eLoss: number[] = [],
            eLse: number[] = [],
            eGrad: number[] = [];
          for (let r = 0; r < rows; r++) {
            const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
            const m = Math.max(...row),
              l = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
            const t = target[r]!;
            eLse.push(l);
            eLoss.push(t === -100 ? 0 : l - row[t]!);
            for (let c = 0; c < cols; c++) eGrad.push(t === -100 ? 0 : scale[r]! * (Math.exp(row[c]! - l) - (c === t ? 1 : 0)));
          }
          const tol = dtype === 'float32' ? 1e-5 : 1e-12;
          assertArrays(losses, eLoss, tol, `crossEntropy loss ${rows}x${cols} ${dtype}`);
          assertArrays(lse, eLse, tol, `crossEntropy lse ${rows}x${cols} ${dtype}`);
          assertArrays(grad, eGrad, tol, `crossEntropy grad ${rows}x${cols} ${dtype}`);
        }
      const x = new Float32Array(6);
      assert.throws(
        () => k().crossEntropyForward(x, Int32Array.from([1, 3]), 2, 3, -100, new Float32Array(2), new Float32Array(2)),
        /crossEntropy: target 3 at position 1 is out of range for 3 classes/,
      );
    }),
  );

  test(
    `[${name}] biasActivation: every activation, with and without bias, in place`,
    withBackend(() => {
      const act: Record<string, (v: number) => number> = {
        identity: (v) => v,
        relu: (v) => Math.max(0, v),
        gelu: (v) => 0.5 * v * (1 + erfRef(v / Math.SQRT2)),
        geluTanh: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
        silu: (v) => v * sig(v),
        tanh: Math.tanh,
        sigmoid: sig,
      };
      for (const activation of ACTIVATIONS)
        for (const dtype of ['float32', 'float64'] as const)
          for (const [rows, cols] of [
            [1, 1],
            [3, 17],
            [0, 5],
            [40, 33],
          ] as const) {
            const x = randomView([rows, cols], dtype, 'contiguous').data;
            const bias = randomView([cols], dtype, 'contiguous').data;
            for (const withBias of [true, false]) {
              const round = dtype === 'float32' ? round32 : (v: number) => v;
              const expected = Array.from({ length: rows * cols }, (_, i) => round(act[activation]!(withBias ? round(x[i]! + bias[i % cols]!) : x[i]!)));
              const out = allocate(dtype, rows * cols);
              k().biasActivation(x, withBias ? bias : null, { rows, cols, activation }, out);
              assertArrays(out, expected, tolFor(dtype) * 4, `biasActivation ${activation} ${dtype} ${rows}x${cols} bias=${withBias}`);
              const inPlace = x.slice();
              k().biasActivation(inPlace, withBias ? bias : null, { rows, cols, activation }, inPlace);
              assertArrays(inPlace, expected, tolFor(dtype) * 4, `biasActivation in place ${activation}`);
            }
          }
    }),
  );
}
