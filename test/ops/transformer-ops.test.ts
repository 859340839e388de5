// The transformer ops: float64 gradchecks, agreement of the fused attention with the composed
// ops, and the bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, tensor, Tensor } from '../../src/index.js';
import { layerNorm, rmsNorm, embedding, scaledDotProductAttention, causalMask, attentionWeights, matmul } from '../../src/ops/index.js';
import { gelu, erf, exp, tanh } from '../../src/ops/index.js';
import { leaf, assertClose } from '../helpers.js';

const int = (data: number[], shape?: number[]) => tensor(data, { dtype: 'int32', shape });

test('layerNorm: gradcheck with weight and bias, without, and over two trailing dims', () => {
  gradcheck((x, w, b) => layerNorm(x, 5, w, b), [leaf([3, 5]), leaf([5]), leaf([5])]);
  gradcheck((x) => layerNorm(x, [5]), [leaf([2, 2, 5])]);
  gradcheck((x, w) => layerNorm(x, [2, 3], w, null, 1e-3), [leaf([4, 2, 3]), leaf([2, 3])]);
});

test('layerNorm matches the composed formula (biased variance, eps inside the root)', () => {
  const x = leaf([4, 6]),
    w = leaf([6]),
    b = leaf([6]);
  const mu = x.mean(-1, true),
    v = x.sub(mu).square().mean(-1, true);
  const ref = x.sub(mu).div(v.add(1e-5).sqrt()).mul(w).add(b);
  assertClose(layerNorm(x, 6, w, b), ref.toTypedArray(), 1e-12);
});

test('rmsNorm: gradcheck and the formula', () => {
  gradcheck((x, w) => rmsNorm(x, 7, w), [leaf([3, 7]), leaf([7])]);
  gradcheck((x) => rmsNorm(x, 4), [leaf([2, 3, 4])]);
  const x = leaf([2, 5]),
    w = leaf([5]);
  assertClose(rmsNorm(x, 5, w, 1e-6), x.div(x.square().mean(-1, true).add(1e-6).sqrt()).mul(w).toTypedArray(), 1e-12);
});

test('embedding: rows by id, gradient accumulates repeated ids, paddingIdx gets none', () => {
  const w = leaf([5, 3]);
  const ids = int([1, 4, 1, 0, 2, 1], [2, 3]);
  gradcheck((t) => embedding(ids, t), [w]);
  const y = embedding(ids, w);
  assert.deepEqual(y.shape, [2, 3, 3]);
  assertClose(y.select(0, 1).select(0, 0), w.select(0, 0).toTypedArray());
  y.sum().backward();
  assertClose(w.grad!.select(0, 1), [3, 3, 3]);
  w.grad = null;
  embedding(ids, w, { paddingIdx: 1 }).sum().backward();
  assertClose(w.grad!.select(0, 1), [0, 0, 0]);
  assertClose(w.grad!.select(0, 4), [1, 1, 1]);
});

test('scaledDotProductAttention: gradchecks of the fused kernel (causal, additive and bool masks, 3-D, KV-cache shapes)', () => {
  gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }), [leaf([2, 2, 4, 3]), leaf([2, 2, 4, 3]), leaf([2, 2, 4, 3])]);
  gradcheck((q, k, v) => scaledDotProductAttention(q, k, v), [leaf([1, 3, 5, 2]), leaf([1, 3, 6, 2]), leaf([1, 3, 6, 4])]);
  const bool = tensor([
    [true, true, false],
    [true, false, true],
  ]).view(2, 1, 1, 3);
  gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { attnMask: bool }), [leaf([2, 2, 3, 4]), leaf([2, 2, 3, 4]), leaf([2, 2, 3, 4])]);
  const add = leaf([3, 3]).detach();
  gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { attnMask: add, scale: 0.7 }), [leaf([2, 3, 2]), leaf([2, 3, 2]), leaf([2, 3, 2])]);
  gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }), [leaf([1, 2, 2, 3]), leaf([1, 2, 5, 3]), leaf([1, 2, 5, 3])]);
});

