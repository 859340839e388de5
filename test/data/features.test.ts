import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { FEATURE_NAMES, applyFeatures, parseFeatures, type FeatureName } from '../../src/data/features.js';
import '../../src/ops/index.js';

test('parseFeatures accepts canonical names and documented aliases, in order', () => {
  assert.deepEqual(parseFeatures('x1,x2'), ['x1', 'x2']);
  assert.deepEqual(parseFeatures('x1^2, x2^2, x1x2, sin(x1), sin(x2)'), ['x1^2', 'x2^2', 'x1x2', 'sin(x1)', 'sin(x2)']);
  assert.deepEqual(parseFeatures('x1sq,x2sq,x1*x2,sinx1,sinx2'), ['x1^2', 'x2^2', 'x1x2', 'sin(x1)', 'sin(x2)']);
  assert.deepEqual(parseFeatures('X1**2,sin_x2, x1_x2'), ['x1^2', 'sin(x2)', 'x1x2']);
  assert.deepEqual(parseFeatures('x,y,xSquared,ySquared,xTimesY,sinX,sinY'), [...FEATURE_NAMES]);
  assert.deepEqual(parseFeatures('all'), [...FEATURE_NAMES]);
});

test('parseFeatures rejects unknown, repeated and empty lists', () => {
  assert.throws(() => parseFeatures('x1,x3'), /parseFeatures: unknown feature 'x3', expected one of x1, x2, x1\^2, x2\^2, x1x2, sin\(x1\), sin\(x2\)/);
  assert.throws(() => parseFeatures('x1,x1sq,x1^2'), /parseFeatures: feature 'x1\^2' \(x1\^2\) is listed twice/);
  assert.throws(() => parseFeatures(' , '), /parseFeatures: empty feature list/);
});

test('applyFeatures computes the columns in the requested order', () => {
  const x = tensor([
    [1, 2],
    [-3, 0.5],
  ]);
  const f = applyFeatures(x, ['x2', 'x1', 'x1^2', 'x2^2', 'x1x2', 'sin(x1)', 'sin(x2)']);
  assert.deepEqual(f.shape, [2, 7]);
  const rows = f.toArray() as number[][];
  const expect = [
    [2, 1, 1, 4, 2, Math.sin(1), Math.sin(2)],
    [0.5, -3, 9, 0.25, -1.5, Math.sin(-3), Math.sin(0.5)],
  ];
  rows.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - expect[i]![j]!) < 1e-6, `(${i},${j}): ${v} vs ${expect[i]![j]}`)));
});

test('applyFeatures is differentiable', () => {
  const x = tensor([[0.5, 2]], { dtype: 'float64', requiresGrad: true });
  applyFeatures(x, ['x1^2', 'x1x2', 'sin(x2)']).sum().backward();
  const g = x.grad!.toArray() as number[][];
  // d/dx1 = 2*x1 + x2 = 3; d/dx2 = x1 + cos(x2)
  assert.ok(Math.abs(g[0]![0]! - 3) < 1e-12);
  assert.ok(Math.abs(g[0]![1]! - (0.5 + Math.cos(2))) < 1e-12);
});

test('applyFeatures rejects wrong shapes, integer points and unknown names', () => {
  assert.throws(() => applyFeatures(tensor([[1, 2, 3]]), ['x1']), /applyFeatures: expected points of shape \(N, 2\), got \(1,3\)/);
  assert.throws(() => applyFeatures(tensor([1, 2]), ['x1']), /applyFeatures: expected points of shape \(N, 2\), got \(2,\)/);
  assert.throws(() => applyFeatures(tensor([[1, 2]], { dtype: 'int32' }), ['x1']), /applyFeatures: expected float32 or float64 points, got int32/);
  assert.throws(() => applyFeatures(tensor([[1, 2]]), ['x3' as FeatureName]), /applyFeatures: unknown feature 'x3'/);
  assert.throws(() => applyFeatures(tensor([[1, 2]]), []), /applyFeatures: expected at least one feature/);
});
