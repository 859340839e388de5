// nn.withMetaParameters: layers and models built with shape-only parameters (PyTorch's
// device='meta') have the names, shapes, dtypes and counts of the allocated ones, without storage;
// the initializers check their arguments and skip them. `deepts params` counts this way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { GPT, BertForMaskedLM, AlbertForMaskedLM, Llama } from '../../src/models/index.js';
import { LLAMA_DEFAULTS } from '../../src/models/llama.js';

const { nn } = dt;

/** (name, shape, dtype, requiresGrad) of every parameter, in order. */
const parameterTable = (m: dt.nn.Module) => m.namedParameters().map(([n, p]) => [n, p.shape.join('x'), p.dtype, p.requiresGrad].join(' '));

function assertSameParameters(what: string, build: () => dt.nn.Module): void {
  const real = build();
  const meta = nn.withMetaParameters(build);
  assert.deepEqual(parameterTable(meta), parameterTable(real), `${what}: names, shapes, dtypes`);
  assert.equal(meta.numParameters(), real.numParameters(), `${what}: count`);
  for (const [name, p] of meta.namedParameters()) {
    assert.ok(p instanceof nn.Parameter && nn.isMeta(p) && p.storage.length === 0, `${what}: ${name} has no storage`);
  }
  assert.deepEqual(
    meta.namedBuffers().map(([n, b]) => [n, b.shape.join('x')]),
    real.namedBuffers().map(([n, b]) => [n, b.shape.join('x')]),
    `${what}: buffers (allocated as usual)`,
  );
}

test("every layer with parameters builds on the meta path with the allocated layer's parameters", () => {
  const layers: [string, () => dt.nn.Module][] = [
    ['Linear', () => new nn.Linear(5, 3)],
    ['Linear without bias, float64', () => new nn.Linear(5, 3, { bias: false, dtype: 'float64' })],
    ['Conv1d', () => new nn.Conv1d(4, 6, 3, { groups: 2 })],
    ['Conv2d', () => new nn.Conv2d(3, 8, [3, 5], { bias: false })],
    ['ConvTranspose2d', () => new nn.ConvTranspose2d(4, 6, 3, { groups: 2 })],
    ['BatchNorm1d', () => new nn.BatchNorm1d(7)],
    ['BatchNorm2d without affine', () => new nn.BatchNorm2d(7, { affine: false })],
    ['LayerNorm', () => new nn.LayerNorm([2, 3])],
    ['LayerNorm without bias', () => new nn.LayerNorm(4, { bias: false })],
    ['RMSNorm', () => new nn.RMSNorm(6)],
    ['Embedding with paddingIdx', () => new nn.Embedding(10, 4, { paddingIdx: 0 })],
    ['MultiheadAttention', () => new nn.MultiheadAttention(8, 2, { kdim: 6, vdim: 5 })],
    ['TransformerDecoderLayer', () => new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 })],
    ['SwiGLU', () => new nn.SwiGLU(8)],
  ];
  for (const [what, build] of layers) assertSameParameters(what, build);
});

test('the transformer models build on the meta path (tied weights counted once)', () => {
  const bert = {
    vocabSize: 20,
    hiddenSize: 16,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    intermediateSize: 32,
    maxPositionEmbeddings: 12,
    typeVocabSize: 2,
    dropout: 0,
    layerNormEps: 1e-12,
  };
  assertSameParameters('GPT', () => new GPT({ blockSize: 8, vocabSize: 11, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0, bias: true }));
  assertSameParameters('GPT without biases', () => new GPT({ blockSize: 8, vocabSize: 11, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0, bias: false }));
  assertSameParameters('BERT MLM', () => new BertForMaskedLM(bert));
  assertSameParameters('ALBERT MLM', () => new AlbertForMaskedLM({ ...bert, embeddingSize: 6 }));
  assertSameParameters('LLaMA', () => new Llama({ ...LLAMA_DEFAULTS, dim: 16, nLayers: 2, nHeads: 2, vocabSize: 13, multipleOf: 8, blockSize: 12 }));
});

test('meta parameters: the initializers check their arguments and skip them; outside the scope parameters are real again', () => {
  const w = nn.withMetaParameters(() => nn.emptyParameter([1000, 1000]));
  assert.ok(nn.isMeta(w) && nn.isMeta(w.select(0, 3)), 'a view of a meta tensor is meta');
  assert.equal(w.numel(), 1_000_000);
  assert.equal(nn.init.kaimingUniform_(w, { a: Math.sqrt(5) }), w);
  assert.equal(nn.init.normal_(w), w);
  assert.equal(nn.init.ones_(w), w);
  assert.throws(() => nn.init.uniform_(w, 2, 1), /uniform_: expected a <= b, got a=2, b=1/);
  assert.throws(() => nn.init.normal_(w, 0, -1), /normal_: std must be non-negative/);
  assert.throws(
    () => nn.init.kaimingNormal_(nn.withMetaParameters(() => nn.emptyParameter([3, 0]))),
    /kaimingNormal_: cannot initialize a tensor with zero fan/,
  );
  assert.equal(String(w), 'Parameter(meta, shape (1000,1000), float32)');
  assert.ok(nn.isMeta(new nn.Parameter(w)), 'wrapping a meta tensor keeps it meta');
  const real = nn.emptyParameter([2, 3]);
  assert.ok(!nn.isMeta(real) && real.storage.length === 6 && real.toTypedArray().every((v) => v === 0));
  assert.ok(!nn.isMeta(new nn.Linear(2, 2).weight));
  // a bad shape fails as it does without the meta path
  assert.throws(() => nn.withMetaParameters(() => nn.emptyParameter([-1, 2])));
  assert.throws(() => nn.emptyParameter([-1, 2]));
});
