// Shared test helpers: seeded float64 inputs for gradchecks, closeness assertions.
import assert from 'node:assert/strict';
import { Generator, Tensor, randn, tensor } from '../src/index.js';

const gen = new Generator(42);

/** A float64 leaf requiring grad, values N(0,1) pushed away from 0 by `gap` (kinks of relu/abs). */
export function leaf(shape: number[], opts: { gap?: number; positive?: boolean; scale?: number } = {}): Tensor {
  const t = randn(shape, { dtype: 'float64', generator: gen });
  const s = t.storage;
  const gap = opts.gap ?? 0;
  for (let i = 0; i < s.length; i++) {
    let v = s[i]! * (opts.scale ?? 1);
    if (gap && Math.abs(v) < gap) v = v < 0 ? v - gap : v + gap;
    if (opts.positive) v = Math.abs(v) + 0.1;
    s[i] = v;
  }
  return t.requiresGrad_();
}

export function assertClose(actual: ArrayLike<number> | Tensor, expected: ArrayLike<number>, tol = 1e-6, what = 'value'): void {
  const a = actual instanceof Tensor ? actual.toTypedArray() : actual;
  assert.equal(a.length, expected.length, `${what}: length ${a.length} != ${expected.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]),
      y = Number(expected[i]);
    const ok = Number.isNaN(y) ? Number.isNaN(x) : Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));
    assert.ok(ok, `${what}[${i}]: got ${x}, expected ${y} (tol ${tol})`);
  }
}

export function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray(), Number);
}

export { tensor };
