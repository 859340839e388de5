// The models: GPT as nanoGPT (tying, init, optimizer groups, shapes), LLaMA, BERT and ALBERT
// (one shared layer, falling MLM loss), and the parameter formulas against allocated models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, Tensor, Generator, noGrad, randint } from '../../src/index.js';
import { GPT } from '../../src/models/gpt.js';
import { Llama, LLAMA_DEFAULTS } from '../../src/models/llama.js';
import { BertModel, BertForMaskedLM, type BertConfig } from '../../src/models/bert.js';
import { AlbertModel, AlbertForMaskedLM } from '../../src/models/albert.js';
import {
  gptParamCount,
  llamaParamCount,
  bertParamCount,
  albertParamCount,
  transformerSizes,
  transformerParamTable,
  roundLike,
} from '../../src/models/model-sizes.js';
import { maskTokens } from '../../src/data/token-batcher.js';
import { AdamW } from '../../src/optim/adamw.js';
import { assertClose } from '../helpers.js';

const tinyGpt = { blockSize: 8, vocabSize: 11, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0, bias: true };
const ids = (B: number, T: number, V: number, seed = 1) => randint(0, V, [B, T], { generator: new Generator(seed) });

test('GPT: shapes, tied lm head, nanoGPT init, ln(V) loss at init, last-position logits without targets', () => {
  const m = new GPT({ ...tinyGpt, nEmbd: 64, nHead: 4, nLayer: 4, vocabSize: 50 }, { generator: new Generator(0) });
  assert.equal(m.lmHead.weight, m.transformer.wte.weight, 'the same Parameter');
  assert.equal(m.namedParameters().filter(([n]) => n.includes('wte') || n.includes('lmHead')).length, 1);
  const std = (t: Tensor) => Math.sqrt(t.square().mean().item());
  assert.ok(Math.abs(std(m.transformer.h.at<any>(0).mlp.cFc.weight) - 0.02) < 0.002);
  assert.ok(Math.abs(std(m.transformer.h.at<any>(0).mlp.cProj.weight) - 0.02 / Math.sqrt(8)) < 0.001, 'residual projections scaled by 1/√(2·nLayer)');
  assert.equal(m.transformer.h.at<any>(0).attn.cAttn.bias.abs().sum().item(), 0);
  const x = ids(3, 8, 50),
    y = ids(3, 8, 50, 2);
  const { logits, loss } = m.forward(x, y);
  assert.deepEqual(logits.shape, [3, 8, 50]);
  assert.ok(Math.abs(loss!.item() - Math.log(50)) < 0.1, `loss at init ${loss!.item()} ≈ ln 50`);
  const last = m.forward(x).logits;
  assert.deepEqual(last.shape, [3, 1, 50]);
  assertClose(last.select(1, 0), logits.select(1, 7).toTypedArray(), 1e-5);
  assert.equal(m.getNumParams(), m.numParameters() - 8 * 64);
  assert.equal(m.numParameters(), gptParamCount({ ...tinyGpt, nEmbd: 64, nLayer: 4, vocabSize: 50 }));
});

test('GPT.configureOptimizers: weight decay on ≥ 2-D parameters only (nanoGPT)', () => {
  const m = new GPT(tinyGpt);
  const opt = m.configureOptimizers({ weightDecay: 0.1, lr: 1e-3, betas: [0.9, 0.99] });
  assert.ok(opt instanceof AdamW);
  const [decay, noDecay] = opt.paramGroups;
  assert.equal(decay!.weightDecay, 0.1);
  assert.equal(noDecay!.weightDecay, 0);
  assert.ok(decay!.params.every((p) => p.ndim >= 2) && noDecay!.params.every((p) => p.ndim < 2));
  assert.equal(decay!.params.length + noDecay!.params.length, m.parameters().length);
  assert.deepEqual(decay!.betas, [0.9, 0.99]);
});

