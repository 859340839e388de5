// Loading the PyTorch fixtures (scripts/torch_fixtures.py) and comparing against them.
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';

export type TensorJson = { shape: number[]; data: number[] };

/** Parsed fixtures/torch/<name> (found from dist/test/<area>/ or test/<area>/). */
export function loadFixture<T>(name: string): T {
  const url = new URL(`../../../fixtures/torch/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

export function fromJson(t: TensorJson, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  return tensor(new Float64Array(t.data), { dtype, shape: t.shape });
}

/** Relative 1e-5 with an absolute floor of 1e-6 near zero: |a − b| ≤ max(1e-5·|b|, 1e-6). */
export const REL_TOL = 1e-5;
export const ABS_FLOOR = 1e-6;

/** The error in units of the tolerance's relative part: |a − b| / max(|b|, ABS_FLOOR / REL_TOL). */
export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), ABS_FLOOR / REL_TOL);
}

/** Max relative error of `actual` against the expected values; throws naming the first element out of tolerance. */
export function compare(what: string, actual: Tensor | ArrayLike<number>, expected: TensorJson | ArrayLike<number>): number {
  const a = actual instanceof Tensor ? actual.toTypedArray() : actual;
  const e = 'data' in expected && !Array.isArray(expected) ? (expected as TensorJson).data : (expected as ArrayLike<number>);
  if (actual instanceof Tensor && 'shape' in expected && !Array.isArray(expected)) {
    const s = (expected as TensorJson).shape;
    if (actual.shape.join(',') !== s.join(',')) throw new Error(`${what}: shape (${actual.shape}) differs from PyTorch's (${s})`);
  }
  if (a.length !== e.length) throw new Error(`${what}: ${a.length} values, PyTorch has ${e.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = relErr(a[i]!, e[i]!);
    if (!(err <= REL_TOL)) throw new Error(`${what}: element ${i} is ${a[i]}, PyTorch gives ${e[i]} (relative error ${err.toExponential(2)} > ${REL_TOL})`);
    worst = Math.max(worst, err);
  }
  return worst;
}
