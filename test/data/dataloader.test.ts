import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/generator.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { randomSplit } from '../../src/data/subset.js';
import type { Dataset } from '../../src/data/dataset.js';
import '../../src/ops/index.js';

function rowsDataset(n: number): TensorDataset {
  const x = arange(2 * n, undefined, 1, { dtype: 'float32' }).reshape(n, 2); // row i = [2i, 2i+1]
  const y = arange(n); // int32
  return new TensorDataset(x, y);
}

const epochLabels = (loader: Iterable<Tensor[]>): number[] => [...loader].flatMap(([, y]) => Array.from(y!.toTypedArray()));

test('DataLoader batches a TensorDataset in order, with a short last batch', () => {
  const loader = new DataLoader(rowsDataset(10), { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.equal(batches.length, 3);
  assert.deepEqual(
    batches.map(([x]) => x!.shape),
    [
      [4, 2],
      [4, 2],
      [2, 2],
    ],
  );
  assert.deepEqual(batches[1]![0]!.toArray(), [
    [8, 9],
    [10, 11],
    [12, 13],
    [14, 15],
  ]);
  assert.deepEqual(batches[2]![1]!.toArray(), [8, 9]);
  assert.equal(batches[0]![1]!.dtype, 'int32');
});

test('DataLoader dropLast drops the short batch; length counts batches', () => {
  const loader = new DataLoader(rowsDataset(10), { batchSize: 4, dropLast: true });
  assert.equal(loader.length, 2);
  assert.equal([...loader].length, 2);
  assert.equal(new DataLoader(rowsDataset(8), { batchSize: 4, dropLast: true }).length, 2);
  assert.equal(new DataLoader(rowsDataset(3), { batchSize: 4, dropLast: true }).length, 0);
  assert.equal(new DataLoader(rowsDataset(3)).length, 3, 'batchSize defaults to 1');
});

test('DataLoader shuffle: each epoch a new permutation, every item exactly once, rows kept together', () => {
  const loader = new DataLoader(rowsDataset(20), { batchSize: 6, shuffle: true, generator: new Generator(7) });
  const e1 = epochLabels(loader);
  const e2 = epochLabels(loader);
  assert.deepEqual(
    [...e1].sort((a, b) => a - b),
    [...Array(20).keys()],
  );
  assert.deepEqual(
    [...e2].sort((a, b) => a - b),
    [...Array(20).keys()],
  );
  assert.notDeepEqual(e1, [...Array(20).keys()]);
  assert.notDeepEqual(e1, e2, 'epochs should differ');
  for (const [x, y] of loader) {
    const ys = y!.toTypedArray();
    const xs = x!.toTypedArray();
    ys.forEach((label, r) => assert.deepEqual([xs[2 * r], xs[2 * r + 1]], [2 * label, 2 * label + 1]));
  }
});

test('DataLoader shuffle is reproducible from a seed and resumes from a saved generator state', () => {
  const g1 = new Generator(123);
  const l1 = new DataLoader(rowsDataset(15), { batchSize: 4, shuffle: true, generator: g1 });
  const first = epochLabels(l1);
  const saved = g1.getState();
  const second = epochLabels(l1);

  const g2 = new Generator(123);
  const l2 = new DataLoader(rowsDataset(15), { batchSize: 4, shuffle: true, generator: g2 });
  assert.deepEqual(epochLabels(l2), first);

  const g3 = new Generator(999).setState(saved);
  const l3 = new DataLoader(rowsDataset(15), { batchSize: 4, shuffle: true, generator: g3 });
  assert.deepEqual(epochLabels(l3), second);
});

test('DataLoader collates generic items: tensors stacked, numbers to tensors, tuples and objects per field', () => {
  const items: [Tensor, number, { w: number }][] = [
    [tensor([1, 2]), 0, { w: 0.5 }],
    [tensor([3, 4]), 1, { w: 1.5 }],
    [tensor([5, 6]), 2, { w: 2.5 }],
  ];
  const ds: Dataset<[Tensor, number, { w: number }]> = { length: 3, get: (i) => items[i]! };
  const [batch] = [...new DataLoader(ds, { batchSize: 3 })];
  const [x, label, meta] = batch!;
  assert.deepEqual(x.shape, [3, 2]);
  assert.deepEqual(x.toArray(), [
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  assert.equal(label.dtype, 'int32');
  assert.deepEqual(label.toArray(), [0, 1, 2]);
  assert.equal(meta.w.dtype, 'float32');
  assert.deepEqual(meta.w.toArray(), [0.5, 1.5, 2.5]);
});

test('DataLoader over a randomSplit subset of a TensorDataset yields the subset rows', () => {
  const [train, val] = randomSplit(rowsDataset(10), [7, 3], { generator: new Generator(1) });
  const got = epochLabels(new DataLoader(val!, { batchSize: 2 }) as Iterable<Tensor[]>);
  assert.deepEqual(got, Array.from(val!.indices));
  assert.equal(train!.length, 7);
});

test('DataLoader uses a custom collateFn when given', () => {
  const ds: Dataset<number> = { length: 5, get: (i) => i * 10 };
  const sums = [...new DataLoader(ds, { batchSize: 2, collateFn: (xs: number[]) => xs.reduce((a, b) => a + b, 0) })];
  assert.deepEqual(sums, [10, 50, 40]);
});

test('DataLoader rejects a bad batchSize and a non-dataset', () => {
  assert.throws(() => new DataLoader(rowsDataset(3), { batchSize: 0 }), /DataLoader: batchSize must be a positive integer, got 0/);
  assert.throws(() => new DataLoader(rowsDataset(3), { batchSize: 2.5 }), /DataLoader: batchSize must be a positive integer, got 2.5/);
  assert.throws(() => new DataLoader({} as Dataset<number>), /DataLoader: expected a dataset with an integer `length` and a `get\(i\)` method/);
});

test('default collation rejects mismatched shapes and mixed kinds', () => {
  const shapes: Dataset<Tensor> = { length: 2, get: (i) => (i === 0 ? tensor([1, 2]) : tensor([1, 2, 3])) };
  assert.throws(
    () => [...new DataLoader(shapes, { batchSize: 2 })],
    /defaultCollate: batch items must have the same shape to stack, item 0 is \(2,\) but item 1 is \(3,\)/,
  );
  const mixed: Dataset<unknown> = { length: 2, get: (i) => (i === 0 ? 1 : 'a') };
  assert.throws(() => [...new DataLoader(mixed, { batchSize: 2 })], /defaultCollate: batch item 0 is a number but item 1 is string/);
  const strings: Dataset<string> = { length: 1, get: () => 's' };
  assert.throws(() => [...new DataLoader(strings)], /defaultCollate: cannot collate batch items of type string/);
});
