import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { accuracy, meanAbsoluteError, meanSquaredError, predictedClasses, resolveMetric } from '../../src/train/metrics.js';

test('accuracy takes the argmax of (N, C) logits, or the sign of a single logit', () => {
  const logits = tensor([
    [2, 1],
    [0, 3],
    [1, 0],
    [-1, 5],
  ]);
  assert.deepEqual([...predictedClasses(logits)], [0, 1, 0, 1]);
  assert.equal(accuracy(logits, tensor([0, 1, 1, 1], { dtype: 'int32' })), 0.75);
  assert.equal(accuracy(tensor([[0.3], [-2], [4]]), tensor([[1], [0], [0]])), 2 / 3);
  assert.equal(accuracy(tensor([0.3, -2]), tensor([1, 0], { dtype: 'int32' })), 1);
});

test('mse and mae are element means', () => {
  const p = tensor([[1], [2], [4]]),
    t = tensor([[1], [0], [1]]);
  assert.equal(meanSquaredError(p, t), (0 + 4 + 9) / 3);
  assert.equal(meanAbsoluteError(p, t), (0 + 2 + 3) / 3);
});

test('metric errors name the metric and the shapes', () => {
  assert.throws(() => accuracy(tensor([[1, 2]]), tensor([0, 1], { dtype: 'int32' })), /accuracy: 1 predictions \(logits \(1,2\)\) but 2 targets \(\(2,\)\)/);
  assert.throws(() => predictedClasses(tensor([[[1]]])), /accuracy: expected logits of shape \(N, C\) or \(N,\) \/ \(N, 1\), got \(1,1,1\)/);
  assert.throws(() => meanSquaredError(tensor([1, 2]), tensor([1])), /mse: prediction \(2,\) and target \(1,\) have different sizes/);
  assert.throws(() => resolveMetric('auc' as never), /unknown metric 'auc', expected one of accuracy, mse, mae/);
});
