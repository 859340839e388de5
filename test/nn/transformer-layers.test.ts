// The transformer layers: float64 gradchecks through each module, their PyTorch defaults, the KV
// cache, positions, and bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gradcheck, tensor, Tensor, Generator, noGrad } from '../../src/index.js';
import {
  Embedding,
  LayerNorm,
  RMSNorm,
  MultiheadAttention,
  LayerKVCache,
  LearnedPositionalEmbedding,
  SinusoidalPositionalEncoding,
  RotaryEmbedding,
  FeedForward,
  SwiGLU,
  swigluHidden,
  TransformerEncoderLayer,
  TransformerDecoderLayer,
  TransformerEncoder,
} from '../../src/nn/index.js';
import { leaf, assertClose } from '../helpers.js';

const int = (data: number[], shape?: number[]) => tensor(data, { dtype: 'int32', shape });

test('Embedding: N(0, 1) init, zero padding row, lookup, gradcheck of the table', () => {
  const e = new Embedding(50, 8, { paddingIdx: 3, generator: new Generator(1) });
  assert.deepEqual(e.weight.shape, [50, 8]);
  assertClose(e.weight.select(0, 3), new Array(8).fill(0));
  const std = Math.sqrt(e.weight.square().mean().item());
  assert.ok(std > 0.85 && std < 1.15, `std ${std}`);
  const small = new Embedding(6, 3).to('float64');
  const ids = int([0, 5, 5, 2], [2, 2]);
  gradcheck(() => small.forward(ids), small.parameters()); // the table is the input: gradcheck perturbs it in place
  assert.deepEqual(small.forward(ids).shape, [2, 2, 3]);
  assert.equal(String(e), 'Embedding(50, 8, paddingIdx=3)');
});

test('LayerNorm and RMSNorm: PyTorch defaults (weight 1, bias 0, eps 1e-5 / 1e-6), gradchecks', () => {
  const ln = new LayerNorm(6);
  assertClose(ln.weight!, new Array(6).fill(1));
  assertClose(ln.bias!, new Array(6).fill(0));
  assert.equal(ln.eps, 1e-5);
  assert.equal(new LayerNorm(4, { bias: false }).bias, null);
  assert.equal(new LayerNorm(4, { elementwiseAffine: false }).weight, null);
  const rms = new RMSNorm(6);
  assert.equal(rms.eps, 1e-6);
  for (const m of [new LayerNorm(5), new RMSNorm(5)]) {
    m.to('float64');
    noGrad(() => m.parameters().forEach((p) => p.copy_(leaf(p.shape as number[]).detach())));
    gradcheck((x) => m.forward(x), [leaf([2, 3, 5])]);
    const x = leaf([2, 5]).detach();
    gradcheck(() => m.forward(x), m.parameters());
  }
});

function attentionModule(embedDim = 6): MultiheadAttention {
  return new MultiheadAttention(embedDim, 2, { generator: new Generator(3) }).to('float64');
}

test('MultiheadAttention: gradchecks (self, causal, key padding, cross-attention with kdim/vdim)', () => {
  const m = attentionModule();
  gradcheck((x) => m.forward(x), [leaf([2, 3, 6])]);
  gradcheck((x) => m.forward(x, x, x, { isCausal: true }), [leaf([2, 4, 6])]);
  const pad = tensor([
    [false, false, true, true],
    [false, false, false, false],
  ]);
  gradcheck((x) => m.forward(x, x, x, { keyPaddingMask: pad }), [leaf([2, 4, 6])]);
  const cross = new MultiheadAttention(6, 3, { kdim: 4, vdim: 5 }).to('float64');
  gradcheck((q, kv, v) => cross.forward(q, kv, v), [leaf([1, 2, 6]), leaf([1, 5, 4]), leaf([1, 5, 5])]);
  // through the weights: the gradient reaches every projection
  const x = leaf([1, 3, 6]).detach();
  gradcheck(() => m.forward(x, x, x, { isCausal: true }), m.parameters());
});

