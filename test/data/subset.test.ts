import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/generator.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { Subset, randomSplit } from '../../src/data/subset.js';
import type { Dataset } from '../../src/data/dataset.js';

const numbers = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

test('Subset maps indices into its parent', () => {
  const s = new Subset(numbers(10), [7, 2, 5]);
  assert.equal(s.length, 3);
  assert.deepEqual([s.get(0), s.get(1), s.get(2), s.get(-1)], [7, 2, 5, 5]);
  assert.equal(s.getBatch, undefined, 'a plain dataset has no batch path');
  assert.throws(() => s.get(3), /Subset.get: index 3 is out of range for a dataset of length 3/);
  assert.throws(() => new Subset(numbers(3), [0, 3]), /Subset: index 3 is out of range for a dataset of length 3/);
});

test('Subset of a TensorDataset gathers batches through the parent', () => {
  const ds = new TensorDataset(arange(5));
  const s = new Subset(ds, [4, 1, 3]);
  assert.ok(s.getBatch);
  assert.deepEqual((s.getBatch(Int32Array.from([2, 0])) as { toArray(): unknown }[])[0]!.toArray(), [3, 4]);
});

test('randomSplit with lengths partitions the dataset, reproducibly for a seed', () => {
  const parts = randomSplit(numbers(10), [3, 7], { generator: new Generator(42) });
  assert.deepEqual(
    parts.map((p) => p.length),
    [3, 7],
  );
  const all = parts.flatMap((p) => Array.from(p.indices));
  assert.deepEqual(
    [...all].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.notDeepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'split should be shuffled');
  const again = randomSplit(numbers(10), [3, 7], { generator: new Generator(42) });
  assert.deepEqual(
    again.map((p) => Array.from(p.indices)),
    parts.map((p) => Array.from(p.indices)),
  );
  const other = randomSplit(numbers(10), [3, 7], { generator: new Generator(43) });
  assert.notDeepEqual(
    other.map((p) => Array.from(p.indices)),
    parts.map((p) => Array.from(p.indices)),
  );
});

test('randomSplit with fractions floors and deals the remainder round-robin, as PyTorch', () => {
  // 11 * [0.5, 0.3, 0.2] = floor [5, 3, 2], remainder 1 goes to the first split
  assert.deepEqual(
    randomSplit(numbers(11), [0.5, 0.3, 0.2]).map((p) => p.length),
    [6, 3, 2],
  );
  // 10 * [1/3]*3 = [3,3,3] + 1 remainder
  assert.deepEqual(
    randomSplit(numbers(10), [1 / 3, 1 / 3, 1 / 3]).map((p) => p.length),
    [4, 3, 3],
  );
  // float rounding in the sum (0.1 + 0.2 + 0.7 > 1) is tolerated
  assert.deepEqual(
    randomSplit(numbers(10), [0.1, 0.2, 0.7]).map((p) => p.length),
    [1, 2, 7],
  );
  assert.deepEqual(
    randomSplit(numbers(500), [0.8, 0.2]).map((p) => p.length),
    [400, 100],
  );
});

test('randomSplit rejects lengths that do not sum to the dataset size and bad fractions', () => {
  assert.throws(() => randomSplit(numbers(10), [3, 6]), /randomSplit: lengths \[3, 6\] sum to 9, but the dataset has 10 items/);
  assert.throws(() => randomSplit(numbers(10), [0.5, 0.4]), /randomSplit: fractions must sum to 1, got \[0.5, 0.4\]/);
  assert.throws(() => randomSplit(numbers(10), [-1, 11]), /randomSplit: lengths\/fractions must be non-negative/);
  assert.throws(() => randomSplit(numbers(10), []), /randomSplit: expected a non-empty list/);
});
