// nn.Transformer against PyTorch 1.13 (fixtures/transformer/transformer.json, written by
// scripts/transformer_fixtures.py): PyTorch's state dict loads as it is, and with source and target
// padding, the causal mask and (norm_first) float and per-head masks, the eval-mode output and the
// gradients of the inputs and of every parameter match to 1e-5 relative in float32, on every
// backend; so do crossEntropy's label smoothing with ignoreIndex (and class weights). Then the
// cached step-by-step decoding, a float64 gradcheck, PyTorch's init and the errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { compare, loadFixture, tensorOf, type T } from '../f32-fixtures.js';
import { assertClose, leaf } from '../helpers.js';

const { nn } = dt;

type Case = {
  name: string;
  normFirst: boolean;
  batchFirst: boolean;
  activation: 'relu' | 'gelu';
  dModel: number;
  nhead: number;
  numEncoderLayers: number;
  numDecoderLayers: number;
  dimFeedforward: number;
  srcKeyPaddingMask: boolean[][];
  tgtKeyPaddingMask: boolean[][];
  srcMask?: T;
  memoryMask?: boolean[][][];
  src: T;
  tgt: T;
  out: T;
  r: T;
  dsrc: T;
  dtgt: T;
  state: Record<string, T>;
  grads?: Record<string, T>;
};
type CrossEntropyCase = {
  name: string;
  reduction: 'mean' | 'sum' | 'none';
  labelSmoothing: number;
  ignoreIndex: number;
  logits: T;
  target: number[];
  targetShape: number[];
  weight?: T;
  loss: T;
  r: T;
  dlogits: T;
};

const fixture = loadFixture<{ cases: Case[]; crossEntropy: CrossEntropyCase[] }>('transformer', 'transformer.json');

function build(c: Case): dt.nn.Transformer {
  const { dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, normFirst, batchFirst, activation } = c;
  const m = new nn.Transformer({ dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, normFirst, batchFirst, activation });
  const sd = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, tensorOf(v)]));
  assert.deepEqual(m.loadTorchStateDict(sd), { missingKeys: [], unexpectedKeys: [] }, `${c.name}: PyTorch's state dict loads as it is`);
  return m.eval();
}

function masks(c: Case): dt.nn.TransformerCallOptions {
  const srcKeyPaddingMask = dt.tensor(c.srcKeyPaddingMask);
  return {
    srcKeyPaddingMask,
    tgtKeyPaddingMask: dt.tensor(c.tgtKeyPaddingMask),
    memoryKeyPaddingMask: srcKeyPaddingMask,
    tgtMask: nn.Transformer.generateSquareSubsequentMask(c.out.shape[c.batchFirst ? 1 : 0]!),
    srcMask: c.srcMask ? tensorOf(c.srcMask) : null,
    memoryMask: c.memoryMask ? dt.tensor(c.memoryMask) : null,
  };
}

function check(c: Case): void {
  const m = build(c);
  const src = tensorOf(c.src, true),
    tgt = tensorOf(c.tgt, true);
  const out = m.forward(src, tgt, masks(c));
  compare(`${c.name}: output`, out, c.out);
  // the decoder is causal by default: no tgtMask gives the same
  compare(`${c.name}: output without tgtMask`, m.forward(src, tgt, { ...masks(c), tgtMask: null }), c.out);
  out.mul(tensorOf(c.r)).sum().backward();
  compare(`${c.name}: d src`, src.grad!, c.dsrc);
  compare(`${c.name}: d tgt`, tgt.grad!, c.dtgt);
  if (c.grads) {
    const params = m.torchParameters();
    assert.deepEqual(
      params.map(([k]) => k),
      Object.keys(c.grads),
      `${c.name}: PyTorch's parameter names, in its order`,
    );
    for (const [key, ps] of params) compare(`${c.name}: d ${key}`, dt.cat(ps.map((p) => p.grad!)), c.grads[key]!);
  }
  // and back: torchStateDict() is PyTorch's state dict
  const back = m.torchStateDict();
  assert.deepEqual(Object.keys(back), Object.keys(c.state));
  for (const [k, v] of Object.entries(c.state)) compare(`${c.name}: torchStateDict ${k}`, back[k]!, v, 0);
}

