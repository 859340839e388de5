// Elementwise kernels of the js backend: unary, binary (broadcast by stride 0) and where.
import type { BinaryOp, UnaryOp, View } from '../kernels.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { forEachRow } from './strided.js';

/** erf by Abramowitz–Stegun 7.1.26 is too coarse for gradchecks; this is W. J. Cody's rational form via erfc series. */
export function erf(x: number): number {
  // High-accuracy erf (max rel. error ~1e-15) from the complementary error function's continued fraction / Taylor series.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Taylor series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let sum = ax,
      term = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // Continued fraction for erfc (Lentz), accurate for x >= 2.5
  let f = ax,
    c = ax,
    d = 0;
  const tiny = 1e-300;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = d === 0 ? tiny : d;
    d = 1 / d;
    c = ax + an / c;
    c = c === 0 ? tiny : c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  const r = 1 - erfc;
  return x < 0 ? -r : r;
}

const SQRT1_2 = Math.SQRT1_2;
const GELU_TANH_C = Math.sqrt(2 / Math.PI);

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

type UnaryFn = (x: number, p0: number, p1: number) => number;

export const unaryFns: Record<UnaryOp, UnaryFn> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tanh: (x) => Math.tanh(x),
  sigmoid,
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  round: (x) => {
    // round half to even, as PyTorch and numpy do
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  erf,
  softplus: (x, beta, threshold) => (x * beta > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta),
  silu: (x) => x * sigmoid(x),
  gelu: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(GELU_TANH_C * (x + 0.044715 * x * x * x))),
  leakyRelu: (x, slope) => (x >= 0 ? x : slope * x),
  elu: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)),
  powScalar: (x, p) => Math.pow(x, p),
  clamp: (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x),
  logicalNot: (x) => (x === 0 ? 1 : 0),
};

export function unary(op: UnaryOp, x: View, out: TypedArray, params: readonly number[] = []): void {
  const f = unaryFns[op];
  let p0 = params[0] ?? 0,
    p1 = params[1] ?? 0;
  if (op === 'softplus') {
    p0 = params[0] ?? 1;
    p1 = params[1] ?? 20;
  }
  if (op === 'clamp') {
    p0 = Number.isNaN(p0) ? -Infinity : p0;
    p1 = Number.isNaN(p1) ? Infinity : p1;
  }
  const src = x.data;
  let i = 0;
  forEachRow(x.shape, [x], (offs, n) => {
    const s = x.strides.length ? x.strides[x.strides.length - 1]! : 0;
    let o = offs[0]!;
    for (let j = 0; j < n; j++, o += s) out[i++] = f(src[o]!, p0, p1);
  });
}

type BinaryLoop = (a: TypedArray, ia: number, sa: number, b: TypedArray, ib: number, sb: number, o: TypedArray, io: number, n: number) => void;

// One loop per op so that each stays monomorphic in its arithmetic.
const binaryLoops: Record<BinaryOp, BinaryLoop> = {
  add: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! + b[ib]!;
  },
  sub: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! - b[ib]!;
  },
  mul: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! * b[ib]!;
  },
  div: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! / b[ib]!;
  },
  pow: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = Math.pow(a[ia]!, b[ib]!);
  },
  maximum: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) {
      const x = a[ia]!,
        y = b[ib]!;
      o[io + j] = x !== x || y !== y ? NaN : x > y ? x : y;
    }
  },
  minimum: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) {
      const x = a[ia]!,
        y = b[ib]!;
      o[io + j] = x !== x || y !== y ? NaN : x < y ? x : y;
    }
  },
  eq: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] === b[ib] ? 1 : 0;
  },
  ne: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] !== b[ib] ? 1 : 0;
  },
  lt: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! < b[ib]! ? 1 : 0;
  },
  le: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! <= b[ib]! ? 1 : 0;
  },
  gt: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! > b[ib]! ? 1 : 0;
  },
  ge: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia]! >= b[ib]! ? 1 : 0;
  },
  logicalAnd: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] !== 0 && b[ib] !== 0 ? 1 : 0;
  },
  logicalOr: (a, ia, sa, b, ib, sb, o, io, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) o[io + j] = a[ia] !== 0 || b[ib] !== 0 ? 1 : 0;
  },
};

function lastStride(v: View): number {
  return v.strides.length ? v.strides[v.strides.length - 1]! : 0;
}

export function binary(op: BinaryOp, a: View, b: View, out: TypedArray): void {
  const loop = binaryLoops[op];
  const sa = lastStride(a),
    sb = lastStride(b);
  let io = 0;
  forEachRow(a.shape, [a, b], (offs, n) => {
    loop(a.data, offs[0]!, sa, b.data, offs[1]!, sb, out, io, n);
    io += n;
  });
}

export function where(cond: View, a: View, b: View, out: TypedArray): void {
  const sc = lastStride(cond),
    sa = lastStride(a),
    sb = lastStride(b);
  const c = cond.data,
    x = a.data,
    y = b.data;
  let io = 0;
  forEachRow(cond.shape, [cond, a, b], (offs, n) => {
    let ic = offs[0]!,
      ia = offs[1]!,
      ib = offs[2]!;
    for (let j = 0; j < n; j++, ic += sc, ia += sa, ib += sb) out[io++] = c[ic] !== 0 ? x[ia]! : y[ib]!;
  });
}
