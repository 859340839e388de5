import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { zeros, tensor } from '../../src/tensor/creation.js';
import { Generator, manualSeed } from '../../src/tensor/generator.js';

const init = nn.init;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(t.toTypedArray());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

test("calculateGain follows PyTorch's table", () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.sqrt(2));
  assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain('leakyRelu', Math.sqrt(5)), Math.sqrt(2 / 6));
  assert.equal(init.calculateGain('selu'), 0.75);
  assert.throws(() => init.calculateGain('swish' as 'relu'), /calculateGain: unsupported nonlinearity 'swish'/);
});

test('fan computation and its error for 1-D tensors', () => {
  assert.deepEqual(init.calculateFanInAndFanOut(zeros([5, 3])), [3, 5]);
  assert.deepEqual(init.calculateFanInAndFanOut(zeros([5, 3, 2, 2])), [12, 20]);
  assert.throws(() => init.xavierUniform_(zeros([4])), /init: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions, got \(4,\)/);
});

test('uniform_, normal_, constant_ fill in place with the requested distribution', () => {
  manualSeed(0);
  const t = zeros([100, 50]);
  assert.equal(init.uniform_(t, -2, 3), t);
  const u = stats(t);
  assert.ok(u.min >= -2 && u.max < 3 && Math.abs(u.mean - 0.5) < 0.1 && Math.abs(u.std - 5 / Math.sqrt(12)) < 0.05);
  init.normal_(t, 1, 0.5);
  const n = stats(t);
  assert.ok(Math.abs(n.mean - 1) < 0.03 && Math.abs(n.std - 0.5) < 0.02, JSON.stringify(n));
  init.constant_(t, 0.25);
  assert.ok(Array.from(t.toTypedArray()).every((v) => v === 0.25));
  init.ones_(t);
  assert.equal(stats(t).min, 1);
  init.zeros_(t);
  assert.equal(stats(t).max, 0);
  assert.throws(() => init.uniform_(t, 1, 0), /uniform_: expected a <= b, got a=1, b=0/);
  assert.throws(() => init.normal_(t, 0, -1), /normal_: std must be non-negative, got -1/);
  assert.throws(() => init.uniform_(tensor([1, 2], { dtype: 'int32' })), /uniform_: expected a floating point tensor, got int32/);
});

test('init works on parameters that require grad (under noGrad) and is seeded', () => {
  const p = new nn.Parameter(zeros([20, 10]));
  init.kaimingNormal_(p, { generator: new Generator(5) });
  const a = Array.from(p.toTypedArray());
  init.kaimingNormal_(p, { generator: new Generator(5) });
  assert.deepEqual(Array.from(p.toTypedArray()), a);
  assert.equal(p.requiresGrad, true);
  assert.equal(p.gradFn, null);
});

test('xavier and kaiming have the variances PyTorch documents', () => {
  manualSeed(1);
  const w = zeros([200, 100]); // fanOut 200, fanIn 100
  init.xavierUniform_(w, 2);
  let s = stats(w);
  const a = 2 * Math.sqrt(6 / 300);
  assert.ok(s.max <= a && s.min >= -a && Math.abs(s.std - a / Math.sqrt(3)) < 0.02 * a);
  init.xavierNormal_(w);
  s = stats(w);
  assert.ok(Math.abs(s.std - Math.sqrt(2 / 300)) < 0.02 * Math.sqrt(2 / 300));
  init.kaimingUniform_(w, { nonlinearity: 'relu' });
  s = stats(w);
  const bound = Math.sqrt(2) * Math.sqrt(3 / 100);
  assert.ok(s.max <= bound && s.min >= -bound && Math.abs(s.std - bound / Math.sqrt(3)) < 0.02 * bound);
  init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' });
  s = stats(w);
  assert.ok(Math.abs(s.std - Math.sqrt(2 / 200)) < 0.02 * Math.sqrt(2 / 200));
  assert.throws(() => init.kaimingNormal_(w, { mode: 'fanAvg' as 'fanIn' }), /init: mode must be 'fanIn' or 'fanOut', got 'fanAvg'/);
});