function crossEntropyCheck(c: CrossEntropyCase): void {
  const logits = tensorOf(c.logits, true);
  const target = dt.tensor(c.target, { dtype: 'int32', shape: c.targetShape });
  const loss = dt.crossEntropy(logits, target, {
    reduction: c.reduction,
    labelSmoothing: c.labelSmoothing,
    ignoreIndex: c.ignoreIndex,
    weight: c.weight ? tensorOf(c.weight) : undefined,
  });
  compare(`crossEntropy ${c.name}: loss`, loss, c.loss);
  loss.mul(tensorOf(c.r)).sum().backward();
  compare(`crossEntropy ${c.name}: d logits`, logits.grad!, c.dlogits);
}

for (const backend of dt.listBackends().filter((b) => b === 'js' || b === 'native')) {
  test(`${backend}: nn.Transformer (post-norm, norm_first with float and per-head masks, sequence-first GELU) matches PyTorch, outputs and gradients`, () => {
    const prev = dt.getBackend().name;
    dt.setBackend(backend);
    try {
      for (const c of fixture.cases) check(c);
    } finally {
      dt.setBackend(prev);
    }
  });
  test(`${backend}: crossEntropy with labelSmoothing and ignoreIndex (and class weights; mean, sum, none) matches PyTorch`, () => {
    const prev = dt.getBackend().name;
    dt.setBackend(backend);
    try {
      for (const c of fixture.crossEntropy) crossEntropyCheck(c);
    } finally {
      dt.setBackend(prev);
    }
  });
}

function tiny(opts: dt.nn.TransformerOptions = {}): dt.nn.Transformer {
  const g = new dt.Generator(7);
  return new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 16, generator: g, ...opts }).to('float64').eval();
}

test('cached step-by-step decoding equals the full forward; each layer projects the memory once per sentence', () => {
  for (const [normFirst, batchFirst] of [
    [false, true],
    [true, false],
  ] as const) {
    const m = tiny({ normFirst, batchFirst });
    const projections = [...m.decoder.layers].map((l) => {
      const kProj = (l as dt.nn.TransformerDecoderLayer).crossAttn.kProj;
      const counter = { calls: 0 };
      const forward = kProj.forward.bind(kProj);
      kProj.forward = (x: dt.Tensor) => {
        counter.calls++;
        return forward(x);
      };
      return counter;
    });
    const layout = (b: number, t: number) => (batchFirst ? [b, t, 8] : [t, b, 8]);
    const step = (x: dt.Tensor, t: number) => x.narrow(batchFirst ? 1 : 0, t, 1);
    const srcKeyPaddingMask = dt.tensor([
      [false, false, false, false, true],
      [false, false, false, false, false],
    ]);
    const { caches, memoryCaches } = m.makeDecoderCaches(6);
    for (const sentence of [0, 1]) {
      const src = leaf(layout(2, 5)).detach(),
        tgt = leaf(layout(2, 4)).detach();
      const full = m.forward(src, tgt, { srcKeyPaddingMask, memoryKeyPaddingMask: srcKeyPaddingMask });
      for (const c of caches) c.reset();
      const got = dt.noGrad(() => {
        const memory = m.encode(src, { srcKeyPaddingMask });
        return [0, 1, 2, 3].map((t) => m.decode(step(tgt, t), memory, { memoryKeyPaddingMask: srcKeyPaddingMask, caches, memoryCaches }));
      });
      got.forEach((y, t) => assertClose(y, step(full, t).toTypedArray(), 1e-12, `sentence ${sentence}, position ${t}`));
      // the full forward projects once, the steps once more (a new memory: not the stale keys)
      assert.deepEqual(
        projections.map((p) => p.calls),
        [2 * (sentence + 1), 2 * (sentence + 1)],
      );
    }
  }
});