test('GPT: trains (loss falls on a fixed batch), errors name the model and the shapes', () => {
  const m = new GPT(tinyGpt, { generator: new Generator(4) });
  const opt = m.configureOptimizers({ weightDecay: 0.1, lr: 1e-2, betas: [0.9, 0.99] });
  const x = ids(4, 8, 11),
    y = ids(4, 8, 11, 9);
  const losses: number[] = [];
  for (let i = 0; i < 25; i++) {
    const { loss } = m.forward(x, y);
    loss!.backward();
    opt.step();
    opt.zeroGrad();
    losses.push(loss!.item());
  }
  assert.ok(losses[24]! < 0.6 * losses[0]!, `loss ${losses[0]} → ${losses[24]}`);
  assert.throws(() => m.forward(ids(1, 9, 11)), /GPT: cannot forward a sequence of length 9, the block size is only 8/);
  assert.throws(() => m.forward(tensor([[1, 2]])), /GPT: idx must be int32 token ids of shape \(B, T\), got float32 \(1,2\)/);
  assert.throws(() => m.forward(ids(1, 4, 11), ids(1, 3, 11)), /GPT: targets must be int32 of the ids' shape \(1,4\), got int32 \(1,3\)/);
  assert.throws(() => new GPT({ ...tinyGpt, nHead: 3 }), /GPT: nEmbd 8 must be divisible by nHead 3/);
});

test('LLaMA: RMSNorm/RoPE/SwiGLU decoder, untied output, cached decoding equals the full pass, parameter formula', () => {
  const c = { ...LLAMA_DEFAULTS, dim: 16, nLayers: 2, nHeads: 2, vocabSize: 13, multipleOf: 8, blockSize: 12 };
  const m = new Llama(c, { generator: new Generator(5) });
  assert.notEqual(m.output.weight, m.tokEmbeddings.weight);
  assert.equal(m.numParameters(), llamaParamCount(c));
  assert.equal(m.layers.at<any>(0).feedForward.w1.outFeatures, 48, '⌈(2/3)·4·16⌉ to a multiple of 8');
  const x = ids(2, 6, 13);
  const { logits, loss } = m.forward(x, ids(2, 6, 13, 3));
  assert.ok(Math.abs(loss!.item() - Math.log(13)) < 0.2);
  const caches = m.makeCaches();
  noGrad(() => {
    const a = m.forward(x.narrow(1, 0, 4), null, { caches }).logits;
    assertClose(a.select(1, 0), logits.select(1, 3).toTypedArray(), 1e-5);
    const b = m.forward(x.narrow(1, 4, 2), null, { caches, allLogits: true }).logits;
    assertClose(b, logits.narrow(1, 4, 2).toTypedArray(), 1e-5);
  });
  assert.throws(() => new Llama({ ...c, nHeads: 16 }), /Llama: dim 16 must split into 16 heads of an even size/);
});

const tinyBert: BertConfig = {
  vocabSize: 20,
  hiddenSize: 16,
  numHiddenLayers: 3,
  numAttentionHeads: 2,
  intermediateSize: 32,
  maxPositionEmbeddings: 12,
  typeVocabSize: 2,
  dropout: 0,
  layerNormEps: 1e-12,
};

test('BERT and ALBERT: parameter formulas equal the allocated models (with and without pooler)', () => {
  assert.equal(new BertModel(tinyBert).numParameters(), bertParamCount(tinyBert));
  assert.equal(new BertModel(tinyBert, { addPoolingLayer: false }).numParameters(), bertParamCount(tinyBert, { pooler: false }));
  const ac = { ...tinyBert, embeddingSize: 6 };
  assert.equal(new AlbertModel(ac).numParameters(), albertParamCount(ac));
  assert.equal(new AlbertModel(ac, { addPoolingLayer: false }).numParameters(), albertParamCount(ac, { pooler: false }));
});

test('ALBERT: its layers share one parameter set (the count does not grow with depth; every application gets gradient)', () => {
  const shallow = new AlbertModel({ ...tinyBert, embeddingSize: 6, numHiddenLayers: 1 });
  const deep = new AlbertModel({ ...tinyBert, embeddingSize: 6, numHiddenLayers: 12 });
  assert.equal(deep.numParameters(), shallow.numParameters());
  assert.equal(
    deep.namedParameters().filter(([n]) => n.startsWith('sharedLayer.')).length,
    new AlbertModel({ ...tinyBert, embeddingSize: 6 }).sharedLayer.parameters().length,
  );
  assert.ok(!deep.namedParameters().some(([n]) => /layers\.1\./.test(n)));
  // a deeper BERT has more parameters, a deeper ALBERT runs its one layer more times: different outputs
  const x = ids(1, 5, 20);
  const a = new AlbertModel({ ...tinyBert, embeddingSize: 6, numHiddenLayers: 2 }, { generator: new Generator(1) });
  const b = new AlbertModel({ ...tinyBert, embeddingSize: 6, numHiddenLayers: 3 }, { generator: new Generator(1) });
  assert.ok(a.forward(x).sub(b.forward(x)).abs().max().item() > 1e-3);
  assert.ok(new BertModel({ ...tinyBert, numHiddenLayers: 12 }).numParameters() > new BertModel(tinyBert).numParameters());
});

test('BERT and ALBERT MLM: the loss falls on Shakespeare-like text in a few steps; padding is ignored', () => {
  const text = 'To be, or not to be, that is the question: whether tis nobler in the mind to suffer';
  const chars = [...new Set(text)].sort();
  const stream = Int32Array.from([...text].map((c) => chars.indexOf(c)));
  const V = chars.length + 1,
    maskId = chars.length;
  for (const make of [
    () => new BertForMaskedLM({ ...tinyBert, vocabSize: V, maxPositionEmbeddings: 16 }, { generator: new Generator(2) }),
    () => new AlbertForMaskedLM({ ...tinyBert, vocabSize: V, maxPositionEmbeddings: 16, embeddingSize: 8 }, { generator: new Generator(2) }),
  ]) {
    const m = make();
    const opt = new AdamW(m.parameters(), { lr: 5e-3 });
    const gen = new Generator(3);
    const x = new Tensor(Int32Array.from(stream.subarray(0, 64)), 'int32', [4, 16]);
    const losses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const { input, labels } = maskTokens(x, { maskId, vocabSize: V, prob: 0.3, generator: gen });
      const { loss } = m.forward(input, labels);
      loss!.backward();
      opt.step();
      opt.zeroGrad();
      losses.push(loss!.item());
    }
    const first = (losses[0]! + losses[1]! + losses[2]!) / 3,
      last = (losses[47]! + losses[48]! + losses[49]!) / 3;
    assert.ok(last < 0.85 * first, `${m.constructor.name}: MLM loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
    // attention mask: padding positions change nothing for the real tokens
    m.eval();
    const real = x.narrow(0, 0, 1).narrow(1, 0, 10);
    const padded = new Tensor(Int32Array.from([...real.toTypedArray(), 0, 0, 0, 0, 0, 0]), 'int32', [1, 16]);
    const mask = new Tensor(Int32Array.from([...new Array(10).fill(1), ...new Array(6).fill(0)]), 'int32', [1, 16]);
    const a = m.forward(real).logits,
      b = m.forward(padded, null, { attentionMask: mask }).logits.narrow(1, 0, 10);
    assertClose(b, a.toTypedArray(), 1e-4);
  }
});

test("parameter tables: the lecture's rows, exact LLaMA-7B, rounding to the slides", () => {
  const rows = transformerSizes();
  const by = (n: string) => rows.find((r) => r.name === n)!;
  assert.equal(by('llama-7b').params, 6_738_415_616);
  assert.equal(by('gpt3-small').params, 125_226_240);
  assert.equal(roundLike(by('bert-base').params, '108M'), '108M');
  assert.equal(roundLike(by('bert-large').params, '334M'), '334M');
  for (const n of [
    'gpt3-small',
    'gpt3-large',
    'gpt3-xl',
    'gpt3-2.7b',
    'gpt3-6.7b',
    'gpt3-13b',
    'llama-7b',
    'llama-13b',
    'llama-33b',
    'bert-base',
    'bert-large',
    'albert-base',
    'albert-large',
  ]) {
    assert.ok(by(n).matchesSlide, `${n}: ${by(n).params} should round to ${by(n).slideFigure}`);
  }
  for (const n of ['gpt3-medium', 'gpt3-175b', 'llama-65b', 'albert-xlarge', 'albert-xxlarge'])
    assert.ok(!by(n).matchesSlide && by(n).note.length > 10, `${n} prints both`);
  assert.equal(rows.length, 18);
  const table = transformerParamTable('llama');
  assert.equal(table.length, 5);
  assert.match(table[1]!, /llama-7b .* 6,738,415,616 +6\.7B +6\.7B =/);
  assert.throws(() => transformerParamTable('gpt-5'), /params: no transformer size matches 'gpt-5'/);
  assert.throws(() => roundLike(1, '12 thousand'), /roundLike: cannot read the figure '12 thousand'/);
});
