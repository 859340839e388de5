import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, tensor } from '../../src/tensor/creation.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import '../../src/ops/index.js';

test('TensorDataset.get returns the i-th row of every tensor, negative indices from the end', () => {
  const x = arange(12, undefined, 1, { dtype: 'float32' }).reshape(4, 3);
  const y = tensor([10, 11, 12, 13], { dtype: 'int32' });
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 4);
  const [xi, yi] = ds.get(2);
  assert.deepEqual(xi!.toArray(), [6, 7, 8]);
  assert.equal(yi!.item(), 12);
  assert.deepEqual(ds.get(-1)[0]!.toArray(), [9, 10, 11]);
});

test('TensorDataset.getBatch gathers rows in the given order', () => {
  const x = arange(8, undefined, 1, { dtype: 'float32' }).reshape(4, 2);
  const y = tensor([0, 1, 2, 3], { dtype: 'int32' });
  const [xb, yb] = new TensorDataset(x, y).getBatch(Int32Array.from([3, 0, 2]));
  assert.deepEqual(xb!.toArray(), [
    [6, 7],
    [0, 1],
    [4, 5],
  ]);
  assert.deepEqual(yb!.toArray(), [3, 0, 2]);
  assert.equal(yb!.dtype, 'int32');
});

test('TensorDataset rejects tensors with different first dimensions, naming the shapes', () => {
  assert.throws(
    () =>
      new TensorDataset(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([1, 2, 3]),
      ),
    /TensorDataset: .*same size in dimension 0.*\(2,2\), \(3,\)/,
  );
});

test('TensorDataset rejects no tensors and scalars', () => {
  assert.throws(() => new TensorDataset(), /TensorDataset: expected at least one tensor/);
  assert.throws(() => new TensorDataset(tensor(3)), /TensorDataset: tensor 0 is a scalar/);
});

test('TensorDataset.get rejects out-of-range and non-integer indices', () => {
  const ds = new TensorDataset(tensor([1, 2, 3]));
  assert.throws(() => ds.get(3), /TensorDataset.get: index 3 is out of range for a dataset of length 3/);
  assert.throws(() => ds.get(-4), /index -4 is out of range/);
  assert.throws(() => ds.get(1.5), /TensorDataset.get: index must be an integer, got 1.5/);
  assert.throws(() => ds.getBatch(Int32Array.from([0, 5])), /TensorDataset.getBatch: index 5 is out of range/);
});

test('TensorDataset.getBatch gives the same rows for contiguous, strided, offset and grad-requiring tensors', () => {
  const base = arange(24, undefined, 1, { dtype: 'float32' }).reshape(4, 6);
  const idx = Int32Array.from([2, 0, 3, 2]);
  const expected = (t: ReturnType<typeof arange>): unknown => [2, 0, 3, 2].map((i) => t.select(0, i).toArray());
  const strided = arange(24, undefined, 1, { dtype: 'float32' }).reshape(6, 4).transpose(0, 1); // (4, 6), not contiguous
  const offset = arange(30, undefined, 1, { dtype: 'float32' }).reshape(5, 6).slice(0, 1); // (4, 6) view at offset 6
  const grad = base.clone().requiresGrad_();
  const [a, b, c, d] = new TensorDataset(base, strided, offset, grad).getBatch(idx);
  assert.deepEqual(a!.toArray(), expected(base));
  assert.equal(strided.isContiguous(), false);
  assert.deepEqual(b!.toArray(), expected(strided));
  assert.equal(offset.offset, 6);
  assert.deepEqual(c!.toArray(), expected(offset));
  assert.deepEqual(d!.toArray(), expected(base));
  assert.ok(d!.gradFn, 'rows of a tensor that requires grad stay on the autograd graph');
  d!.sum().backward();
  assert.deepEqual(
    (grad.grad!.toArray() as number[][]).map((r) => r[0]),
    [1, 0, 2, 1],
  );
});
