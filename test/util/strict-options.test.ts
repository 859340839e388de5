// Issue 11, item 4 ("Strict options at run time"): every case the issue lists, PyTorch's keyword and
// positional forms computing what PyTorch computes, and a table that passes {bogus_key: 1} to
// every public function and constructor taking options. The table is checked against the exports:
// a new exported function or constructor with an options parameter and no entry fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dt from '../../src/index.js';
import { assertClose } from '../helpers.js';

const { nn, optim, models, tokenizers, generation, plots, metrics } = dt;
const F = nn.functional;

/** assert.throws with a TypeError whose message matches every pattern. */
function throwsType(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof TypeError, `expected a TypeError, got ${e.constructor.name}: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

// ---- the cases of the issue ----

test('issue: misspelled options are errors naming the key, the accepted keys and the camelCase spelling', () => {
  const ps = new nn.Linear(2, 1).parameters();
  throwsType(
    () => new optim.Adam(ps, { weight_decay: 0.1 } as object),
    /^Adam: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\); accepted: lr, betas, eps, weightDecay, amsgrad$/,
  );
  throwsType(
    () => dt.randn([2], { requires_grad: true } as object),
    /^randn: unknown option 'requires_grad' \(did you mean 'requiresGrad'\?\); accepted: dtype, requiresGrad, generator$/,
  );
  throwsType(
    () => new nn.Conv2d(1, 4, 3, { strides: 2 } as object),
    /^Conv2d: unknown option 'strides' \(did you mean 'stride'\?\); accepted: stride, padding, dilation, groups, bias, dtype, generator$/,
  );
  const ds = new dt.TensorDataset(dt.randn([6, 2]));
  throwsType(
    () => new dt.DataLoader(ds, { batch_size: 4 } as object),
    /^DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?\); accepted: batchSize, shuffle, dropLast, generator, collateFn$/,
  );
  const x = dt.randn([3, 4]),
    y = dt.tensor([0, 1, 1], { dtype: 'int32' });
  throwsType(
    () => dt.crossEntropy(x, y, { ignore_index: 1 } as object),
    /^crossEntropy: unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\); accepted: ignoreIndex, reduction, weight, labelSmoothing$/,
  );
  throwsType(() => dt.ones([2], { dtype: 'int64' } as object), /^ones: unknown dtype 'int64'; expected one of float32, float64, int32, bool/);
  // the same for every creation function and .to()
  throwsType(() => dt.zeros([2], { dtype: 'float16' } as object), /^zeros: unknown dtype 'float16'/);
  throwsType(() => dt.arange(3, undefined, 1, { dtype: 'long' } as object), /^arange: unknown dtype 'long'/);
  throwsType(() => dt.tensor([1, 2], { dtype: 'int64' } as object), /^tensor: unknown dtype 'int64'/);
  throwsType(() => dt.randn([2]).to('int64' as dt.DType), /^to: unknown dtype 'int64'/);
  throwsType(() => new nn.Linear(2, 2).to('half' as dt.DType), /^Module.to: unknown dtype 'half'/);
  throwsType(() => new nn.Linear(2, 2, { dtype: 'int64' } as object), /^Linear: unknown dtype 'int64'/);
});

test('issue: leakyRelu(x, {negativeSlope}) and nn.LeakyReLU({negativeSlope}) compute with that slope, as PyTorch', () => {
  const x = dt.tensor([-2, -0.5, 0, 3]);
  const expected = [-0.2, -0.05, 0, 3]; // F.leaky_relu(x, negative_slope=0.1)
  assertClose(dt.leakyRelu(x, { negativeSlope: 0.1 }), expected);
  assertClose(x.leakyRelu({ negativeSlope: 0.1 }), expected);
  assertClose(dt.leakyRelu(x, 0.1), expected);
  assertClose(new nn.LeakyReLU({ negativeSlope: 0.1 }).forward(x), expected);
  assertClose(new nn.LeakyReLU(0.1).forward(x), expected);
  assert.equal(new nn.LeakyReLU({ negativeSlope: 0.1 }).negativeSlope, 0.1);
  assertClose(dt.leakyRelu(x), [-0.02, -0.005, 0, 3]); // default 0.01
  assertClose(dt.leakyRelu(x, {}), [-0.02, -0.005, 0, 3]);
  throwsType(() => dt.leakyRelu(x, { negative_slope: 0.1 } as object), /did you mean 'negativeSlope'/);
  throwsType(() => new nn.LeakyReLU({ slope: 0.1 } as object), /LeakyReLU: unknown option 'slope'/);
  // the gradient uses the slope too
  const xg = dt.tensor([-2, 3], { requiresGrad: true });
  dt.leakyRelu(xg, { negativeSlope: 0.1 }).sum().backward();
  assertClose(xg.grad!, [0.1, 1]);
});

test('issue: x.clamp({min, max}) clamps as PyTorch; so do clamp(min), clamp(min, max), clamp(null, max)', () => {
  const x = dt.tensor([-3, -1, 0, 2, 5]);
  assertClose(x.clamp({ min: -1, max: 2 }), [-1, -1, 0, 2, 2]);
  assertClose(dt.clamp(x, { min: -1, max: 2 }), [-1, -1, 0, 2, 2]);
  assertClose(x.clamp(-1, 2), [-1, -1, 0, 2, 2]);
  assertClose(x.clamp(0), [0, 0, 0, 2, 5]);
  assertClose(x.clamp({ min: 0 }), [0, 0, 0, 2, 5]);
  assertClose(x.clamp(null, 1), [-3, -1, 0, 1, 1]);
  assertClose(x.clamp(undefined, 1), [-3, -1, 0, 1, 1]);
  assertClose(x.clamp({ max: 1 }), [-3, -1, 0, 1, 1]);
  assertClose(x.clamp({ min: null, max: 1 }), [-3, -1, 0, 1, 1]);
  assert.throws(() => x.clamp({}), /clamp: at least one of min and max must be given/);
  throwsType(() => x.clamp({ minimum: 0 } as object), /clamp: unknown option 'minimum'/);
  throwsType(() => x.clamp({ min: 0 }, 1), /clamp: pass clamp\(min, max\) or clamp\(\{min, max\}\), not both/);
  throwsType(() => x.clamp(dt.tensor([0]) as unknown as number), /clamp: min must be a number, got a Tensor/);
  // gradient passes inside only
  const xg = dt.tensor([-3, 0, 5], { requiresGrad: true });
  xg.clamp({ min: -1, max: 2 }).sum().backward();
  assertClose(xg.grad!, [0, 1, 0]);
});

test('keyword forms of the other activations: elu {alpha}, gelu {approximate}, softplus {beta, threshold}, softmax {dim}', () => {
  const x = dt.tensor([
    [-1, 0.5],
    [2, -3],
  ]);
  assertClose(dt.elu(x, { alpha: 0.5 }), dt.elu(x, 0.5).toTypedArray());
  assertClose(new nn.ELU({ alpha: 0.5 }).forward(x), dt.elu(x, 0.5).toTypedArray());
  assertClose(dt.elu(x, { alpha: 0.5 }), [0.5 * (Math.exp(-1) - 1), 0.5, 2, 0.5 * (Math.exp(-3) - 1)], 1e-6);
  assertClose(dt.gelu(x, { approximate: 'tanh' }), dt.gelu(x, 'tanh').toTypedArray());
  assert.notDeepEqual(Array.from(dt.gelu(x, { approximate: 'tanh' }).toTypedArray()), Array.from(dt.gelu(x).toTypedArray()));
  assert.equal(new nn.GELU({ approximate: 'tanh' }).approximate, 'tanh');
  assert.throws(() => dt.gelu(x, 'fast' as 'tanh'), /gelu: approximate must be one of 'none', 'tanh', got 'fast'/);
  assertClose(dt.softplus(x, { beta: 2, threshold: 1 }), dt.softplus(x, 2, 1).toTypedArray());
  assertClose(new nn.Softplus({ beta: 2, threshold: 1 }).forward(x), dt.softplus(x, 2, 1).toTypedArray());
  assertClose(dt.softmax(x, { dim: 0 }), dt.softmax(x, 0).toTypedArray());
  assertClose(new nn.Softmax({ dim: 0 }).forward(x), dt.softmax(x, 0).toTypedArray());
  assertClose(dt.logSoftmax(x, { dim: 0 }), dt.logSoftmax(x, 0).toTypedArray());
  assert.equal(new nn.Flatten({ startDim: 0 }).startDim, 0);
  assertClose(F.dropout(x, { p: 0.5, training: false }), x.toTypedArray());
  assert.equal(new nn.Dropout({ p: 0.25 }).p, 0.25);
  // losses: PyTorch's reduction keyword
  const a = dt.tensor([1, 2, 3]),
    b = dt.tensor([1, 1, 1]);
  assertClose(dt.mseLoss(a, b, { reduction: 'sum' }), [5]);
  assertClose(dt.l1Loss(a, b, { reduction: 'none' }), [0, 1, 2]);
  assert.equal(new nn.MSELoss('sum').reduction, 'sum');
  assert.throws(() => dt.mseLoss(a, b, 'avg' as 'mean'), /mseLoss: reduction must be one of 'mean', 'sum', 'none', got 'avg'/);
  throwsType(() => dt.mseLoss(a, b, { reduce: false } as object), /mseLoss: unknown option 'reduce'/);
  const p = dt.tensor([0.2, 0.9]),
    t = dt.tensor([0, 1]),
    w = dt.tensor([2, 1]);
  assertClose(dt.bceLoss(p, t, { weight: w, reduction: 'sum' }), dt.bceLoss(p, t, 'sum', w).toTypedArray());
  assertClose(dt.bceWithLogits(p, t, { posWeight: w, reduction: 'none' }), dt.bceWithLogits(p, t, 'none', { posWeight: w }).toTypedArray());
  // norms: weight, bias, eps as keywords
  const h = dt.randn([2, 4]),
    g = dt.randn([4]),
    beta = dt.randn([4]);
  assertClose(dt.layerNorm(h, 4, { weight: g, bias: beta, eps: 1e-3 }), dt.layerNorm(h, 4, g, beta, 1e-3).toTypedArray());
  assertClose(dt.rmsNorm(h, 4, { weight: g, eps: 1e-3 }), dt.rmsNorm(h, 4, g, 1e-3).toTypedArray());
  // sizes and dims: an object where a number goes is a TypeError naming the op and the argument
  throwsType(() => dt.maxout(h, { pieces: 2 } as unknown as number), /maxout: pieces must be a number, got an object \{pieces\}/);
  throwsType(() => h.sum(0, { keepdim: true } as unknown as boolean), /sum: keepdim must be true or false, got an object \{keepdim\}/);
  throwsType(() => h.sum({ dim: 0 } as unknown as number), /sum: dim must be an integer or a list of integers, got an object \{dim\}/);
  throwsType(() => h.transpose({ dim0: 0 } as unknown as number, 1), /transpose: dim must be an integer, got an object \{dim0\}/);
  throwsType(() => dt.zeros(2 as unknown as number[]), /zeros: shape must be an array of sizes such as \[2, 3\], got 2/);
  throwsType(() => dt.full([2], { value: 1 } as unknown as number), /full: fill value must be a number/);
  throwsType(() => h.add({ other: 1 } as unknown as number), /expected a Tensor or a number, got an object \{other\}/);
  throwsType(() => h.fill_({ value: 1 } as unknown as number), /fill_: the source must be a Tensor or a number/);
  throwsType(() => new nn.Linear({ in: 2 } as unknown as number, 3), /Linear: inFeatures must be a number, got an object \{in\}/);
  throwsType(() => new dt.Generator({ seed: 1 } as unknown as number), /Generator: seed must be a number/);
  // PyTorch's arange(3, dtype=...), eye(2, dtype=...): accepted at run time (the typed form is arange(0, 3, 1, {dtype}))
  assert.equal((dt.arange as unknown as (n: number, o: object) => dt.Tensor)(3, { dtype: 'float64' }).dtype, 'float64');
  assert.equal((dt.eye as unknown as (n: number, o: object) => dt.Tensor)(2, { dtype: 'float64' }).dtype, 'float64');
});

test("pooling and convolution: PyTorch positional forms give the options forms' results", () => {
  dt.manualSeed(3);
  const x = dt.randn([1, 2, 7, 7]);
  // F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)
  assertClose(dt.maxPool2d(x, 3, 2, 1), dt.maxPool2d(x, 3, { stride: 2, padding: 1 }).toTypedArray(), 0);
  assert.deepEqual(dt.maxPool2d(x, 3, 2, 1).shape, [1, 2, 4, 4]);
  assertClose(dt.maxPool2d(x, 3, 2, 0, 1, true), dt.maxPool2d(x, 3, { stride: 2, ceilMode: true }).toTypedArray(), 0);
  assertClose(dt.maxPool2d(x, 3, null as unknown as number, 1), dt.maxPool2d(x, 3, { padding: 1 }).toTypedArray(), 0); // stride None = kernel
  assertClose(dt.maxPool2dWithIndices(x, 2, 1)[0], dt.maxPool2d(x, 2, { stride: 1 }).toTypedArray(), 0);
  // F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
  assertClose(dt.avgPool2d(x, 3, 2, 1, false, false), dt.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }).toTypedArray(), 0);
  throwsType(
    () => (dt.maxPool2d as (...a: unknown[]) => dt.Tensor)(x, 3, 2, 1, 1, false, true),
    /maxPool2d: 5 positional arguments where at most 4 go \(PyTorch's order: stride, padding, dilation, ceilMode\)/,
  );
  throwsType(() => dt.maxPool2d(x, 3, { stride: 2, returnIndices: true } as object), /maxPool2d: unknown option 'returnIndices'/);
  throwsType(() => dt.maxPool2d(x, 3, 2, 'one' as unknown as number), /maxPool2d: padding must be a number or a pair/);
  // F.conv2d(input, weight, bias, stride, padding, dilation, groups)
  const w = dt.randn([4, 2, 3, 3]),
    b = dt.randn([4]);
  assertClose(dt.conv2d(x, w, b, 2, 1), dt.conv2d(x, w, b, { stride: 2, padding: 1 }).toTypedArray(), 0);
  assertClose(dt.conv2d(x, w, null, 1, 'same'), dt.conv2d(x, w, null, { padding: 'same' }).toTypedArray(), 0);
  assertClose(dt.conv2d(x, w, b, 1, 2, 2), dt.conv2d(x, w, b, { padding: 2, dilation: 2 }).toTypedArray(), 0);
  throwsType(
    () => dt.conv2d(x, w, { stride: 2 } as unknown as dt.Tensor),
    /conv2d: bias must be a Tensor or null, got an object \{stride\}; options go after the bias/,
  );
  const x1 = dt.randn([1, 2, 9]),
    w1 = dt.randn([3, 2, 3]);
  assertClose(dt.conv1d(x1, w1, null, 2, 1), dt.conv1d(x1, w1, null, { stride: 2, padding: 1 }).toTypedArray(), 0);
  // F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)
  const wt = dt.randn([2, 3, 3, 3]);
  assertClose(dt.convTranspose2d(x, wt, null, 2, 1, 1), dt.convTranspose2d(x, wt, null, { stride: 2, padding: 1, outputPadding: 1 }).toTypedArray(), 0);
  // nn constructors: torch.nn's positional order
  const c1 = new nn.Conv2d(2, 4, 3, 2, 1, 1, 1, false);
  assert.deepEqual([c1.stride, c1.padding, c1.bias], [[2, 2], [1, 1], null]);
  const c2 = new nn.Conv2d(2, 4, 3, 2, { padding: 1 } as never); // positionals, then the rest as keywords
  assert.deepEqual(
    [c2.stride, c2.padding],
    [
      [2, 2],
      [1, 1],
    ],
  );
  assert.deepEqual(new nn.Conv1d(2, 4, 3, 2).stride, 2);
  const ct = new nn.ConvTranspose2d(2, 4, 3, 2, 1, 1);
  assert.deepEqual(
    [ct.stride, ct.padding, ct.outputPadding],
    [
      [2, 2],
      [1, 1],
      [1, 1],
    ],
  );
  assert.deepEqual(new nn.MaxPool2d(3, 2, 1).forward(x).shape, [1, 2, 4, 4]);
  assert.deepEqual(new nn.AvgPool2d(3, 2).stride, [2, 2]);
  assert.equal(new nn.Linear(2, 3, false).bias, null); // nn.Linear(2, 3, bias=False)
  assert.equal(new nn.Embedding(10, 4, 0).paddingIdx, 0); // nn.Embedding(10, 4, padding_idx=0)
  assert.equal(new nn.LayerNorm(4, 1e-3).eps, 1e-3); // nn.LayerNorm(4, eps)
  assert.equal(dt.embedding(dt.tensor([0, 1], { dtype: 'int32' }), dt.randn([3, 2]), 0).shape[0], 2);
  throwsType(() => new nn.Conv2d(2, 4, 3, 2, { stride: 1 } as never), /Conv2d: got two values for stride/);
  // optimizers: PyTorch's positional lr (and the rest of its order)
  const ps = new nn.Linear(2, 1).parameters();
  const sgd = new optim.SGD(ps, 0.1, 0.9);
  assert.deepEqual([sgd.paramGroups[0]!.lr, sgd.paramGroups[0]!.momentum], [0.1, 0.9]);
  assert.deepEqual(new optim.Adam(new nn.Linear(2, 1).parameters(), 0.01, [0.8, 0.9]).paramGroups[0]!.betas, [0.8, 0.9]);
  throwsType(() => new optim.SGD(new nn.Linear(2, 1).parameters(), { lr: '0.1' } as unknown as number), /SGD: lr must be a number, got '0.1'/);
  const step = new optim.StepLR(new optim.SGD(new nn.Linear(2, 1).parameters(), 1), { stepSize: 2, gamma: 0.5 });
  assert.deepEqual([step.stepSize, step.gamma], [2, 0.5]);
  // DataLoader(dataset, batch_size, shuffle)
  assert.equal(new dt.DataLoader(new dt.TensorDataset(dt.randn([6, 2])), 4).batchSize, 4);
});

// ---- {bogus_key: 1} to every public function and constructor that takes options ----

const dir = mkdtempSync(join(tmpdir(), 'deepts-options-'));
const gptConfig = { blockSize: 8, vocabSize: 10, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0, bias: true };
const bertConfig = {
  vocabSize: 10,
  hiddenSize: 8,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 16,
  maxPositionEmbeddings: 8,
  typeVocabSize: 2,
  dropout: 0,
  layerNormEps: 1e-12,
};
const albertConfig = { ...bertConfig, embeddingSize: 4 };
const llamaConfig = { dim: 8, nLayers: 1, nHeads: 2, vocabSize: 10, multipleOf: 8, normEps: 1e-6, blockSize: 8, ropeTheta: 10000 };
const img = () => dt.randn([2, 2, 8, 8]);
const params = () => new nn.Linear(2, 1).parameters();
const sgd = () => new optim.SGD(params(), { lr: 0.1 });
const ids = () => dt.tensor([[1, 2, 3]], { dtype: 'int32' });
const s2sConfig = { srcVocabSize: 10, tgtVocabSize: 10, embeddingDim: 4, hiddenSize: 4 };
const tinyTransformer = () => new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
type B = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Each entry passes `b` = {bogus_key: 1} where the options go (a config object: its copy with bogus_key). */
const TABLE: Record<string, (b: B) => unknown> = {
  // tensor creation
  tensor: (b) => dt.tensor([1], b),
  zeros: (b) => dt.zeros([1], b),
  ones: (b) => dt.ones([1], b),
  full: (b) => dt.full([1], 2, b),
  zerosLike: (b) => dt.zerosLike(dt.zeros([1]), b),
  onesLike: (b) => dt.onesLike(dt.zeros([1]), b),
  fullLike: (b) => dt.fullLike(dt.zeros([1]), 1, b),
  arange: (b) => dt.arange(0, 3, 1, b),
  'arange(n, opts)': (b) => dt.arange(3, b),
  linspace: (b) => dt.linspace(0, 1, 3, b),
  eye: (b) => dt.eye(2, 2, b),
  rand: (b) => dt.rand([1], b),
  randn: (b) => dt.randn([1], b),
  uniform: (b) => dt.uniform([1], 0, 1, b),
  normal: (b) => dt.normal([1], 0, 1, b),
  randint: (b) => dt.randint(0, 3, [1], b),
  randperm: (b) => dt.randperm(3, b),
  randLike: (b) => dt.randLike(dt.zeros([1]), b),
  randnLike: (b) => dt.randnLike(dt.zeros([1]), b),
  'Generator.setState': (b) => new dt.Generator(1).setState({ seed: 1, offset: 0, ...b }),
  // ops
  variance: (b) => dt.variance(dt.randn([3]), 0, b),
  std: (b) => dt.std(dt.randn([3]), 0, b),
  crossEntropy: (b) => dt.crossEntropy(dt.randn([2, 3]), dt.tensor([0, 1], { dtype: 'int32' }), b),
  nllLoss: (b) => dt.nllLoss(dt.randn([2, 3]), dt.tensor([0, 1], { dtype: 'int32' }), b),
  mseLoss: (b) => dt.mseLoss(dt.randn([2]), dt.randn([2]), b),
  l1Loss: (b) => dt.l1Loss(dt.randn([2]), dt.randn([2]), b),
  bceLoss: (b) => dt.bceLoss(dt.rand([2]), dt.rand([2]), b),
  bceWithLogits: (b) => dt.bceWithLogits(dt.randn([2]), dt.rand([2]), 'mean', b),
  'bceWithLogits(x, y, opts)': (b) => dt.bceWithLogits(dt.randn([2]), dt.rand([2]), b),
  leakyRelu: (b) => dt.leakyRelu(dt.randn([2]), b),
  elu: (b) => dt.elu(dt.randn([2]), b),
  gelu: (b) => dt.gelu(dt.randn([2]), b),
  softplus: (b) => dt.softplus(dt.randn([2]), b),
  softmax: (b) => dt.softmax(dt.randn([2]), b),
  logSoftmax: (b) => dt.logSoftmax(dt.randn([2]), b),
  clamp: (b) => dt.clamp(dt.randn([2]), b),
  layerNorm: (b) => dt.layerNorm(dt.randn([2, 4]), 4, b),
  rmsNorm: (b) => dt.rmsNorm(dt.randn([2, 4]), 4, b),
  embedding: (b) => dt.embedding(ids(), dt.randn([10, 4]), b),
  scaledDotProductAttention: (b) => dt.scaledDotProductAttention(dt.randn([1, 1, 2, 4]), dt.randn([1, 1, 2, 4]), dt.randn([1, 1, 2, 4]), b),
  attentionWeights: (b) => dt.attentionWeights(dt.randn([1, 1, 2, 4]), dt.randn([1, 1, 2, 4]), b),
  'nn.RNN': (b) => new nn.RNN(2, 3, b),
  'nn.RNNBase': (b) => new (nn.RNNBase as unknown as new (...a: unknown[]) => unknown)('GRU', 2, 3, b),
  'nn.LSTM': (b) => new nn.LSTM(2, 3, b),
  'nn.GRU': (b) => new nn.GRU(2, 3, b),
  'nn.RNNCell': (b) => new nn.RNNCell(2, 3, b),
  'nn.LSTMCell': (b) => new nn.LSTMCell(2, 3, b),
  'nn.AveragedModel': (b) => new nn.AveragedModel(new nn.Linear(1, 1), new nn.Linear(1, 1), b),
  'nn.GRUCell': (b) => new nn.GRUCell(2, 3, b),
  'nn.utils.rnn.padSequence': (b) => nn.utils.rnn.padSequence([dt.ones([2, 1])], b),
  'nn.utils.rnn.packPaddedSequence': (b) => nn.utils.rnn.packPaddedSequence(dt.ones([2, 1, 1]), [2], b),
  'nn.utils.rnn.padPackedSequence': (b) => nn.utils.rnn.padPackedSequence(nn.utils.rnn.packSequence([dt.ones([2, 1])]), b),
  'nn.utils.rnn.packSequence': (b) => nn.utils.rnn.packSequence([dt.ones([2, 1])], b),
  BucketBatches: (b) => new dt.BucketBatches([[1]], [0], { batchSize: 1, ...b }),
  loadSentimentDataset: (b) => dt.loadSentimentDataset('sst2', b),
  loadTranslationPairs: (b) => dt.loadTranslationPairs(b),
  translationVocab: (b) => dt.translationVocab(['a b'], 'en', b),
  TranslationBatches: (b) => new dt.TranslationBatches([[4]], [[2, 4, 3]], { batchSize: 1, ...b }),
  trainSentiment: (b) => dt.trainSentiment({} as never, b),
  trainTranslate: (b) => dt.trainTranslate({ teacherForcing: 1 } as never, b),
  translateWith: (b) => dt.translateWith(null as never, null as never, ['a'], { beam: 1, lengthPenalty: 0, maxLength: 5, ...b }),
  translateTexts: (b) => dt.translateTexts('no-such-run', ['a'], b),
  ganStep: (b) => dt.ganStep(b as never),
  gaussianRing: (b) => dt.gaussianRing(4, b),
  gaussianRingModes: (b) => dt.gaussianRingModes(b),
  trainGan: (b) => dt.trainGan({} as never, b),
  sampleGan: (b) => dt.sampleGan({ generator: models.buildGan({ model: 'dcgan' }).generator }, b),
  writeSampleGrid: (b) => dt.writeSampleGrid('x.png', dt.zeros([1, 1, 28, 28]), b),
  evaluateGanRun: (b) => dt.evaluateGanRun('no-such-run', b),
  mnistClassifier: (b) => dt.mnistClassifier(b),
  loadGanNet: (b) => dt.loadGanNet('no-such-file', 'generator', { model: 'dcgan', ...b }),
  'models.buildGan': (b) => models.buildGan({ model: 'dcgan' }, b),
  'models.checkGanConfig': (b) => models.checkGanConfig({ model: 'dcgan', ...b }),
  'models.DCGANGenerator': (b) => new models.DCGANGenerator({ model: 'dcgan' }, b),
  'models.DCGANDiscriminator': (b) => new models.DCGANDiscriminator({ model: 'dcgan' }, b),
  'models.MLPGenerator': (b) => new models.MLPGenerator({ model: 'gan' }, b),
  'models.MLPDiscriminator': (b) => new models.MLPDiscriminator({ model: 'gan' }, b),
  'plots.encodeGif': (b) => plots.encodeGif([{ width: 1, height: 1, rgba: new Uint8Array(4) }], b),
  'plots.writeGif': (b) => plots.writeGif('x.gif', [{ width: 1, height: 1, rgba: new Uint8Array(4) }], b),
  'metrics.inceptionScore': (b) => metrics.inceptionScore([1], 1, b),
  'metrics.modeCoverage': (b) => metrics.modeCoverage([0, 0], [0, 0], 2, { radius: 1, ...b }),
  'models.TextCNN': (b) => new models.TextCNN({ vocabSize: 4, numClasses: 2, ...b }),
  'models.TextRNN': (b) => new models.TextRNN({ vocabSize: 4, numClasses: 2, ...b }),
  selfAttention: (b) => dt.selfAttention(dt.randn([1, 2, 4]), dt.randn([12, 4]), null, dt.randn([4, 4]), null, 2, b),
  conv1d: (b) => dt.conv1d(dt.randn([1, 2, 5]), dt.randn([3, 2, 3]), null, b),
  conv2d: (b) => dt.conv2d(img(), dt.randn([3, 2, 3, 3]), null, b),
  convTranspose2d: (b) => dt.convTranspose2d(img(), dt.randn([2, 3, 3, 3]), null, b),
  maxPool2d: (b) => dt.maxPool2d(img(), 2, b),
  maxPool2dWithIndices: (b) => dt.maxPool2dWithIndices(img(), 2, b),
  avgPool2d: (b) => dt.avgPool2d(img(), 2, b),
  batchNorm: (b) => dt.batchNorm(img(), null, null, b),
  'nn.functional.dropout': (b) => F.dropout(dt.randn([2]), 0.5, true, b),
  'nn.functional.dropout(x, opts)': (b) => F.dropout(dt.randn([2]), b),
  'nn.dropout2d': (b) => nn.dropout2d(img(), 0.5, true, b),
  gradcheck: (b) => dt.gradcheck((t) => t, [dt.randn([1], { dtype: 'float64', requiresGrad: true })], b),
  setNativeThresholds: (b) => dt.setNativeThresholds(b),
  // nn layers
  'nn.Linear': (b) => new nn.Linear(2, 2, b),
  'nn.Maxout': (b) => new nn.Maxout(2, 2, 2, b),
  'nn.Conv1d': (b) => new nn.Conv1d(1, 1, 3, b),
  'nn.Conv2d': (b) => new nn.Conv2d(1, 1, 3, b),
  'nn.ConvTranspose2d': (b) => new nn.ConvTranspose2d(1, 1, 3, b),
  'nn.MaxPool2d': (b) => new nn.MaxPool2d(2, b),
  'nn.AvgPool2d': (b) => new nn.AvgPool2d(2, b),
  'nn.BatchNorm1d': (b) => new nn.BatchNorm1d(2, b),
  'nn.BatchNorm2d': (b) => new nn.BatchNorm2d(2, b),
  'nn.LayerNorm': (b) => new nn.LayerNorm(4, b),
  'nn.RMSNorm': (b) => new nn.RMSNorm(4, b),
  'nn.Embedding': (b) => new nn.Embedding(4, 2, b),
  'nn.Dropout': (b) => new nn.Dropout(0.5, b),
  'nn.Dropout(opts)': (b) => new nn.Dropout(b),
  'nn.Dropout2d': (b) => new nn.Dropout2d(0.5, b),
  'nn.LeakyReLU': (b) => new nn.LeakyReLU(b),
  'nn.ELU': (b) => new nn.ELU(b),
  'nn.GELU': (b) => new nn.GELU(b),
  'nn.Softplus': (b) => new nn.Softplus(b),
  'nn.Softmax': (b) => new nn.Softmax(b),
  'nn.LogSoftmax': (b) => new nn.LogSoftmax(b),
  'nn.Flatten': (b) => new nn.Flatten(b),
  'nn.ReLU': (b) => new (nn.ReLU as B)(b),
  'nn.Sigmoid': (b) => new (nn.Sigmoid as B)(b),
  'nn.Tanh': (b) => new (nn.Tanh as B)(b),
  'nn.SiLU': (b) => new (nn.SiLU as B)(b),
  'nn.MSELoss': (b) => new nn.MSELoss(b),
  'nn.L1Loss': (b) => new nn.L1Loss(b),
  'nn.NLLLoss': (b) => new nn.NLLLoss(b),
  'nn.CrossEntropyLoss': (b) => new nn.CrossEntropyLoss(b),
  'nn.BCELoss': (b) => new nn.BCELoss(b),
  'nn.BCEWithLogitsLoss': (b) => new nn.BCEWithLogitsLoss(b),
  'nn.MultiheadAttention': (b) => new nn.MultiheadAttention(4, 2, b),
  'nn.MultiheadAttention.forward': (b) => new nn.MultiheadAttention(4, 2).forward(dt.randn([1, 2, 4]), undefined, undefined, b),
  'nn.TransformerEncoderLayer': (b) => new nn.TransformerEncoderLayer(4, 2, b),
  'nn.TransformerDecoderLayer': (b) => new nn.TransformerDecoderLayer(4, 2, b),
  'nn.TransformerEncoderLayer.forward': (b) => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }).forward(dt.randn([1, 2, 4]), b),
  'nn.TransformerEncoder': (b) => new nn.TransformerEncoder(() => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 1, b),
  'nn.TransformerDecoder': (b) => new nn.TransformerDecoder(() => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), 1, b),
  'nn.TransformerDecoder.forward': (b) =>
    new nn.TransformerDecoder(() => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), 1).forward(dt.randn([1, 2, 4]), dt.randn([1, 2, 4]), b),
  'nn.Transformer': (b) => new nn.Transformer(b),
  'nn.Transformer.forward': (b) => tinyTransformer().forward(dt.randn([1, 2, 4]), dt.randn([1, 2, 4]), b),
  'nn.Transformer.encode': (b) => tinyTransformer().encode(dt.randn([1, 2, 4]), b),
  'nn.Transformer.decode': (b) => tinyTransformer().decode(dt.randn([1, 2, 4]), dt.randn([1, 2, 4]), b),
  'nn.Transformer.generateSquareSubsequentMask': (b) => nn.Transformer.generateSquareSubsequentMask(2, b),
  'nn.Transformer.loadTorchStateDict': (b) => tinyTransformer().loadTorchStateDict({}, b),
  'nn.FeedForward': (b) => new nn.FeedForward(4, 8, b),
  'nn.SwiGLU': (b) => new nn.SwiGLU(4, 8, b),
  'nn.LearnedPositionalEmbedding': (b) => new nn.LearnedPositionalEmbedding(4, 2, b),
  'nn.SinusoidalPositionalEncoding': (b) => new nn.SinusoidalPositionalEncoding(4, 8, b),
  'nn.RotaryEmbedding': (b) => new nn.RotaryEmbedding(4, b),
  'Module.loadStateDict': (b) => new nn.Linear(1, 1).loadStateDict(new nn.Linear(1, 1).stateDict(), b),
  'Module.numParameters': (b) => new nn.Linear(1, 1).numParameters(b),
  'nn.init.uniform_': (b) => nn.init.uniform_(dt.zeros([2]), 0, 1, b),
  'nn.init.normal_': (b) => nn.init.normal_(dt.zeros([2]), 0, 1, b),
  'nn.init.xavierUniform_': (b) => nn.init.xavierUniform_(dt.zeros([2, 2]), 1, b),
  'nn.init.xavierNormal_': (b) => nn.init.xavierNormal_(dt.zeros([2, 2]), 1, b),
  'nn.init.kaimingUniform_': (b) => nn.init.kaimingUniform_(dt.zeros([2, 2]), b),
  'nn.init.kaimingNormal_': (b) => nn.init.kaimingNormal_(dt.zeros([2, 2]), b),
  // optim
  'optim.SGD': (b) => new optim.SGD(params(), b),
  'optim.Adam': (b) => new optim.Adam(params(), b),
  'optim.AdamW': (b) => new optim.AdamW(params(), b),
  'optim.RMSprop': (b) => new optim.RMSprop(params(), b),
  'optim parameter group': (b) => new optim.SGD([{ params: params(), ...b }]),
  'optim.StepLR': (b) => new optim.StepLR(sgd(), { stepSize: 1, ...b }),
  'optim.CosineAnnealingLR': (b) => new optim.CosineAnnealingLR(sgd(), { tMax: 1, ...b }),
  'optim.CosineWithWarmupLR': (b) => new optim.CosineWithWarmupLR(sgd(), { warmupIters: 1, decayIters: 2, ...b }),
  'optim.cosineWithWarmup': (b) => optim.cosineWithWarmup(0, { warmupIters: 1, decayIters: 2, maxLr: 1, ...b }),
  'optim.clipGradNorm': (b) => optim.clipGradNorm(params(), 1, 2, b),
  'optim.clipGradNorm(params, maxNorm, opts)': (b) => optim.clipGradNorm(params(), 1, b),
  'optim.l1Penalty': (b) => optim.l1Penalty(params(), 0.1, b),
  'optim.l2Penalty': (b) => optim.l2Penalty(params(), 0.1, b),
  // data
  DataLoader: (b) => new dt.DataLoader(new dt.TensorDataset(dt.randn([2, 1])), b),
  randomSplit: (b) => dt.randomSplit(new dt.TensorDataset(dt.randn([2, 1])), [1, 1], b),
  TokenBatcher: (b) => new dt.TokenBatcher(Int32Array.from([1, 2, 3, 4]), { batchSize: 1, blockSize: 2, ...b }),
  maskTokens: (b) => dt.maskTokens(ids(), { maskId: 0, vocabSize: 10, ...b }),
  makePlaygroundDataset: (b) => dt.makePlaygroundDataset('spiral', b),
  randomShift: (b) => dt.randomShift(img(), 1, b),
  randomAffine: (b) => dt.randomAffine(img(), b),
  AugmentedLoader: (b) => new dt.AugmentedLoader(img(), dt.zeros([2]), { batchSize: 1, ...b }),
  loadMnistSync: (b) => dt.loadMnistSync('train', b),
  loadMnist: (b) => dt.loadMnist('train', b),
  mnistTensors: (b) =>
    dt.mnistTensors(
      {
        dataset: 'mnist',
        split: 'train',
        images: new Uint8Array(0),
        labels: new Uint8Array(0),
        count: 0,
        rows: 28,
        cols: 28,
        files: { images: '', labels: '' },
      },
      b,
    ),
  encodeIdx: (b) => dt.encodeIdx('uint8', [1], [0], b),
  // io
  saveCheckpoint: (b) => dt.saveCheckpoint(join(dir, 'c.safetensors'), { model: new nn.Linear(1, 1), step: 0, ...b }),
  loadCheckpoint: (b) => dt.loadCheckpoint(join(dir, 'missing.safetensors'), b),
  // models
  'models.GPT': (b) => new models.GPT(gptConfig, b),
  'models.GPT config': (b) => new models.GPT({ ...gptConfig, ...b }),
  'models.checkGPTConfig': (b) => models.checkGPTConfig({ ...gptConfig, ...b }),
  'models.GPT.forward': (b) => new models.GPT(gptConfig).forward(ids(), null, b),
  'models.GPT.configureOptimizers': (b) => new models.GPT(gptConfig).configureOptimizers({ weightDecay: 0, lr: 1, betas: [0.9, 0.9], ...b }),
  'models.Llama': (b) => new models.Llama(llamaConfig, b),
  'models.Llama config': (b) => new models.Llama({ ...llamaConfig, ...b }),
  'models.BertModel': (b) => new models.BertModel(bertConfig, b),
  'models.BertModel config': (b) => new models.BertModel({ ...bertConfig, ...b }),
  'models.BertModel.forward': (b) => new models.BertModel(bertConfig).forward(ids(), b),
  'models.BertForMaskedLM': (b) => new models.BertForMaskedLM(bertConfig, b),
  'models.BertForMaskedLM config': (b) => new models.BertForMaskedLM({ ...bertConfig, ...b }),
  'models.AlbertModel': (b) => new models.AlbertModel(albertConfig, b),
  'models.AlbertModel config': (b) => new models.AlbertModel({ ...albertConfig, ...b }),
  'models.AlbertForMaskedLM': (b) => new models.AlbertForMaskedLM(albertConfig, b),
  'models.AlbertForMaskedLM config': (b) => new models.AlbertForMaskedLM({ ...albertConfig, ...b }),
  'models.Seq2Seq': (b) => new models.Seq2Seq(s2sConfig, b),
  'models.TransformerTranslator': (b) => new models.TransformerTranslator({ srcVocabSize: 5, tgtVocabSize: 5, dModel: 4, nhead: 2, ...b }, {}),
  'models.Seq2Seq config': (b) => new models.Seq2Seq({ ...s2sConfig, ...b }),
  'models.checkSeq2SeqConfig': (b) => models.checkSeq2SeqConfig({ ...s2sConfig, ...b }),
  'models.Seq2Seq.forward': (b) => new models.Seq2Seq(s2sConfig).forward(ids(), null, ids(), b),
  'models.seq2seqLoss': (b) => models.seq2seqLoss(dt.randn([1, 3, 10]), ids(), b),
  'models.bertParamCount': (b) => models.bertParamCount(bertConfig, b),
  'models.albertParamCount': (b) => models.albertParamCount(albertConfig, b),
  'models.gpt2StateDict': (b) => models.gpt2StateDict({}, { ...gptConfig, ...b }),
  'models.loadGpt2Weights': (b) => models.loadGpt2Weights(new Uint8Array(0), b),
  mlp: (b) => dt.mlp({ inputs: 2, hidden: [], outputs: 1, ...b }),
  'models.buildModel': (b) => models.buildModel('lenet5', b),
  'models.LeNet5': (b) => new models.LeNet5(b),
  'models.lenet5': (b) => models.lenet5(b),
  'models.AlexNet': (b) => new models.AlexNet(b),
  'models.alexnet': (b) => models.alexnet(b),
  'models.VGG': (b) => new models.VGG([8, 'M'], b),
  'models.vgg': (b) => models.vgg('vgg11', b),
  'models.vgg11': (b) => models.vgg11(b),
  'models.vgg16': (b) => models.vgg16(b),
  'models.GoogLeNet': (b) => new models.GoogLeNet(b),
  'models.googlenet': (b) => models.googlenet(b),
  'models.BasicConv2d': (b) => new models.BasicConv2d(2, 2, 1, b),
  'models.Inception': (b) => new models.Inception(8, 2, 2, 2, 2, 2, 2, b),
  'models.InceptionAux': (b) => new models.InceptionAux(8, 10, b),
  'models.ResNet': (b) => new models.ResNet('basic', [1, 1, 1, 1], b),
  'models.resnet18': (b) => models.resnet18(b),
  'models.resnet34': (b) => models.resnet34(b),
  'models.resnet50': (b) => models.resnet50(b),
  'models.seResnet50': (b) => models.seResnet50(b),
  'models.BasicBlock': (b) => new models.BasicBlock(4, 4, 1, null, b),
  'models.Bottleneck': (b) => new models.Bottleneck(16, 4, 1, null, b),
  'models.SqueezeExcitation': (b) => new models.SqueezeExcitation(16, 4, b),
  'models.AlphaGoPolicy': (b) => new models.AlphaGoPolicy(b),
  'models.alphaGoPolicy': (b) => models.alphaGoPolicy(b),
  // generation, tokenizers, plots
  'generation.generate': (b) => generation.generate(new models.GPT(gptConfig), [1], { maxNewTokens: 1, ...b }),
  'generation.greedyDecode': (b) => generation.greedyDecode(new models.Seq2Seq(s2sConfig), ids(), b),
  'generation.beamSearch': (b) => generation.beamSearch(new models.Seq2Seq(s2sConfig), ids(), b),
  'generation.checkSamplingOptions': (b) => generation.checkSamplingOptions('sampling', b),
  'generation.samplingProbabilities': (b) => generation.samplingProbabilities([1, 2], b),
  'generation.sampleFromLogits': (b) => generation.sampleFromLogits([1, 2], b, new dt.Generator(1)),
  'tokenizers.CharTokenizer.encode': (b) => tokenizers.CharTokenizer.fromCorpus('ab').encode('ab', b),
  'tokenizers.ByteLevelBpe': (b) => new tokenizers.ByteLevelBpe(b),
  'tokenizers.trainByteLevelBpe': (b) => tokenizers.trainByteLevelBpe('abab', { vocabSize: 300, ...b }),
  lossCurveSvg: (b) => dt.lossCurveSvg([], b),
  'plots.lossCurveImage': (b) => plots.lossCurveImage([], b),
  'metrics.corpusBleu': (b) => metrics.corpusBleu(['a b'], ['a b'], b),
  'metrics.sentenceBleu': (b) => metrics.sentenceBleu('a b', 'a b', b),
  'metrics.corpusChrf': (b) => metrics.corpusChrf(['a b'], ['a b'], b),
  'metrics.sentenceChrf': (b) => metrics.sentenceChrf('a b', 'a b', b),
  'metrics.BleuScore.format': (b) => metrics.sentenceBleu('a b', 'a b').format(b),
  writeLossCurve: (b) => dt.writeLossCurve(join(dir, 'loss.svg'), [], b),
  decisionBoundaryImage: (b) => dt.decisionBoundaryImage((g) => g, [], b),
  writeDecisionBoundary: (b) => dt.writeDecisionBoundary(join(dir, 'b.png'), (g) => g, [], b),
  writeAttentionMap: (b) => dt.writeAttentionMap(join(dir, 'attention.png'), [[1]], ['a'], ['b'], b),
  writeAttentionGrid: (b) => dt.writeAttentionGrid(join(dir, 'attention-grid.svg'), [[[[1]]]], ['a'], ['b'], b),
  'plots.attentionMapImage': (b) => plots.attentionMapImage([[1]], ['a'], ['b'], b),
  'plots.attentionMapSvg': (b) => plots.attentionMapSvg([[1]], ['a'], ['b'], b),
  'plots.attentionGridImage': (b) => plots.attentionGridImage([[[[1]]]], ['a'], ['b'], b),
  'plots.attentionGridSvg': (b) => plots.attentionGridSvg([[[[1]]]], ['a'], ['b'], b),
  // training
  fit: (b) =>
    dt.fit(
      new nn.Linear(1, 1),
      { x: dt.ones([2, 1]), y: dt.ones([2, 1]) },
      { epochs: 1, optimizer: new optim.SGD([dt.ones([1], { requiresGrad: true })], { lr: 0.1 }), loss: 'mse', ...b },
    ),
  evaluate: (b) => dt.evaluate(new nn.Linear(1, 1), { x: dt.ones([2, 1]), y: dt.ones([2, 1]) }, { loss: 'mse', ...b }),
  predict: (b) => dt.predict(new nn.Linear(1, 1), dt.ones([2, 1]), b),
  EarlyStopping: (b) => new dt.EarlyStopping(b),
  ModelCheckpoint: (b) => new dt.ModelCheckpoint({ path: join(dir, 'c.safetensors'), ...b }),
  ProgressBar: (b) => new dt.ProgressBar(b),
  backward: (b) => dt.backward(dt.ones([1], { requiresGrad: true }).sum(), b),
  gradgradcheck: (b) => dt.gradgradcheck((x: dt.Tensor) => x.square().sum(), [dt.ones([2], { dtype: 'float64', requiresGrad: true })], b),
  trainLoop: (b) => dt.trainLoop({ models: {}, optimizers: {}, maxSteps: 0, step: () => ({}), ...b }),
  trainGpt: (b) => dt.trainGpt({} as never, b),
  trainMlm: (b) => dt.trainMlm({} as never, b),
  trainMlp: (b) => dt.trainMlp({} as never, b),
  trainLenet: (b) => dt.trainLenet({} as never, b),
  runVanishingDemo: (b) => dt.runVanishingDemo({ out: join(dir, 'vanishing'), ...b }),
};

/** Exports with an options parameter that the table does not cover, and why. */
const EXEMPT: Record<string, string> = {
  writeRunConfig: "its config is the run's own record, written as given",
  bucketOrder: 'a complete options record BucketBatches and TranslationBatches fill after checking their own',
};

/** Every exported function or class (by the name it is first reached under) whose parameters include an options object. */
function exportsTakingOptions(): string[] {
  const spaces: Record<string, object> = {
    '': dt,
    'nn.': nn,
    'nn.functional.': F,
    'nn.init.': nn.init,
    'nn.utils.rnn.': nn.utils.rnn,
    'optim.': optim,
    'models.': models,
    'tokenizers.': tokenizers,
    'generation.': generation,
    'plots.': plots,
    'metrics.': metrics,
  };
  const seen = new Set<unknown>();
  const out: string[] = [];
  for (const [prefix, ns] of Object.entries(spaces)) {
    for (const [name, v] of Object.entries(ns)) {
      if (typeof v !== 'function' || seen.has(v)) continue;
      seen.add(v);
      const src = Function.prototype.toString.call(v);
      const m = /^class\b/.test(src) ? /\bconstructor\s*\(([^)]*)\)/.exec(src) : /^[^(]*\(([^)]*)\)/.exec(src);
      if (m && /\b(opts|options|config|spec|o)\b/.test(m[1]!)) out.push(prefix + name);
    }
  }
  return out;
}

test('every public function and constructor that takes options is in the table (or exempt, with the reason)', () => {
  const found = exportsTakingOptions();
  assert.ok(found.length > 100, `found only ${found.length} exports with options: the discovery is broken`);
  const missing = found.filter((n) => !(n in TABLE) && !(n in EXEMPT));
  assert.deepEqual(
    missing,
    [],
    `add these to TABLE in test/util/strict-options.test.ts (and check their options with src/util/options.ts): ${missing.join(', ')}`,
  );
});

for (const [name, call] of Object.entries(TABLE)) {
  test(`{bogus_key: 1} is an error naming it: ${name}`, async () => {
    const check = (e: Error): boolean => {
      assert.ok(e instanceof TypeError, `${name}: expected a TypeError, got ${e?.constructor?.name}: ${e?.message}`);
      assert.match(e.message, /unknown option 'bogus_key'/);
      assert.match(e.message, /; accepted: /);
      return true;
    };
    let result: unknown;
    try {
      result = call({ bogus_key: 1 });
    } catch (e) {
      check(e as Error);
      return;
    }
    if (result instanceof Promise) return assert.rejects(result, check);
    assert.fail(`${name} accepted {bogus_key: 1}`);
  });
}