test('MultiheadAttention: a key-padding mask equals dropping the padded keys', () => {
  const m = attentionModule();
  const q = leaf([1, 2, 6]),
    kv = leaf([1, 5, 6]);
  const masked = m.forward(q, kv, kv, { keyPaddingMask: tensor([[false, false, false, true, true]]) });
  const cut = m.forward(q, kv.narrow(1, 0, 3), kv.narrow(1, 0, 3));
  assertClose(masked, cut.toTypedArray(), 1e-12);
  // a bool attnMask (true = not allowed, as nn.MultiheadAttention) gives the same
  const am = tensor([
    [false, false, false, true, true],
    [false, false, false, true, true],
  ]);
  assertClose(m.forward(q, kv, kv, { attnMask: am }), cut.toTypedArray(), 1e-12);
});

test('MultiheadAttention: weights collects (B, H, Tq, Tk) attention weights and changes nothing', () => {
  const m = attentionModule();
  const q = leaf([2, 2, 6]),
    kv = leaf([2, 5, 6]);
  const keyPaddingMask = tensor([
    [false, false, false, true, true],
    [false, false, false, false, false],
  ]);
  const weights: Tensor[] = [];
  const y = m.forward(q, kv, kv, { keyPaddingMask, weights });
  assertClose(y, m.forward(q, kv, kv, { keyPaddingMask }).toTypedArray(), 1e-12);
  assert.equal(weights.length, 1);
  assert.deepEqual(weights[0]!.shape, [2, 2, 2, 5]);
  const w = weights[0]!.toTypedArray();
  for (let r = 0; r < 4; r++) assert.deepEqual([...w.subarray(r * 5 + 3, r * 5 + 5)], [0, 0], `padded keys of row ${r}`);
  assert.throws(() => m.forward(q, kv, kv, { weights: {} as never }), /MultiheadAttention.forward: weights must be an array/);
});

test('MultiheadAttention with a LayerKVCache: token-by-token equals the full causal pass (with rotary too)', () => {
  for (const rotary of [null, new RotaryEmbedding(4, { maxSeqLen: 16, dtype: 'float64' })]) {
    const m = attentionModule(8);
    const x = leaf([2, 5, 8]).detach();
    const full = m.forward(x, x, x, { isCausal: true, rotary });
    const cache = new LayerKVCache(8);
    const first = m.forward(x.narrow(1, 0, 2), undefined, undefined, { isCausal: true, cache, rotary });
    const steps = [first, ...[2, 3, 4].map((t) => m.forward(x.narrow(1, t, 1), undefined, undefined, { isCausal: true, cache, rotary }))];
    assert.equal(cache.length, 5);
    const got = steps.flatMap((s) => [...Array(s.shape[1]).keys()].map((i) => s.select(1, i)));
    got.forEach((row, t) => assertClose(row, full.select(1, t).toTypedArray(), 1e-12, `position ${t}`));
    assert.throws(
      () => cache.append(Tensor.empty([2, 2, 4, 3], 'float64'), Tensor.empty([2, 2, 4, 3], 'float64')),
      /LayerKVCache: appending 4 positions to 5 exceeds the capacity 8/,
    );
  }
});

test('positions: learned (offset), sinusoidal table values, rotary keeps norms and makes scores relative', () => {
  const lp = new LearnedPositionalEmbedding(10, 4).to('float64');
  const x = leaf([2, 3, 4]).detach();
  assertClose(lp.forward(x, 2).sub(x), lp.wpe.weight.narrow(0, 2, 3).expand(2, 3, 4).toTypedArray(), 1e-12);
  assert.throws(() => lp.forward(x, 8), /LearnedPositionalEmbedding: positions 8..10 exceed the maximum length 10/);
  const sp = new SinusoidalPositionalEncoding(6, 20);
  const pe = sp.pe;
  assertClose([pe.storage[0]!, pe.storage[1]!], [0, 1], 1e-7);
  assertClose([pe.storage[3 * 6 + 2]!, pe.storage[3 * 6 + 3]!], [Math.sin(3 / 10000 ** (2 / 6)), Math.cos(3 / 10000 ** (2 / 6))], 1e-6);
  assert.equal(sp.stateDict().pe, undefined, 'the table is not saved');
  const rope = new RotaryEmbedding(4, { maxSeqLen: 32, dtype: 'float64' });
  const q = leaf([1, 1, 1, 4]).detach(),
    k = leaf([1, 1, 1, 4]).detach();
  const score = (i: number, j: number) => rope.forward(q, i).mul(rope.forward(k, j)).sum().item();
  assert.ok(Math.abs(score(3, 1) - score(12, 10)) < 1e-12, 'q·k depends on i − j only');
  assertClose([rope.forward(q, 7).square().sum().item()], [q.square().sum().item()], 1e-12);
  gradcheck((t) => rope.forward(t, 5), [leaf([2, 1, 3, 4])]);
  assert.throws(() => new RotaryEmbedding(5), /RotaryEmbedding: headDim must be a positive even integer, got 5/);
});

