// Backend conformance for the recurrent-cell kernels (lstmCell, gruCell and their backwards): every
// registered backend against reference loops written here from the equations, on odd sizes (one
// row, one feature, sizes that are not multiples of a vector), inputs that are subarrays at an
// offset of a larger buffer (as a step's slice of the input projection is), float32 and float64;
// and at a size the native loops thread over (every SIMD level and thread count: native.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listBackends, setBackend, getBackend } from '../../src/index.js';
import type { Kernels } from '../../src/backend/kernels.js';
import type { TypedArray } from '../../src/tensor/dtype.js';
import { Generator } from '../../src/tensor/generator.js';
import { NATIVE_THRESHOLDS, setNativeThresholds } from '../../src/backend/native/index.js';

setNativeThresholds(Object.fromEntries(Object.keys(NATIVE_THRESHOLDS).map((key) => [key, 0])));

const gen = new Generator(23);
const rnd = () => gen.nextUint32() / 4294967296;
type Dt = 'float32' | 'float64';
/** n values in (−scale, scale), as a subarray starting `lead` elements into a larger buffer. */
function arr(dtype: Dt, n: number, scale = 3, lead = 3): TypedArray {
  const buf = dtype === 'float32' ? new Float32Array(n + lead + 2) : new Float64Array(n + lead + 2);
  for (let i = 0; i < buf.length; i++) buf[i] = (rnd() * 2 - 1) * scale;
  return buf.subarray(lead, lead + n);
}
const out = (dtype: Dt, n: number): TypedArray => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)).fill(Number.NaN);
const sig = (x: number) => 1 / (1 + Math.exp(-x));

function assertArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
  }
}

/** The LSTM step and its backward from the equations, element by element, in float64. */
function lstmRef(xg: TypedArray, hg: TypedArray, cPrev: TypedArray, dhc: TypedArray, rows: number, H: number) {
  const hc = new Float64Array(2 * rows * H),
    dGates = new Float64Array(rows * 4 * H),
    dcPrev = new Float64Array(rows * H);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const a = (k: number) => xg[r * 4 * H + k * H + j]! + hg[r * 4 * H + k * H + j]!;
      const [i, f, g, o] = [sig(a(0)), sig(a(1)), Math.tanh(a(2)), sig(a(3))];
      const cp = cPrev[r * H + j]!;
      const c = f * cp + i * g;
      hc[r * H + j] = o * Math.tanh(c);
      hc[rows * H + r * H + j] = c;
      const dh = dhc[r * H + j]!,
        dcNext = dhc[rows * H + r * H + j]!;
      const dc = dcNext + dh * o * (1 - Math.tanh(c) ** 2);
      const d = [dc * g * i * (1 - i), dc * cp * f * (1 - f), dc * i * (1 - g * g), dh * Math.tanh(c) * o * (1 - o)];
      d.forEach((v, k) => {
        dGates[r * 4 * H + k * H + j] = v;
      });
      dcPrev[r * H + j] = dc * f;
    }
  return { hc, dGates, dcPrev };
}

/** The GRU step and its backward from the equations. */
function gruRef(xg: TypedArray, hg: TypedArray, hPrev: TypedArray, dh: TypedArray, rows: number, H: number) {
  const h = new Float64Array(rows * H),
    dxg = new Float64Array(rows * 3 * H),
    dhg = new Float64Array(rows * 3 * H),
    dhPrev = new Float64Array(rows * H);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < H; j++) {
      const x = (k: number) => xg[r * 3 * H + k * H + j]!,
        hh = (k: number) => hg[r * 3 * H + k * H + j]!;
      const rg = sig(x(0) + hh(0)),
        z = sig(x(1) + hh(1)),
        n = Math.tanh(x(2) + rg * hh(2));
      const hp = hPrev[r * H + j]!;
      h[r * H + j] = (1 - z) * n + z * hp;
      const d = dh[r * H + j]!;
      const dn = d * (1 - z) * (1 - n * n),
        dr = dn * hh(2) * rg * (1 - rg),
        dz = d * (hp - n) * z * (1 - z);
      [dr, dz, dn].forEach((v, k) => {
        dxg[r * 3 * H + k * H + j] = v;
      });
      [dr, dz, dn * rg].forEach((v, k) => {
        dhg[r * 3 * H + k * H + j] = v;
      });
      dhPrev[r * H + j] = d * z;
    }
  return { h, dxg, dhg, dhPrev };
}

