// Double backward: with createGraph the backward pass is recorded, so its gradients can be
// differentiated again. gradgradcheck compares those second derivatives with central differences
// of the first ones, for the ops whose backward is made of ops and for the fused ones (whose
// backward kernels are not differentiable: in that mode they fall back to a composed forward).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { record } from '../../src/ops/record.js';
import { clearStoragePool, storagePoolBytes } from '../../src/tensor/storage-pool.js';
import { assertClose, leaf } from '../helpers.js';

const check = (fn: (...xs: dt.Tensor[]) => dt.Tensor | dt.Tensor[], ...inputs: dt.Tensor[]) => dt.gradgradcheck(fn, inputs);
const int = (data: number[], shape?: number[]) => dt.tensor(data, { dtype: 'int32', shape });

test('elementwise arithmetic with broadcasting', () => {
  const a = leaf([2, 3]),
    b = leaf([3]);
  check((x, y) => dt.add(x, y).mul(x), a, b);
  check((x, y) => dt.sub(x, y).square(), a, leaf([2, 1]));
  check((x, y) => dt.mul(x, y), a, b);
  check((x, y) => dt.div(x, y), a, leaf([3], { gap: 0.5 }));
  check((x, y) => dt.pow(x, y), leaf([2, 3], { positive: true }), leaf([3]));
  check((x) => dt.pow(x, 3), a);
  check((x) => dt.pow(x, 0.5), leaf([4], { positive: true }));
  check((x, y) => dt.maximum(x, y).mul(x), leaf([4]), leaf([4]));
  check((x) => dt.where(dt.tensor([true, false, true]), x.square(), x.exp()), leaf([3]));
  check((x) => dt.clamp(x, -0.5, 0.5).mul(x), leaf([6], { gap: 0.1 }));
});

test('unary math', () => {
  const p = leaf([5], { positive: true });
  for (const f of [dt.exp, dt.log, dt.sqrt, dt.rsqrt, dt.reciprocal] as const) check((x) => f(x), p);
  const x = leaf([5], { gap: 0.2 });
  for (const f of [dt.square, dt.neg, dt.sin, dt.cos, dt.erf, dt.abs] as const) check((t) => f(t).mul(t), x);
});

test('activations', () => {
  const x = leaf([6], { gap: 0.1 });
  check((t) => dt.tanh(t), x);
  check((t) => dt.sigmoid(t), x);
  check((t) => dt.relu(t).mul(t), x);
  check((t) => dt.leakyRelu(t, 0.1).square(), x);
  check((t) => dt.elu(t), x);
  check((t) => dt.gelu(t), x);
  check((t) => dt.gelu(t, 'tanh'), x);
  check((t) => dt.silu(t), x);
  check((t) => dt.softplus(t, 2), x);
});

test('reductions, views, slices and joins (region gradients are recorded too)', () => {
  const x = leaf([2, 3, 2]);
  check((t) => t.square().sum(1), x);
  check((t) => t.exp().mean([0, 2], true), x);
  check((t) => t.max(1).square(), x);
  check((t) => t.var(1), x);
  check((t) => t.logsumexp(-1), x);
  check((t) => t.prod(1), leaf([2, 3], { positive: true }));
  check((t) => t.permute(2, 0, 1).reshape(4, 3).pow(3), x);
  // slices send RegionGrads; their sums must be recorded, not added in place
  check((t) => t.narrow(1, 0, 2).pow(3).sum().add(t.select(1, 1).exp().sum()).add(t.pow(3).sum()), x);
  check(
    (t) => {
      const [a, b] = t.split(2, 1);
      return a.mul(b).sum();
    },
    leaf([2, 4]),
  );
  check((t, u) => dt.cat([t.square(), u.exp()], 0), leaf([2, 2]), leaf([1, 2]));
  check((t) => dt.gather(t.square(), 1, int([0, 2, 1, 1], [2, 2])), leaf([2, 3]));
});