test('attentionWeights: the weights scaledDotProductAttention applies (rows sum to 1, masked keys 0, causal, 3-D), with a gradient', () => {
  const q = leaf([2, 2, 3, 4]),
    k = leaf([2, 2, 5, 4]),
    v = leaf([2, 2, 5, 3]);
  const bool = tensor([[true, true, false, true, true]]).view(1, 1, 1, 5);
  for (const opts of [{}, { isCausal: true }, { attnMask: bool, scale: 0.6 }]) {
    const w = attentionWeights(q, k, opts);
    assert.deepEqual(w.shape, [2, 2, 3, 5]);
    assertClose(matmul(w, v), scaledDotProductAttention(q, k, v, opts).toTypedArray(), 1e-12);
    const rows = w.sum(-1).toTypedArray();
    rows.forEach((r) => assert.ok(Math.abs(r - 1) < 1e-12));
  }
  const masked = attentionWeights(q, k, { attnMask: bool }).toTypedArray();
  for (let r = 0; r < masked.length / 5; r++) assert.equal(masked[r * 5 + 2], 0);
  const causal = attentionWeights(q, k, { isCausal: true }).toTypedArray(); // bottom-right: query 0 sees keys 0..2
  for (let bh = 0; bh < 4; bh++) assert.deepEqual([...causal.subarray(bh * 15 + 3, bh * 15 + 5)], [0, 0]);
  assert.deepEqual(attentionWeights(leaf([2, 3, 4]), leaf([2, 5, 4])).shape, [2, 3, 5]);
  gradcheck((a, b) => attentionWeights(a, b, { isCausal: true }), [leaf([1, 2, 3, 2]), leaf([1, 2, 3, 2])]);
  assert.throws(() => attentionWeights(q, k, { dropoutP: 0.1 } as never), /attentionWeights: unknown option 'dropoutP'/);
  assert.throws(() => attentionWeights(q, k, { attnMask: tensor([[true, false]]) }), /attentionWeights: attnMask \(1,2\) does not broadcast/);
});

test('scaledDotProductAttention: fused == composed (values and gradients), on head-split strided views', () => {
  const qkv = leaf([2, 5, 3 * 6]);
  for (const opts of [{ isCausal: true }, { isCausal: false }, { attnMask: tensor([[true, true, true, false, true]]) }]) {
    const run = (implementation: 'fused' | 'composed') => {
      qkv.grad = null;
      const parts = qkv.view(2, 5, 3, 2, 3).permute(2, 0, 3, 1, 4); // (3, B, H, T, hs)
      const y = scaledDotProductAttention(parts.select(0, 0), parts.select(0, 1), parts.select(0, 2), { ...opts, implementation });
      y.mul(y).sum().backward();
      return [y.toTypedArray(), qkv.grad!.toTypedArray()] as const;
    };
    const [yf, gf] = run('fused'),
      [yc, gc] = run('composed');
    assertClose(yf, yc, 1e-12, 'values');
    assertClose(gf, gc, 1e-12, 'gradients');
  }
});

test('scaledDotProductAttention: causal rows of length Tq < Tk see the whole past (KV cache alignment)', () => {
  const q = leaf([1, 1, 6, 4]),
    k = leaf([1, 1, 6, 4]),
    v = leaf([1, 1, 6, 4]);
  const full = scaledDotProductAttention(q, k, v, { isCausal: true });
  const last2 = scaledDotProductAttention(q.narrow(2, 4, 2), k, v, { isCausal: true });
  assertClose(last2, full.narrow(2, 4, 2).toTypedArray(), 1e-12);
  assert.deepEqual(causalMask(2, 4).toArray(), [
    [true, true, true, false],
    [true, true, true, true],
  ]);
});

test('scaledDotProductAttention: dropout uses the composed path (recorded for autograd)', () => {
  const q = leaf([1, 1, 3, 2]);
  const y = scaledDotProductAttention(q, q, q, { dropoutP: 0.5 });
  assert.deepEqual(y.shape, [1, 1, 3, 2]);
  assert.ok(y.gradFn !== null);
});

