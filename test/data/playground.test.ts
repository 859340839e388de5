import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePlaygroundDataset, PLAYGROUND_DATASETS, type PlaygroundDatasetName } from '../../src/data/playground.js';
import { manualSeed } from '../../src/tensor/generator.js';

function points(name: PlaygroundDatasetName, noise = 0, numSamples = 500, seed = 3): { xs: number[][]; ys: number[] } {
  const d = makePlaygroundDataset(name, { numSamples, noise, seed });
  return { xs: d.x.toArray() as number[][], ys: Array.from(d.y.toTypedArray()) };
}

test('every playground data set has the documented shapes, dtypes and task', () => {
  for (const name of PLAYGROUND_DATASETS) {
    const d = makePlaygroundDataset(name, { seed: 1 });
    assert.equal(d.name, name);
    assert.deepEqual(d.x.shape, [500, 2], name);
    assert.equal(d.x.dtype, 'float32');
    if (name.startsWith('reg-')) {
      assert.equal(d.task, 'regression');
      assert.deepEqual(d.y.shape, [500, 1]);
      assert.equal(d.y.dtype, 'float32');
    } else {
      assert.equal(d.task, 'classification');
      assert.deepEqual(d.y.shape, [500]);
      assert.equal(d.y.dtype, 'int32');
    }
    for (const v of d.x.toTypedArray()) assert.ok(Math.abs(v) <= 6.5, `${name}: point coordinate ${v} outside the playground's domain`);
  }
});

test('playground data sets are deterministic for a seed and differ across seeds', () => {
  for (const name of PLAYGROUND_DATASETS) {
    assert.deepEqual(points(name, 20, 100, 5), points(name, 20, 100, 5), name);
    assert.notDeepEqual(points(name, 20, 100, 5).xs, points(name, 20, 100, 6).xs, name);
  }
  manualSeed(11);
  const a = makePlaygroundDataset('xor', { numSamples: 50 }).x.toArray();
  manualSeed(11);
  assert.deepEqual(makePlaygroundDataset('xor', { numSamples: 50 }).x.toArray(), a, 'without a seed, the default generator decides');
});

test('classification sets are balanced: ceil(N/2) of class 1, floor(N/2) of class 0, shuffled', () => {
  for (const name of ['circle', 'gauss', 'spiral'] as const) {
    const { ys } = points(name, 0, 101);
    assert.equal(ys.filter((y) => y === 1).length, 51, name);
    assert.equal(ys.filter((y) => y === 0).length, 50, name);
    assert.ok(ys.slice(0, 50).some((y) => y === 0) && ys.slice(0, 50).some((y) => y === 1), `${name} should be shuffled`);
  }
});

test('circle: class 1 inside radius 2.5, class 0 in the ring 3.5..5 (no noise)', () => {
  const { xs, ys } = points('circle');
  xs.forEach(([x, y], i) => {
    const r = Math.hypot(x!, y!);
    if (ys[i] === 1) assert.ok(r < 2.5 + 1e-5, `inside point at radius ${r}`);
    else assert.ok(r >= 3.5 - 1e-5 && r <= 5 + 1e-5, `ring point at radius ${r}`);
  });
});

test('xor: the label is the sign of x1*x2 and points keep 0.3 away from the axes (no noise)', () => {
  const { xs, ys } = points('xor');
  xs.forEach(([x, y], i) => {
    assert.equal(ys[i], x! * y! >= 0 ? 1 : 0);
    assert.ok(Math.abs(x!) >= 0.3 - 1e-6 && Math.abs(y!) >= 0.3 - 1e-6 && Math.abs(x!) <= 5.3 + 1e-6);
  });
});

test('gauss: class 1 clusters around (2, 2), class 0 around (-2, -2)', () => {
  const { xs, ys } = points('gauss');
  const mean = (label: number, k: number): number => {
    const sel = xs.filter((_, i) => ys[i] === label);
    return sel.reduce((s, p) => s + p[k]!, 0) / sel.length;
  };
  for (const k of [0, 1]) {
    assert.ok(Math.abs(mean(1, k) - 2) < 0.25, `class 1 mean ${mean(1, k)}`);
    assert.ok(Math.abs(mean(0, k) + 2) < 0.25, `class 0 mean ${mean(0, k)}`);
  }
});

