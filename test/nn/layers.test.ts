import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../src/nn/index.js';
import { randn, ones, zeros, tensor } from '../../src/tensor/creation.js';
import { Generator, manualSeed } from '../../src/tensor/generator.js';
import '../../src/ops/index.js';

const F = nn.functional;

function values(t: { toTypedArray(): ArrayLike<number> }): number[] {
  return Array.from(t.toTypedArray());
}

test('Linear: shapes, PyTorch default init range U(-1/sqrt(in), 1/sqrt(in)), forward = x Wt + b', () => {
  manualSeed(0);
  const lin = new nn.Linear(64, 32);
  assert.deepEqual(lin.weight.shape, [32, 64]);
  assert.deepEqual(lin.bias!.shape, [32]);
  const bound = 1 / Math.sqrt(64);
  const w = values(lin.weight);
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  // spread: uniform on [-b, b] has std b/sqrt(3); 2048 samples pin it to a few percent
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
  assert.ok(Math.abs(std - bound / Math.sqrt(3)) < 0.05 * bound, `std ${std}`);
  assert.ok(Math.max(...w) > 0.9 * bound && Math.min(...w) < -0.9 * bound);
  assert.ok(values(lin.bias!).every((v) => Math.abs(v) <= bound));
  const x = randn([5, 64]);
  const y = lin.forward(x);
  assert.deepEqual(y.shape, [5, 32]);
  const expected = x.matmul(lin.weight.t()).add(lin.bias!);
  assert.deepEqual(values(y), values(expected));
  assert.throws(() => lin.forward(randn([5, 63])), /linear: input \(5,63\) has 63 features, the weight \(32,64\) expects 64/);
  assert.throws(() => new nn.Linear(2.5, 3), /Linear: inFeatures must be a non-negative integer, got 2.5/);
});

test('Linear: init is reproducible from the seed or a passed generator', () => {
  manualSeed(7);
  const a = new nn.Linear(3, 4);
  manualSeed(7);
  const b = new nn.Linear(3, 4);
  assert.deepEqual(values(a.weight), values(b.weight));
  const c = new nn.Linear(3, 4, { generator: new Generator(7) });
  const d = new nn.Linear(3, 4, { generator: new Generator(7) });
  assert.deepEqual(values(c.weight), values(d.weight));
  assert.notDeepEqual(values(c.weight), values(new nn.Linear(3, 4, { generator: new Generator(8) }).weight));
});

test('Dropout: zeroes about p of the inputs, scales the rest by 1/(1-p), identity in eval', () => {
  manualSeed(3);
  const p = 0.3;
  const drop = new nn.Dropout(p);
  const x = ones([100, 100]);
  const y = values(drop.forward(x));
  const kept = y.filter((v) => v !== 0);
  const frac = 1 - kept.length / y.length;
  // 10000 Bernoulli(0.3) draws: std of the fraction ~0.0046
  assert.ok(Math.abs(frac - p) < 0.02, `dropped fraction ${frac}`);
  assert.ok(kept.every((v) => Math.abs(v - 1 / (1 - p)) < 1e-6));
  const meanOut = y.reduce((a, b) => a + b, 0) / y.length;
  assert.ok(Math.abs(meanOut - 1) < 0.03, `mean ${meanOut}: expectation preserved`);
  // gradient flows only through kept elements, with the same scale
  const xs = randn([50]).requiresGrad_();
  const out = drop.forward(xs);
  out.sum().backward();
  const g = values(xs.grad!),
    o = values(out),
    xv = values(xs);
  g.forEach((gi, i) => assert.ok(Math.abs(gi * xv[i]! - o[i]!) < 1e-5));
  drop.eval();
  assert.equal(drop.forward(x), x);
  assert.equal(F.dropout(x, 0.5, false), x);
  assert.ok(values(F.dropout(x, 1)).every((v) => v === 0));
  assert.throws(() => new nn.Dropout(1.5), /Dropout: dropout probability p must be in \[0, 1\], got 1.5/);
  assert.throws(() => F.dropout(x, -0.1), /dropout: dropout probability p must be in \[0, 1\], got -0.1/);
});

test('Dropout: the mask follows the seeded default generator', () => {
  const x = ones([64]);
  manualSeed(11);
  const a = values(F.dropout(x, 0.5));
  manualSeed(11);
  const b = values(F.dropout(x, 0.5));
  const c = values(F.dropout(x, 0.5));
  assert.deepEqual(a, b);
  assert.notDeepEqual(b, c);
});