test('gelu: the fused backward kernel gives the composed derivative, and passes gradcheck', () => {
  const x = leaf([3, 4]).detach();
  // exact: Φ(x) + xφ(x); tanh form: ½(1 + t) + ½x(1 − t²)·c(1 + 3·0.044715x²), t = tanh(c(x + 0.044715x³))
  const cdf = erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
  const pdf = exp(x.mul(x).mul(-0.5)).mul(1 / Math.sqrt(2 * Math.PI));
  const c = Math.sqrt(2 / Math.PI);
  const t = tanh(x.add(x.mul(x).mul(x).mul(0.044715)).mul(c));
  const dTanh = t
    .add(1)
    .mul(0.5)
    .add(
      x
        .mul(0.5)
        .mul(t.mul(t).neg().add(1))
        .mul(
          x
            .mul(x)
            .mul(3 * 0.044715)
            .add(1)
            .mul(c),
        ),
    );
  for (const [approximate, derivative] of [
    ['none', cdf.add(x.mul(pdf))],
    ['tanh', dTanh],
  ] as const) {
    const u = x.clone().requiresGrad_(),
      g = leaf([3, 4]).detach();
    gelu(u, approximate).mul(g).sum().backward();
    assertClose(u.grad!, derivative.mul(g).toTypedArray(), 1e-14);
    gradcheck((v) => gelu(v, approximate), [u]);
  }
});

test('transformer ops: bad inputs are errors naming the op, the shapes and what was expected', () => {
  const x = leaf([2, 4]);
  assert.throws(() => layerNorm(x, 5), /layerNorm: input \(2,4\) does not end with normalizedShape \(5,\)/);
  assert.throws(() => layerNorm(x, 4, leaf([3])), /layerNorm: weight has shape \(3,\), expected normalizedShape \(4,\)/);
  assert.throws(() => layerNorm(x, 4, Tensor.empty([4])), /layerNorm: weight is float32 but the input is float64/);
  assert.throws(() => layerNorm(int([1, 2]), 2), /layerNorm: expected a floating point tensor, got int32/);
  assert.throws(() => rmsNorm(x, [0]), /rmsNorm: normalizedShape must be positive integers/);
  assert.throws(() => embedding(tensor([1, 2]), leaf([3, 2])), /embedding: ids must have dtype int32, got float32/);
  assert.throws(() => embedding(int([1, 3]), leaf([3, 2])), /embedding: index 3 at position 1 is out of range for an embedding of 3 rows/);
  assert.throws(() => embedding(int([1]), leaf([3])), /embedding: weight must be 2-D \(numEmbeddings, embeddingDim\), got \(3,\)/);
  assert.throws(() => embedding(int([1]), leaf([3, 2]), { paddingIdx: 3 }), /embedding: paddingIdx 3 is out of range for 3 embeddings/);
  const q = leaf([1, 2, 3, 4]);
  assert.throws(
    () => scaledDotProductAttention(q, leaf([1, 2, 3, 5]), q),
    /scaledDotProductAttention: query \(1,2,3,4\) and key \(1,2,3,5\) must have the same feature size D/,
  );
  assert.throws(() => scaledDotProductAttention(q, q, leaf([1, 2, 4, 4])), /key \(1,2,3,4\) and value \(1,2,4,4\) must have the same length Tk/);
  assert.throws(() => scaledDotProductAttention(leaf([3, 4]), leaf([3, 4]), leaf([3, 4])), /must be \(B, H, T, D\) or \(B, T, D\), got \(3,4\)/);
  assert.throws(
    () => scaledDotProductAttention(q, q, q, { attnMask: tensor([true, false]) }),
    /attnMask \(2,\) does not broadcast to the scores \(B, H, Tq, Tk\) = \(1,2,3,3\)/,
  );
  assert.throws(() => scaledDotProductAttention(q, q, q, { dropoutP: 1 }), /dropoutP must be in \[0, 1\), got 1/);
  assert.throws(() => scaledDotProductAttention(q, leaf([2, 2, 3, 4]), q), /batch\/head dims differ/);
});