test('matmul and linear', () => {
  check((a, b) => dt.matmul(a, b).square(), leaf([2, 3]), leaf([3, 2]));
  check((a, b) => dt.matmul(a, b).tanh(), leaf([2, 2, 3]), leaf([3, 2]));
  check((a, b) => dt.matmul(a, b).exp(), leaf([3]), leaf([3, 2]));
  check((x, w, b) => dt.linear(x, w, b).tanh(), leaf([2, 3]), leaf([4, 3]), leaf([4]));
  check((x, w, b) => dt.linear(x, w, b, 'relu').square(), leaf([2, 3]), leaf([4, 3]), leaf([4], { gap: 1 }));
});

test('softmax, logSoftmax, layerNorm, rmsNorm', () => {
  const x = leaf([2, 4]);
  check((t) => dt.softmax(t, -1), x);
  check((t) => dt.softmax(t, 0), x);
  check((t) => dt.logSoftmax(t, 1), x);
  check((t, w, b) => dt.layerNorm(t, 4, w, b), x, leaf([4]), leaf([4]));
  check((t) => dt.layerNorm(t, [2, 4]), leaf([3, 2, 4]));
  check((t, w) => dt.rmsNorm(t, 4, w), x, leaf([4]));
});

test('conv2d, conv1d, convTranspose2d', () => {
  check((x, w, b) => dt.conv2d(x, w, b, { padding: 1, stride: 2 }).square(), leaf([1, 2, 4, 4]), leaf([3, 2, 2, 2]), leaf([3]));
  check((x, w) => dt.conv2d(x, w, null, { groups: 2 }).tanh(), leaf([1, 2, 3, 3]), leaf([2, 1, 2, 2]));
  check((x, w) => dt.conv1d(x, w, null, { padding: 1 }).square(), leaf([1, 2, 5]), leaf([2, 2, 3]));
  check((x, w) => dt.convTranspose2d(x, w, null, { stride: 2 }).square(), leaf([1, 2, 2, 2]), leaf([2, 1, 2, 2]));
});

test('losses', () => {
  const target = int([2, 0, 1]);
  check((x) => dt.crossEntropy(x, target), leaf([3, 4]));
  check((x) => dt.crossEntropy(x, int([1, -100, 3]), { reduction: 'none' }), leaf([3, 4]));
  check((x) => dt.crossEntropy(x, int([1, 2, 3]), { reduction: 'sum', ignoreIndex: 2 }), leaf([3, 4]));
  check((x) => dt.crossEntropy(x, target, { labelSmoothing: 0.1 }), leaf([3, 4]));
  check((x, y) => dt.mseLoss(x.tanh(), y), leaf([2, 3]), leaf([2, 3]));
  check((x) => dt.nllLoss(dt.logSoftmax(x, 1), target), leaf([3, 4]));
});

test('pooling, batch norm, embedding, attention', () => {
  check((x) => dt.maxPool2d(x, 2).square(), leaf([1, 2, 4, 4]));
  check((x) => dt.maxPool2d(x, 3, { stride: 2, padding: 1 }).exp(), leaf([1, 1, 5, 5]));
  check((x) => dt.avgPool2d(x, 2, { stride: 1 }).square(), leaf([1, 2, 3, 3]));
  check((x) => dt.adaptiveAvgPool2d(x, 2).square(), leaf([1, 1, 3, 5]));
  check((x, w, b) => dt.batchNorm(x, null, null, { training: true, weight: w, bias: b }), leaf([3, 2, 2]), leaf([2]), leaf([2]));
  const rm = dt.tensor([0.1, -0.2], { dtype: 'float64' }),
    rv = dt.tensor([1.5, 0.5], { dtype: 'float64' });
  check((x, w) => dt.batchNorm(x, rm, rv, { weight: w }).square(), leaf([3, 2]), leaf([2]));
  check((w) => dt.embedding(int([0, 2, 2, 1], [2, 2]), w).square(), leaf([3, 2]));
  check((w) => dt.embedding(int([0, 2, 1]), w, { paddingIdx: 2 }).exp(), leaf([3, 2]));
  const mask = dt.tensor(
    [
      [0, -1, 0.5],
      [0.2, 0, -Infinity],
    ],
    { dtype: 'float64' },
  );
  check((q, k, v) => dt.scaledDotProductAttention(q, k, v, { isCausal: true }), leaf([1, 2, 3, 2]), leaf([1, 2, 3, 2]), leaf([1, 2, 3, 2]));
  check((q, k, v) => dt.scaledDotProductAttention(q, k, v, { attnMask: mask }), leaf([1, 2, 2]), leaf([1, 3, 2]), leaf([1, 3, 2]));
});

