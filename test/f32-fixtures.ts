// Shared by the tests against the base64-float32 PyTorch fixtures written by scripts/cnn_fixtures.py and
// scripts/rnn_fixtures.py (fixtures/cnn, fixtures/rnn): tensors stored as {shape, f32: base64 little-endian float32}, and the comparison
// |a − b| ≤ rel·|b| + rel·max|b| (PyTorch sums in float32, deepts' js kernels in float64, so the
// difference is PyTorch's rounding).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as dt from '../src/index.js';

export type T = { shape: number[]; f32: string };

/** fixtures/<suite>/<name>, parsed (found from dist/test/… or test/…). */
export function loadFixture<X>(suite: string, name: string): X {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${suite}/${name}`, import.meta.url), 'utf8')) as X;
}

export function values(t: T): Float32Array {
  const b = Buffer.from(t.f32, 'base64');
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(4 * i);
  return out;
}

export function tensorOf(t: T, requiresGrad = false): dt.Tensor {
  return dt.tensor(values(t), { shape: t.shape, requiresGrad });
}

/** Checks every element within rel of itself plus rel of the largest magnitude; fails naming the first that is not. */
export function compare(what: string, actual: dt.Tensor, expected: T, rel = 1e-5): void {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  const a = actual.toTypedArray(),
    e = values(expected);
  let scale = 0;
  for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]!));
  for (let i = 0; i < e.length; i++) {
    const diff = Math.abs(a[i]! - e[i]!);
    if (!(diff <= rel * Math.abs(e[i]!) + rel * scale))
      assert.fail(`${what}: element ${i} is ${a[i]}, PyTorch gives ${e[i]} (difference ${diff.toExponential(2)}, largest |value| ${scale.toPrecision(3)})`);
  }
}