test('gradcheck (float64): a tiny nn.Transformer, pre- and post-norm, with padding and masks, through its inputs and its parameters', () => {
  for (const normFirst of [false, true]) {
    const m = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, dropout: 0, normFirst }).to('float64');
    const pad = dt.tensor([
      [false, false, true],
      [false, false, false],
    ]);
    const opts = {
      srcKeyPaddingMask: pad,
      memoryKeyPaddingMask: pad,
      tgtKeyPaddingMask: dt.tensor([
        [false, false],
        [false, true],
      ]),
      srcMask: leaf([3, 3]).detach().mul(0.5),
    };
    dt.gradcheck((src, tgt) => m.forward(src, tgt, opts), [leaf([2, 3, 4]), leaf([2, 2, 4])]);
    const src = leaf([2, 3, 4]).detach(),
      tgt = leaf([2, 2, 4]).detach();
    dt.gradcheck(() => m.forward(src, tgt, opts), m.parameters());
  }
});

test("nn.Transformer: PyTorch's defaults, structure and init; generateSquareSubsequentMask; hidden dropout in training", () => {
  const m = new nn.Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1 });
  assert.equal(m.batchFirst, true);
  const enc = [...m.encoder.layers][0] as dt.nn.TransformerEncoderLayer;
  assert.equal(enc.ff.fc1.outFeatures, 2048);
  assert.equal(enc.ff.activation, 'relu');
  assert.equal(enc.normFirst, false);
  assert.equal(enc.ff.activationDropout?.p, 0.1, "PyTorch's dropout after the activation");
  assert.equal(m.encoder.norm?.eps, 1e-5);
  assert.ok(m.decoder.norm);
  // nn.MultiheadAttention's zero biases; Xavier-uniform matrices (q, k, v as one (3d, d) matrix)
  const sd = m.torchStateDict();
  assert.ok(sd['decoder.layers.0.multihead_attn.in_proj_bias']!.abs().max().item() === 0);
  assert.ok(sd['encoder.layers.0.self_attn.out_proj.bias']!.abs().max().item() === 0);
  const bound = (k: string) => sd[k]!.abs().max().item();
  const w = sd['encoder.layers.0.self_attn.in_proj_weight']!;
  assert.ok(bound('encoder.layers.0.self_attn.in_proj_weight') <= Math.sqrt(6 / 64) && w.std().item() > 0.8 * Math.sqrt(6 / 64 / 3));
  assert.ok(bound('encoder.layers.0.linear1.weight') <= Math.sqrt(6 / (16 + 2048)));
  // native names still load
  const again = new nn.Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1 });
  again.loadStateDict(m.stateDict());
  assert.deepEqual(again.torchStateDict()['encoder.layers.0.self_attn.in_proj_weight']!.toTypedArray(), w.toTypedArray());

  assert.deepEqual([...nn.Transformer.generateSquareSubsequentMask(3).toTypedArray()], [0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  assert.equal(nn.Transformer.generateSquareSubsequentMask(2, { dtype: 'float64' }).dtype, 'float64');

  // training: fc2(dropout(relu(fc1 x))) then dropout, as PyTorch's layer
  const g = new dt.Generator(3);
  const ff = new nn.FeedForward(4, 8, { activation: 'relu', dropout: 0.3, activationDropout: 0.5, generator: g });
  const x = dt.randn([2, 3, 4], { generator: new dt.Generator(1) });
  const before = g.getState();
  const y = ff.forward(x);
  g.setState(before);
  const h = nn.functional.dropout(dt.relu(ff.fc1.forward(x)), 0.5, true, { generator: g });
  assertClose(y, nn.functional.dropout(ff.fc2.forward(h), 0.3, true, { generator: g }).toTypedArray(), 1e-6);
  ff.eval();
  assertClose(ff.forward(x), ff.fc2.forward(dt.relu(ff.fc1.forward(x))).toTypedArray(), 1e-6);
});

