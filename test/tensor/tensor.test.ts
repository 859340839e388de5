// Tensor creation, dtypes, views without copies, printing, and the errors that name the op.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { flat } from '../helpers.js';

test('creation from nested arrays and typed arrays', () => {
  const t = dt.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(dt.tensor([true, false]).dtype, 'bool');
  assert.deepEqual(dt.tensor([true, false]).toArray(), [true, false]);
  assert.equal(dt.tensor(new Int32Array([1, 2])).dtype, 'int32');
  assert.deepEqual(dt.tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }).toArray(), [
    [1, 2],
    [3, 4],
  ]);
  assert.equal(dt.tensor(3.5).item(), 3.5);
  assert.deepEqual(dt.tensor(3.5).shape, []);
  assert.deepEqual(dt.tensor([1.7, -1.7], { dtype: 'int32' }).toArray(), [1, -1]);
});

test('constants, ranges and eye', () => {
  assert.deepEqual(dt.zeros([2, 2]).toArray(), [
    [0, 0],
    [0, 0],
  ]);
  assert.deepEqual(dt.ones([3], { dtype: 'int32' }).toArray(), [1, 1, 1]);
  assert.deepEqual(dt.full([2], 7).toArray(), [7, 7]);
  assert.deepEqual(dt.arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.equal(dt.arange(5).dtype, 'int32');
  assert.deepEqual(dt.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(dt.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(dt.eye(2, 3).toArray(), [
    [1, 0, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(dt.zerosLike(dt.eye(2)).shape, [2, 2]);
});

test('seeded random numbers: manualSeed reproduces, ranges hold', () => {
  dt.manualSeed(123);
  const a = flat(dt.randn([100]));
  const r = flat(dt.rand([50]));
  dt.manualSeed(123);
  assert.deepEqual(flat(dt.randn([100])), a);
  assert.deepEqual(flat(dt.rand([50])), r);
  assert.ok(r.every((v) => v >= 0 && v < 1));
  const ints = flat(dt.randint(-3, 4, [1000]));
  assert.ok(ints.every((v) => Number.isInteger(v) && v >= -3 && v < 4));
  assert.equal(new Set(ints).size, 7, 'every value of the range appears');
  const p = flat(dt.randperm(10));
  assert.deepEqual(
    [...p].sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const g = new dt.Generator(5);
  const state = g.getState();
  const x1 = flat(dt.rand([4], { generator: g }));
  g.setState(state);
  assert.deepEqual(flat(dt.rand([4], { generator: g })), x1);
});

test('views share storage; contiguous() copies only when needed', () => {
  const x = dt.arange(24, undefined, 1, { dtype: 'float32' }).reshape(2, 3, 4);
  const v = x.view(6, 4);
  assert.equal(v.storage, x.storage);
  const p = x.permute(2, 0, 1);
  assert.equal(p.storage, x.storage);
  assert.deepEqual(p.shape, [4, 2, 3]);
  assert.deepEqual(p.strides, [1, 12, 4]);
  assert.equal(p.isContiguous(), false);
  const c = p.contiguous();
  assert.notEqual(c.storage, x.storage);
  assert.equal(c.isContiguous(), true);
  assert.equal(x.contiguous(), x);
  const s = x.slice(2, 1, 3);
  assert.equal(s.storage, x.storage);
  assert.deepEqual(s.toArray(), [
    [
      [1, 2],
      [5, 6],
      [9, 10],
    ],
    [
      [13, 14],
      [17, 18],
      [21, 22],
    ],
  ]);
  assert.deepEqual(x.index(1, -1).toArray(), [20, 21, 22, 23]);
  assert.deepEqual(x.index(null, [0, 3, 2], 0).toArray(), [
    [0, 8],
    [12, 20],
  ]);
  const e = dt.tensor([[1], [2]]).expand(2, 3);
  assert.deepEqual(e.strides, [1, 0]);
  assert.deepEqual(e.toArray(), [
    [1, 1, 1],
    [2, 2, 2],
  ]);
  assert.deepEqual(x.transpose(0, 2).shape, [4, 3, 2]);
  assert.deepEqual(x.unsqueeze(0).squeeze().shape, [2, 3, 4]);
  assert.deepEqual(x.reshape(-1, 12).shape, [2, 12]);
  assert.deepEqual((p.reshape(4, 6).toArray() as number[][])[1], [1, 5, 9, 13, 17, 21]);
});

test('printing looks like PyTorch', () => {
  assert.equal(
    String(
      dt.tensor([
        [1, -2.5],
        [3, 4],
      ]),
    ),
    'tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.0000]])',
  );
  assert.equal(String(dt.tensor([1, 2])), 'tensor([1., 2.])');
  assert.equal(String(dt.arange(3)), 'tensor([0, 1, 2], dtype=int32)');
  assert.equal(String(dt.tensor([1], { requiresGrad: true })), 'tensor([1.], requiresGrad=true)');
  assert.match(String(dt.tensor([1], { requiresGrad: true }).mul(2)), /gradFn=<MulBackward>/);
  const big = String(dt.arange(2000));
  assert.match(big, /\[ {3}0, {4}1, {4}2, \.\.\., 1997, 1998, 1999\]/);
});

test('dtype promotion and casts', () => {
  const i = dt.tensor([1, 2], { dtype: 'int32' });
  assert.equal(i.add(1).dtype, 'int32');
  assert.equal(i.add(0.5).dtype, 'float32');
  assert.equal(i.div(2).dtype, 'float32');
  assert.deepEqual(i.div(2).toArray(), [0.5, 1]);
  assert.equal(i.add(dt.tensor([1, 1], { dtype: 'float64' })).dtype, 'float64');
  assert.equal(i.gt(1).dtype, 'bool');
  assert.equal(i.float().dtype, 'float32');
  assert.equal(dt.tensor([0.5, 0]).bool().toArray().toString(), 'true,false');
});

test('bad input: clear errors naming the op and shapes', () => {
  assert.throws(() => dt.matmul(dt.zeros([12, 64, 128]), dt.zeros([64, 384])), /matmul: \(12,64,128\) @ \(64,384\): inner dims 128 != 64/);
  assert.throws(() => dt.add(dt.zeros([2, 3]), dt.zeros([4])), /add: shapes \(2,3\) and \(4,\) cannot be broadcast/);
  assert.throws(() => dt.tensor([[1, 2], [3]]), /ragged nested array at data\[1\]/);
  assert.throws(() => dt.zeros([2, 3]).view(4, 2), /view: shape \(4,2\) is invalid for input of shape \(2,3\)/);
  assert.throws(() => dt.zeros([2, 3]).t().view(6), /view: the tensor of shape \(3,2\) is not contiguous/);
  assert.throws(() => dt.zeros([2, 3]).sum(2), /sum: dim 2 is out of range for a tensor of 2 dimensions/);
  assert.throws(() => dt.zeros([2, 3]).item(), /item: only one-element tensors/);
  assert.throws(() => dt.tensor([1], { dtype: 'float16' as never }), /unknown dtype 'float16'/);
  assert.throws(() => dt.zeros([2]).expand(3), /expand: cannot expand \(2,\) to \(3,\)/);
  assert.throws(() => dt.cat([dt.zeros([2, 3]), dt.zeros([2, 4])], 0), /cat: tensor 1 has shape \(2,4\), expected \(2,3\) except in dimension 0/);
  assert.throws(() => dt.gather(dt.zeros([2, 2]), 1, dt.tensor([[0, 5]], { dtype: 'int32' })), /gather: index 5 is out of range for dimension 1 of size 2/);
  assert.throws(() => dt.gather(dt.zeros([2, 2]), 1, dt.tensor([[0, 1]])), /gather: index must have dtype int32, got float32/);
  assert.throws(() => dt.crossEntropy(dt.zeros([2, 3]), dt.tensor([0, 3], { dtype: 'int32' })), /target 3 at position 1 is out of range for 3 classes/);
  assert.throws(
    () => dt.crossEntropy(dt.zeros([2, 3]), dt.tensor([0, 1, 2], { dtype: 'int32' })),
    /crossEntropy: input \(2,3\) \(N, C, \.\.\.\) needs a target of shape \(2,\)/,
  );
  assert.throws(() => dt.mseLoss(dt.zeros([2, 3]), dt.zeros([3, 2])), /mseLoss: input \(2,3\) and target \(3,2\) must have the same shape/);
  assert.throws(() => dt.bceLoss(dt.tensor([1.5]), dt.tensor([1])), /bceLoss: input must be probabilities in \[0, 1\], found 1\.5/);
  assert.throws(() => dt.maxout(dt.zeros([2, 5]), 2), /maxout: dimension 1 of \(2,5\) has 5 features, not a multiple of 2 pieces/);
  assert.throws(() => dt.tensor([1, 2], { dtype: 'int32', requiresGrad: true }), /only floating point tensors can require gradients/);
});