/** Runs both cells on `k` and checks every output against the reference. */
function checkCells(k: Kernels, dtype: Dt, rows: number, H: number, tol: number, tag: string): void {
  const p = { rows, hidden: H };
  {
    const xg = arr(dtype, rows * 4 * H),
      hg = arr(dtype, rows * 4 * H),
      cPrev = arr(dtype, rows * H),
      dhc = arr(dtype, 2 * rows * H);
    const hc = out(dtype, 2 * rows * H),
      act = out(dtype, rows * 4 * H),
      tanhC = out(dtype, rows * H);
    k.lstmCell(xg, hg, cPrev, p, hc, act, tanhC);
    const dGates = out(dtype, rows * 4 * H),
      dcPrev = out(dtype, rows * H);
    k.lstmCellBackward(act, tanhC, cPrev, dhc, p, dGates, dcPrev);
    const ref = lstmRef(xg, hg, cPrev, dhc, rows, H);
    assertArrays(hc, ref.hc, tol, `lstmCell hc ${tag}`);
    assertArrays(dGates, ref.dGates, tol, `lstmCellBackward dGates ${tag}`);
    assertArrays(dcPrev, ref.dcPrev, tol, `lstmCellBackward dcPrev ${tag}`);
  }
  {
    const xg = arr(dtype, rows * 3 * H),
      hg = arr(dtype, rows * 3 * H),
      hPrev = arr(dtype, rows * H),
      dh = arr(dtype, rows * H);
    const h = out(dtype, rows * H),
      saved = out(dtype, rows * 4 * H);
    k.gruCell(xg, hg, hPrev, p, h, saved);
    const dxg = out(dtype, rows * 3 * H),
      dhg = out(dtype, rows * 3 * H),
      dhPrev = out(dtype, rows * H);
    k.gruCellBackward(saved, hPrev, dh, p, dxg, dhg, dhPrev);
    const ref = gruRef(xg, hg, hPrev, dh, rows, H);
    assertArrays(h, ref.h, tol, `gruCell h ${tag}`);
    assertArrays(dxg, ref.dxg, tol, `gruCellBackward dxg ${tag}`);
    assertArrays(dhg, ref.dhg, tol, `gruCellBackward dhg ${tag}`);
    assertArrays(dhPrev, ref.dhPrev, tol, `gruCellBackward dhPrev ${tag}`);
  }
}

for (const name of listBackends()) {
  test(`${name}: lstmCell, gruCell and their backwards match the equations (odd sizes, offset subarrays, float32 and float64)`, () => {
    const prev = getBackend().name;
    const k = setBackend(name).kernels;
    try {
      for (const dtype of ['float32', 'float64'] as const)
        for (const [rows, H] of [
          [1, 1],
          [3, 5],
          [37, 33],
          [2, 17],
        ] as const)
          checkCells(k, dtype, rows, H, dtype === 'float32' ? 2e-5 : 1e-12, `${dtype} rows ${rows} H ${H}`);
    } finally {
      setBackend(prev);
    }
  });

  test(`${name}: the cells match the equations at a size the native loops thread over (rows 96, H 257), and a short array is an error`, () => {
    const prev = getBackend().name;
    const k = setBackend(name).kernels;
    try {
      for (const dtype of ['float32', 'float64'] as const) checkCells(k, dtype, 96, 257, dtype === 'float32' ? 2e-5 : 1e-12, `${dtype} large`);
      if (name !== 'js')
        assert.throws(
          () => k.gruCell(new Float32Array(9), new Float32Array(9), new Float32Array(3), { rows: 2, hidden: 3 }, new Float32Array(6), new Float32Array(24)),
          /gruCell: an array is smaller than its \(rows, hidden\) contract/,
        );
    } finally {
      setBackend(prev);
    }
  });
}
