import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTick, linearTicks, logTicks, niceDomain, niceStep } from '../../../src/train/plots/ticks.js';

test('niceStep picks 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(0, 10, 5), 2);
  assert.equal(niceStep(0, 1, 5), 0.2);
  assert.equal(niceStep(0, 300, 8), 50);
  assert.equal(niceStep(0, 0.07, 6), 0.01);
});

test('linearTicks labels without float noise and niceDomain ends on ticks', () => {
  assert.deepEqual(
    linearTicks(0, 1, 5).map((t) => t.label),
    ['0', '0.2', '0.4', '0.6', '0.8', '1'],
  );
  assert.deepEqual(
    linearTicks(0.25, 0.95, 7).map((t) => t.label),
    ['0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9'],
  );
  assert.deepEqual(niceDomain(0.013, 0.74, 6), [0, 0.8]);
  assert.deepEqual(niceDomain(3, 3), [2.7, 3.3], 'a flat series gets ±10% around its value');
  assert.deepEqual(niceDomain(0, 0), [-1, 1]);
  assert.deepEqual(
    linearTicks(2.7, 3.3, 5).map((t) => t.value),
    [2.7, 2.8, 2.9, 3, 3.1, 3.2, 3.3],
  );
});

test('formatTick switches to exponent form for tiny and huge values', () => {
  assert.equal(formatTick(0.0001), '1e-4');
  assert.equal(formatTick(250000), '2.5e5');
  assert.equal(formatTick(0.001), '0.001');
  assert.equal(formatTick(-3), '-3');
});

test('logTicks gives powers of ten, with 2x and 5x over short ranges', () => {
  assert.deepEqual(
    logTicks(-4, 1).map((t) => t.label),
    ['1e-4', '0.001', '0.01', '0.1', '1', '10'],
  );
  assert.deepEqual(
    logTicks(-1, 0).map((t) => t.label),
    ['0.1', '0.2', '0.5', '1'],
  );
});