test('Maxout: the max over pieces of one Linear(in, out·pieces)', () => {
  const m = new nn.Maxout(3, 2, 4);
  assert.deepEqual(m.linear.weight.shape, [8, 3]);
  const x = randn([5, 3]);
  const y = m.forward(x);
  assert.deepEqual(y.shape, [5, 2]);
  const z = values(m.linear.forward(x)); // (5, 8) grouped as (5, 2, 4)
  const yv = values(y);
  for (let i = 0; i < 5; i++)
    for (let u = 0; u < 2; u++) {
      assert.equal(yv[i * 2 + u], Math.max(...z.slice(i * 8 + u * 4, i * 8 + u * 4 + 4)));
    }
  assert.equal(String(m), 'Maxout(\n  inFeatures=3, outFeatures=2, pieces=4\n  (linear): Linear(inFeatures=3, outFeatures=8, bias=true)\n)');
  assert.throws(() => new nn.Maxout(3, 2, 0), /Maxout: pieces must be a positive integer, got 0/);
});

test('activation and shape modules compute their functional forms', () => {
  const x = randn([3, 4]);
  const cases: [nn.Module, ReturnType<typeof randn>][] = [
    [new nn.Sigmoid(), x.sigmoid()],
    [new nn.Tanh(), x.tanh()],
    [new nn.ReLU(), x.relu()],
    [new nn.LeakyReLU(0.2), x.leakyRelu(0.2)],
    [new nn.ELU(0.5), x.elu(0.5)],
    [new nn.GELU('tanh'), x.gelu('tanh')],
    [new nn.SiLU(), x.silu()],
    [new nn.Softplus(2, 10), x.softplus(2, 10)],
    [new nn.Softmax(0), x.softmax(0)],
    [new nn.LogSoftmax(1), x.logSoftmax(1)],
    [new nn.Identity(), x],
  ];
  for (const [m, expected] of cases) assert.deepEqual(values(m.forward(x)), values(expected), m.constructor.name);
  assert.deepEqual(new nn.Flatten().forward(randn([2, 3, 4])).shape, [2, 12]);
  assert.deepEqual(new nn.Flatten(0).forward(randn([2, 3, 4])).shape, [24]);
  assert.throws(() => new nn.GELU('fast' as 'tanh'), /GELU: approximate must be 'none' or 'tanh', got 'fast'/);
  assert.equal(String(new nn.LeakyReLU()), 'LeakyReLU(negativeSlope=0.01)');
});

test('loss modules wrap the functional losses and keep class weights as buffers', () => {
  const logits = randn([4, 3]);
  const y = tensor([0, 2, 1, 2], { dtype: 'int32' });
  const w = tensor([1, 2, 0.5]);
  const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
  assert.equal(ce.forward(logits, y).item(), F.crossEntropy(logits, y, { weight: w, labelSmoothing: 0.1 }).item());
  assert.deepEqual(Object.keys(ce.stateDict()), ['weight']);
  assert.deepEqual(Object.keys(new nn.CrossEntropyLoss().stateDict()), []);
  assert.equal(new nn.NLLLoss().forward(logits.logSoftmax(1), y).item(), F.nllLoss(logits.logSoftmax(1), y).item());
  const a = randn([5]),
    b = randn([5]);
  assert.equal(new nn.MSELoss({ reduction: 'sum' }).forward(a, b).item(), F.mseLoss(a, b, 'sum').item());
  assert.deepEqual(new nn.L1Loss({ reduction: 'none' }).forward(a, b).shape, [5]);
  const t = tensor([0, 1, 1, 0, 1]);
  assert.equal(new nn.BCELoss().forward(a.sigmoid(), t).item(), F.binaryCrossEntropy(a.sigmoid(), t).item());
  assert.equal(new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) }).forward(a, t).item(), F.bceWithLogits(a, t, 'mean', { posWeight: tensor([3]) }).item());
  assert.throws(() => new nn.MSELoss({ reduction: 'avg' as 'mean' }), /MSELoss: reduction must be 'mean', 'sum' or 'none', got 'avg'/);
  assert.throws(() => new nn.MSELoss().forward(a, zeros([4])), /mseLoss: input \(5,\) and target \(4,\) must have the same shape/);
  assert.equal(String(new nn.L1Loss({ reduction: 'sum' })), "L1Loss(reduction='sum')");
});