test('FeedForward and SwiGLU: shapes, LLaMA hidden size, gradchecks', () => {
  assert.equal(swigluHidden(4096), 11008);
  assert.equal(swigluHidden(8192), 22016);
  for (const m of [
    new FeedForward(4, 8, { activation: 'gelu' }),
    new FeedForward(4, 8, { activation: 'relu' }),
    new FeedForward(4, 8, { activation: 'geluTanh' }),
    new SwiGLU(4, 6),
  ]) {
    m.to('float64');
    gradcheck((x) => m.forward(x), [leaf([2, 3, 4], { gap: 0.05 })]);
  }
  assert.equal(new SwiGLU(4, 6).numParameters(), 3 * 4 * 6);
  assert.throws(() => new FeedForward(4, 8, { activation: 'swish' as 'gelu' }), /FeedForward: activation must be 'gelu', 'geluTanh' or 'relu', got 'swish'/);
});

test('Transformer encoder/decoder layers: pre- and post-norm gradchecks, PyTorch structure and defaults', () => {
  for (const normFirst of [false, true]) {
    const enc = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, normFirst }).to('float64');
    gradcheck((x) => enc.forward(x), [leaf([2, 3, 4])]);
    gradcheck((x) => enc.forward(x, { isCausal: true }), [leaf([1, 3, 4])]);
    const dec = new TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, normFirst }).to('float64');
    gradcheck((x, mem) => dec.forward(x, mem), [leaf([2, 3, 4]), leaf([2, 5, 4])]);
    const x = leaf([1, 3, 4]).detach(),
      mem = leaf([1, 2, 4]).detach();
    gradcheck(() => dec.forward(x, mem), dec.parameters());
  }
  const l = new TransformerEncoderLayer(8, 2);
  assert.equal(l.dropout1.p, 0.1);
  assert.equal(l.ff.activation, 'relu');
  assert.equal(l.ff.fc1.outFeatures, 2048);
  // post-norm: the output rows are normalized
  const y = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }).forward(leaf([1, 3, 8]).detach().float());
  assertClose(y.mean(-1), [0, 0, 0], 1e-5);
  const stack = new TransformerEncoder(() => new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 3);
  assert.equal(stack.numParameters(), 3 * new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).numParameters());
  assert.throws(() => new TransformerEncoder(() => l, 0), /TransformerEncoder: numLayers must be a positive integer, got 0/);
});

test('nn transformer modules: bad inputs are errors naming the module, the shapes and what was expected', () => {
  assert.throws(() => new MultiheadAttention(10, 3), /MultiheadAttention: embedDim 10 must be divisible by numHeads 3/);
  const m = new MultiheadAttention(6, 2);
  assert.throws(() => m.forward(Tensor.empty([3, 6])), /MultiheadAttention: query must be \(B, T, E\), got \(3,6\)/);
  assert.throws(() => m.forward(Tensor.empty([1, 3, 5])), /MultiheadAttention: query \(1,3,5\) has 5 features, expected embedDim 6/);
  assert.throws(
    () => m.forward(Tensor.empty([1, 3, 6]), undefined, undefined, { keyPaddingMask: tensor([[true, false]]) }),
    /keyPaddingMask must be a bool \(B, Tk\) = \(1,3\) tensor, got bool \(1,2\)/,
  );
  assert.throws(() => new Embedding(0, 3), /Embedding: numEmbeddings must be a positive integer, got 0/);
  assert.throws(() => new LayerNorm([2, -1]), /LayerNorm: normalizedShape must be positive integers, got \[2, -1\]/);
  assert.throws(
    () => new SinusoidalPositionalEncoding(4, 8).forward(Tensor.empty([1, 2, 5])),
    /SinusoidalPositionalEncoding: input \(1,2,5\) has 5 features, expected 4/,
  );
  assert.throws(() => new LayerKVCache(0), /LayerKVCache: capacity must be a positive integer, got 0/);
});