test('createGraph keeps first derivatives: the composed fallbacks agree with the fused kernels', () => {
  const x = leaf([3, 5]),
    w = leaf([5]),
    b = leaf([5]);
  const target = int([4, 0, 2]);
  const f = (t: dt.Tensor) => dt.crossEntropy(dt.layerNorm(t, 5, w, b).mul(2), target);
  const fused = dt.autograd.grad(f(x), [x, w, b]);
  const composed = dt.autograd.grad(f(x), [x, w, b], { createGraph: true });
  fused.forEach((g, i) => assertClose(composed[i]!, g.toTypedArray(), 1e-12, `input ${i}`));
  assert.ok(composed.every((g) => g.gradFn));
});

test('gradgradcheck catches a backward that is right once but not differentiable', () => {
  // the gradient 2·g·x computed outside the graph: first derivatives right, second ones missing
  const rawSquare = (x: dt.Tensor) =>
    record(
      dt.noGrad(() => x.mul(x)),
      'RawSquare',
      [x],
      (g) => [dt.noGrad(() => g.mul(x).mul(2))],
    );
  assert.equal(dt.gradcheck(rawSquare, [leaf([3])]), true);
  assert.throws(() => dt.gradgradcheck(rawSquare, [leaf([3])]), /gradcheck: input 0 \(3,\), element 0: backward gives 0, central differences give/);
  // with a composed forward the engine differentiates that instead
  const withComposed = (x: dt.Tensor) =>
    record(
      dt.noGrad(() => x.mul(x)),
      'RawSquare',
      [x],
      (g) => [dt.noGrad(() => g.mul(x).mul(2))],
      () => x.mul(x),
    );
  assert.equal(dt.gradgradcheck(withComposed, [leaf([3])]), true);
});

test("an op marked 'unsupported' raises in createGraph mode, naming itself, and works otherwise", () => {
  const x = leaf([3]);
  const op = (t: dt.Tensor) =>
    record(
      dt.noGrad(() => t.mul(3)),
      'Tripler',
      [t],
      (g) => [dt.noGrad(() => g.mul(3))],
      'unsupported',
    );
  assert.throws(() => dt.autograd.grad(op(x).sum(), x, { createGraph: true }), /Tripler: double backward is not supported/);
  assert.throws(() => op(x).sum().backward({ createGraph: true }), /Tripler: double backward is not supported/);
  assert.deepEqual(dt.autograd.grad(op(x).sum(), x)[0]!.toArray(), [3, 3, 3]);
});

test('createGraph: the storage pool recycles nothing the recorded backward holds', () => {
  const N = 64;
  dt.manualSeed(11);
  const x0 = dt.randn([N, 128], { dtype: 'float64' });
  const w = dt.randn([128, 128], { dtype: 'float64' }).mul(0.1);
  const f = (x: dt.Tensor) => dt.matmul(x, w).tanh().matmul(w).tanh().square().sum();
  const hvp = (churn: boolean) => {
    const x = x0.clone().requiresGrad_();
    const [g] = dt.autograd.grad(f(x), x, { createGraph: true });
    // allocations of the sizes of the backward's temporaries: they must not get its storages
    if (churn) for (let i = 0; i < 8; i++) dt.randn([N, 128], { dtype: 'float64' }).fill_(7);
    return dt.autograd.grad(g!.square().sum(), x)[0]!;
  };
  clearStoragePool();
  const x = x0.clone().requiresGrad_();
  dt.autograd.grad(f(x), x);
  assert.ok(storagePoolBytes() > 0, 'a plain pass recycles its temporaries');
  clearStoragePool();
  const y = x0.clone().requiresGrad_();
  dt.autograd.grad(f(y), y, { createGraph: true });
  assert.equal(storagePoolBytes(), 0, 'a recording pass recycles nothing');
  const clean = hvp(false);
  clearStoragePool();
  assert.deepEqual(Array.from(hvp(true).toTypedArray()), Array.from(clean.toTypedArray()));
  clearStoragePool();
});
