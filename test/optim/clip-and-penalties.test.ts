import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as optim from '../../src/optim/index.js';
import * as nn from '../../src/nn/index.js';
import { tensor, zeros, randn } from '../../src/tensor/creation.js';
import '../../src/ops/index.js';

test('clipGradNorm: scales all gradients to maxNorm, returns the norm before clipping', () => {
  const a = new nn.Parameter(zeros([2])),
    b = new nn.Parameter(zeros([1])),
    c = new nn.Parameter(zeros([1]));
  a.grad = tensor([3, 0]);
  b.grad = tensor([4]);
  const total = optim.clipGradNorm([a, b, c], 1);
  assert.equal(total, 5);
  assert.ok(Math.abs(a.grad.toTypedArray()[0]! - 0.6) < 1e-6);
  assert.ok(Math.abs(b.grad.toTypedArray()[0]! - 0.8) < 1e-6);
  assert.equal(c.grad, null, 'parameters without gradient are skipped');
  const before = Array.from(a.grad.toTypedArray());
  assert.ok(Math.abs(optim.clipGradNorm([a, b], 10) - 1) < 1e-6);
  assert.deepEqual(Array.from(a.grad.toTypedArray()), before, 'below maxNorm nothing changes');
  a.grad = tensor([-3, 1]);
  assert.equal(optim.clipGradNorm(a, 100, Infinity), 3);
  assert.equal(optim.clipGradNorm(a, 100, 1), 4);
});

test("clipGradNorm: never writes into a gradient's storage (it may be shared)", () => {
  const shared = tensor([3, 4]);
  const a = new nn.Parameter(zeros([2])),
    b = new nn.Parameter(zeros([2]));
  a.grad = shared;
  b.grad = shared;
  optim.clipGradNorm([a, b], 1);
  assert.deepEqual(Array.from(shared.toTypedArray()), [3, 4]);
  const n = Math.hypot(3, 4, 3, 4);
  assert.ok(Math.abs(a.grad.toTypedArray()[0]! - 3 / n) < 1e-6 && Math.abs(b.grad.toTypedArray()[1]! - 4 / n) < 1e-6);
});

test('clipGradNorm: argument and non-finite errors', () => {
  const a = new nn.Parameter(zeros([2]));
  a.grad = tensor([NaN, 1]);
  assert.throws(() => optim.clipGradNorm([a], 1, 2, { errorIfNonfinite: true }), /clipGradNorm: the total norm of order 2 of the gradients is NaN/);
  assert.throws(() => optim.clipGradNorm([a], -1), /clipGradNorm: maxNorm must be a non-negative number, got -1/);
  assert.throws(() => optim.clipGradNorm([a], 1, 0), /clipGradNorm: normType must be a positive number or Infinity, got 0/);
});

test('l2Penalty and l1Penalty: λ·Σθ² and λ·Σ|θ| over weights only, with the right gradients', () => {
  const lin = new nn.Linear(3, 2);
  const w = Array.from(lin.weight.toTypedArray()),
    bias = Array.from(lin.bias!.toTypedArray());
  const l2 = optim.l2Penalty(lin.parameters(), 0.1);
  assert.ok(Math.abs(l2.item() - 0.1 * w.reduce((s, v) => s + v * v, 0)) < 1e-6);
  l2.backward();
  lin.weight.grad!.toTypedArray().forEach((g, i) => assert.ok(Math.abs(g - 0.2 * w[i]!) < 1e-6));
  assert.equal(lin.bias!.grad, null, 'biases are not penalized by default');
  lin.zeroGrad();
  const l1 = optim.l1Penalty(lin.parameters(), 0.5, { weightsOnly: false });
  const expected = 0.5 * [...w, ...bias].reduce((s, v) => s + Math.abs(v), 0);
  assert.ok(Math.abs(l1.item() - expected) < 1e-6);
  l1.backward();
  lin.bias!.grad!.toTypedArray().forEach((g, i) => assert.equal(g, 0.5 * Math.sign(bias[i]!)));
  assert.equal(optim.l2Penalty([randn([4])], 1).item(), 0, 'no weights: zero penalty');
  assert.throws(() => optim.l2Penalty(lin.parameters(), -1), /l2Penalty: lambda must be a non-negative number, got -1/);
});

test('an L2 penalty in the loss equals SGD weight decay on the weights (J + λΣθ² ≡ weightDecay 2λ)', () => {
  const make = () => new nn.Linear(3, 1, { bias: false });
  const a = make();
  const b = make();
  b.loadStateDict(a.stateDict());
  const x = randn([5, 3]),
    y = randn([5, 1]);
  const optA = new optim.SGD(a.parameters(), { lr: 0.1 });
  const optB = new optim.SGD(b.parameters(), { lr: 0.1, weightDecay: 2 * 0.05 });
  for (let i = 0; i < 3; i++) {
    optA.zeroGrad();
    optB.zeroGrad();
    new nn.MSELoss().forward(a.forward(x), y).add(optim.l2Penalty(a.parameters(), 0.05)).backward();
    new nn.MSELoss().forward(b.forward(x), y).backward();
    optA.step();
    optB.step();
  }
  a.weight.toTypedArray().forEach((v, i) => assert.ok(Math.abs(v - b.weight.toTypedArray()[i]!) < 1e-6));
});