test('spiral: the two arms are point reflections of each other (no noise), radius up to 5', () => {
  const { xs, ys } = points('spiral', 0, 200);
  const key = (x: number, y: number): string => `${x.toFixed(3)},${y.toFixed(3)}`;
  const ones = new Set(xs.filter((_, i) => ys[i] === 1).map(([x, y]) => key(x!, y!)));
  const zeros = xs.filter((_, i) => ys[i] === 0);
  assert.equal(zeros.length, 100);
  for (const [x, y] of zeros) {
    assert.ok(ones.has(key(-x! + 0, -y! + 0)) || ones.has(key(-x!, -y!)), `no mirror for (${x}, ${y})`);
    assert.ok(Math.hypot(x!, y!) < 5);
  }
});

test('reg-plane: the value is (x1 + x2) / 10 without noise', () => {
  const { xs, ys } = points('reg-plane');
  xs.forEach(([x, y], i) => assert.ok(Math.abs(ys[i]! - (x! + y!) / 10) < 1e-5));
});

test('reg-gauss: +1 at the bumps (-4, 2.5), (0, -2.5), values in [-1, 1], 0 far from the bumps', () => {
  const { xs, ys } = points('reg-gauss', 0, 2000);
  for (const v of ys) assert.ok(v >= -1 && v <= 1);
  xs.forEach(([x, y], i) => {
    if (Math.hypot(x! + 4, y! - 2.5) < 0.2) assert.ok(ys[i]! > 0.89, `near the + bump: ${ys[i]}`);
    if (Math.hypot(x! - 0, y! - 2.5) < 0.2) assert.ok(ys[i]! < -0.89, `near the - bump: ${ys[i]}`);
    if (Math.abs(y!) > 4.5 + 0.01) assert.equal(ys[i], 0);
  });
});

test('noise flips labels near the border (circle, xor) and scatters the spiral', () => {
  const clean = points('xor', 0, 500, 9);
  const noisy = points('xor', 50, 500, 9);
  const wrong = noisy.xs.filter(([x, y], i) => (x! * y! >= 0 ? 1 : 0) !== noisy.ys[i]).length;
  assert.ok(wrong > 20 && wrong < 250, `noisy xor mislabels ${wrong} of 500`);
  assert.equal(clean.xs.filter(([x, y], i) => (x! * y! >= 0 ? 1 : 0) !== clean.ys[i]).length, 0);
  const noisyCircle = points('circle', 50);
  assert.ok(noisyCircle.xs.some(([x, y], i) => (Math.hypot(x!, y!) < 2.5 ? 1 : 0) !== noisyCircle.ys[i]));
});

test('makePlaygroundDataset rejects unknown names, bad sizes and noise outside 0..50', () => {
  assert.throws(
    () => makePlaygroundDataset('moons' as PlaygroundDatasetName),
    /makePlaygroundDataset: unknown data set 'moons', expected one of circle, xor, gauss, spiral, reg-plane, reg-gauss/,
  );
  assert.throws(() => makePlaygroundDataset('xor', { numSamples: 0 }), /makePlaygroundDataset: numSamples must be a positive integer, got 0/);
  assert.throws(() => makePlaygroundDataset('xor', { numSamples: 2.5 }), /numSamples must be a positive integer, got 2.5/);
  assert.throws(() => makePlaygroundDataset('xor', { noise: 60 }), /makePlaygroundDataset: noise .* must be in \[0, 50\], got 60/);
  assert.throws(() => makePlaygroundDataset('xor', { noise: -1 }), /must be in \[0, 50\], got -1/);
  assert.throws(() => makePlaygroundDataset('xor', { seed: Number.NaN }), /makePlaygroundDataset: seed must be a finite number/);
});