test('nn.Transformer: bad inputs, masks, caches and state dicts are errors naming what was expected', () => {
  const m = tiny();
  const src = dt.randn([2, 5, 8], { dtype: 'float64' }),
    tgt = dt.randn([2, 3, 8], { dtype: 'float64' });
  assert.throws(() => m.forward(dt.randn([2, 5, 6]), tgt), /Transformer.forward: src must be \(B, S, dModel\) with dModel = 8, got \(2,5,6\)/);
  assert.throws(
    () => m.forward(src, dt.randn([3, 3, 8], { dtype: 'float64' })),
    /Transformer.forward: src \(2,5,8\) and tgt \(3,3,8\) must have the same batch size/,
  );
  assert.throws(
    () => tiny({ batchFirst: false }).encode(dt.randn([5, 2, 4])),
    /Transformer.encode: src must be \(S, B, dModel\) with dModel = 8, got \(5,2,4\)/,
  );
  assert.throws(
    () => m.forward(src, tgt, { srcMask: dt.zeros([5, 4]) }),
    /Transformer.forward: srcMask must be \(S, S\) = \(5,5\) or \(B·nhead, S, S\) = \(4,5,5\), got \(5,4\)/,
  );
  assert.throws(
    () => m.forward(src, tgt, { memoryMask: dt.zeros([3, 5], { dtype: 'int32' }) }),
    /Transformer.forward: memoryMask must be a bool or float mask, got int32/,
  );
  assert.throws(
    () => m.forward(src, tgt, { tgtKeyPaddingMask: dt.tensor([[false, true]]) }),
    /Transformer.forward: tgtKeyPaddingMask must be a bool \(B, T\) = \(2,3\) tensor, got bool \(1,2\)/,
  );
  const memory = m.encode(src);
  const { caches } = m.makeDecoderCaches(4);
  assert.throws(() => m.decode(tgt, memory, { caches: caches.slice(1) }), /Transformer.decode: caches must be an array of 2 LayerKVCaches/);
  m.decode(tgt.narrow(1, 0, 2), memory, { caches });
  assert.throws(
    () => m.decode(tgt.narrow(1, 2, 1), memory, { caches, tgtMask: dt.zeros([1, 1]) }),
    /Transformer.decode: tgtMask must be \(T, past \+ T\) = \(1,3\)/,
  );
  assert.throws(() => m.decode(tgt, memory.narrow(0, 0, 1)), /Transformer.decode: tgt \(2,3,8\) and memory \(1,5,8\) must have the same batch size/);
  const cross = ([...m.decoder.layers][0] as dt.nn.TransformerDecoderLayer).crossAttn;
  assert.throws(
    () => cross.forward(tgt, memory, memory, { memoryCache: new nn.MemoryKVCache(), cache: new nn.LayerKVCache(4) }),
    /MultiheadAttention.forward: memoryCache \(keys\/values of a fixed memory\) cannot be combined with cache or rotary/,
  );
  assert.throws(
    () => cross.forward(tgt, memory, memory, { attnMask: dt.zeros([2, 3, 5]) }),
    /MultiheadAttention: a 3-D attnMask must be \(B·H, Tq, Tk\) = \(4,3,5\), got \(2,3,5\)/,
  );
  assert.throws(() => new nn.Transformer({ dModel: 10, nhead: 3 }), /Transformer: dModel 10 must be divisible by nhead 3/);
  assert.throws(() => new nn.Transformer({ numDecoderLayers: 0 }), /Transformer: numDecoderLayers/);

  const sd = m.torchStateDict();
  const { 'decoder.layers.1.multihead_attn.in_proj_weight': _, ...missing } = sd;
  assert.throws(
    () => m.loadTorchStateDict(missing),
    /Transformer.loadTorchStateDict: error\(s\) loading the state dict:\n {2}missing key "decoder.layers.1.multihead_attn.in_proj_weight" \(expected shape \(24,8\)\)/,
  );
  assert.deepEqual(m.loadTorchStateDict(missing, { strict: false }).missingKeys, ['decoder.layers.1.multihead_attn.in_proj_weight']);
  assert.throws(
    () => m.loadTorchStateDict({ ...sd, 'encoder.layers.0.self_attn.in_proj_bias': dt.zeros([8]) }),
    /"encoder.layers.0.self_attn.in_proj_bias" has shape \(8,\), expected \(24,\)/,
  );
  assert.throws(() => m.loadTorchStateDict({ ...sd, 'encoder.layers.2.norm1.weight': dt.zeros([8]) }), /unexpected key\(s\) "encoder.layers.2.norm1.weight"/);
  assert.throws(() => m.loadTorchStateDict({ ...sd, 'decoder.norm.bias': [0] as unknown as dt.Tensor }), /"decoder.norm.bias" is not a Tensor/);
});
