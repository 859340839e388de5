// Shared helpers for the tests against the GPT fixtures: fixture loading and relative comparisons.
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';

export type TensorJson = { shape: number[]; data: number[] };

/** fixtures/gpt/<name> (found from dist/test/models/ or test/models/). */
export function fixturePath(name: string): URL {
  return new URL(`../../../fixtures/gpt/${name}`, import.meta.url);
}

export function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as T;
}

export function fromJson(t: TensorJson, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return new Tensor(dtype === 'float32' ? Float32Array.from(t.data) : Float64Array.from(t.data), dtype, t.shape);
}

/** Max relative error |a − e| / max(|e|, floor); fails naming the first element above tol. */
export function assertRelClose(what: string, actual: Tensor | ArrayLike<number>, expected: ArrayLike<number>, tol: number, floor = 1e-3): number {
  const a = actual instanceof Tensor ? actual.toTypedArray() : actual;
  assert.equal(a.length, expected.length, `${what}: ${a.length} values, expected ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), floor);
    if (!(err <= tol)) assert.fail(`${what}: element ${i} is ${a[i]}, expected ${expected[i]} (relative error ${err.toExponential(2)} > ${tol})`);
    worst = Math.max(worst, err);
  }
  return worst;
}
