import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as optim from '../../src/optim/index.js';
import * as nn from '../../src/nn/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randn, tensor, zeros, randint } from '../../src/tensor/creation.js';
import { Generator, manualSeed } from '../../src/tensor/generator.js';
import '../../src/ops/index.js';

function makeModel(seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
}

const gen = new Generator(9);
const X = randn([16, 4], { generator: gen });
const Y = randint(0, 3, [16], { generator: gen });

function trainSteps(model: nn.Module, opt: optim.Optimizer<optim.BaseOptions>, n: number, sched?: optim.LRScheduler): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    opt.zeroGrad();
    const l = new nn.CrossEntropyLoss().forward(model.forward(X), Y);
    l.backward();
    opt.step();
    sched?.step();
    loss = l.item();
  }
  return loss;
}

/** A checkpoint as a JSON file would hold it: tensors as plain number arrays. */
function throughJson<T>(sd: T): T {
  const json = JSON.stringify(sd, (_k, v) => (v instanceof Tensor ? { __tensor: Array.from(v.toTypedArray()), shape: v.shape, dtype: v.dtype } : v));
  return JSON.parse(json, (_k, v) => (v?.__tensor ? tensor(v.__tensor, { shape: v.shape, dtype: v.dtype }) : v)) as T;
}

const makers: [string, (p: nn.Parameter[]) => optim.Optimizer<optim.BaseOptions>][] = [
  ['SGD momentum nesterov', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ['RMSprop centered momentum', (p) => new optim.RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adam amsgrad', (p) => new optim.Adam(p, { lr: 0.01, amsgrad: true })],
  ['AdamW', (p) => new optim.AdamW(p, { lr: 0.01 })],
];

for (const [name, make] of makers) {
  test(`${name}: resuming from stateDict (through JSON) continues bit-for-bit and the loss goes down`, () => {
    const a = makeModel(1);
    const optA = make(a.parameters());
    const sA = new optim.StepLR(optA, 2, 0.7);
    const first = trainSteps(a, optA, 1, sA);
    const last = trainSteps(a, optA, 7, sA);
    assert.ok(last < first, `loss ${first} -> ${last}`);

    const b = makeModel(1);
    const optB = make(b.parameters());
    const sB = new optim.StepLR(optB, 2, 0.7);
    trainSteps(b, optB, 4, sB);
    const ckpt = throughJson({ model: b.stateDict(), opt: optB.stateDict(), sched: sB.stateDict() });

    const c = makeModel(2); // different init: everything must come from the checkpoint
    c.loadStateDict(ckpt.model);
    const optC = make(c.parameters());
    optC.loadStateDict(ckpt.opt);
    const sC = new optim.StepLR(optC, 2, 0.7);
    sC.loadStateDict(ckpt.sched);
    trainSteps(c, optC, 4, sC);
    for (const [[n, pa], [, pc]] of a.namedParameters().map((x, i) => [x, c.namedParameters()[i]!] as const)) {
      assert.deepEqual(Array.from(pc.toTypedArray()), Array.from(pa.toTypedArray()), `${name}: ${n} differs after resuming`);
    }
    assert.deepEqual(
      optC.paramGroups.map((g) => g.lr),
      optA.paramGroups.map((g) => g.lr),
    );
  });
}

test('Optimizer: stateDict is a snapshot with PyTorch-like layout', () => {
  const m = makeModel(3);
  const opt = new optim.Adam(m.parameters(), { lr: 0.01 });
  trainSteps(m, opt, 2);
  const sd = opt.stateDict();
  assert.deepEqual(Object.keys(sd.state), ['0', '1', '2', '3']);
  assert.deepEqual(Object.keys(sd.state['0']!), ['step', 'expAvg', 'expAvgSq']);
  assert.equal(sd.state['0']!.step, 2);
  assert.deepEqual(sd.paramGroups, [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [0, 1, 2, 3] }]);
  const saved = Array.from((sd.state['0']!.expAvg as Tensor).toTypedArray());
  trainSteps(m, opt, 1);
  assert.deepEqual(Array.from((sd.state['0']!.expAvg as Tensor).toTypedArray()), saved, 'later steps do not change a snapshot');
  sd.paramGroups[0]!.betas = [0, 0];
  assert.deepEqual(opt.paramGroups[0]!.betas, [0.9, 0.999]);
});

test('Optimizer: loadStateDict errors on mismatched groups and state shapes', () => {
  const m = makeModel(3);
  const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
  trainSteps(m, opt, 1);
  const sd = opt.stateDict();
  const two = new optim.SGD([{ params: m.parameters().slice(0, 2) }, { params: m.parameters().slice(2) }], { lr: 0.1 });
  assert.throws(() => two.loadStateDict(sd), /SGD.loadStateDict: the state dict has 1 parameter groups, the optimizer has 2/);
  const fewer = new optim.SGD(m.parameters().slice(0, 3), { lr: 0.1 });
  assert.throws(() => fewer.loadStateDict(sd), /SGD.loadStateDict: parameter group 0 has 4 parameters in the state dict, 3 in the optimizer/);
  const other = makeModel(4);
  const swapped = new optim.SGD([other.parameters()[1]!, other.parameters()[0]!, ...other.parameters().slice(2)], { lr: 0.1 });
  assert.throws(() => swapped.loadStateDict(sd), /SGD.loadStateDict: state 'momentumBuffer' of parameter 0 has shape \(8,4\), the parameter has \(8,\)/);
  assert.throws(() => opt.loadStateDict({} as optim.OptimizerStateDict), /SGD.loadStateDict: expected \{state, paramGroups\}/);
});

test('Optimizer: construction errors name the optimizer and the bad value', () => {
  const p = new nn.Parameter(zeros([2, 3]));
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/);
  assert.throws(() => new optim.SGD([p], { lr: -1 }), /SGD: invalid learning rate -1 \(must be >= 0\)/);
  assert.throws(
    () => new optim.SGD([p], { lr: 0.1, nesterov: true }),
    /SGD: Nesterov momentum requires momentum > 0 and zero dampening, got momentum=0, dampening=0/,
  );
  assert.throws(() => new optim.SGD([p], { momentum: -0.5 }), /SGD: invalid momentum -0.5/);
  assert.throws(() => new optim.Adam([p], { betas: [0.9, 1] }), /Adam: invalid beta parameter at index 1: 1 \(must be in \[0, 1\)\)/);
  assert.throws(() => new optim.AdamW([p], { eps: -1 }), /AdamW: invalid eps -1/);
  assert.throws(() => new optim.Adam([p], { weightDecay: -0.1 }), /Adam: invalid weightDecay -0.1/);
  assert.throws(() => new optim.RMSprop([p], { alpha: -0.1 }), /RMSprop: invalid alpha -0.1/);
  assert.throws(() => new optim.Adam([p, p]), /Adam: parameter 1 \(shape \(2,3\)\) appears in more than one parameter group/);
  assert.throws(() => new optim.Adam([p.mul(2)]), /Adam: can't optimize a non-leaf tensor/);
  assert.throws(() => new optim.Adam([zeros([4, 4]).transpose(0, 1)]), /Adam: parameter 0 \(shape \(4,4\)\) is a view/);
  assert.throws(() => new optim.Adam([tensor([1, 2], { dtype: 'int32' })]), /Adam: parameter 0 has dtype int32, expected float32 or float64/);
  assert.throws(
    () => new optim.Adam([1, 2] as unknown as Tensor[]),
    /Adam: params must be an iterable of Tensors or an array of \{params, \.\.\.options\} groups/,
  );
  const opt = new optim.SGD([p], { lr: 0.1 });
  p.grad = zeros([3, 2]);
  assert.throws(() => opt.step(), /SGD.step: gradient of shape \(3,2\) does not match its parameter \(2,3\)/);
});

test('Optimizer: per-group options, defaults, parameters without grad are skipped, zeroGrad', () => {
  const a = new nn.Parameter(tensor([1, 1])),
    b = new nn.Parameter(tensor([1, 1]));
  const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
  assert.equal(opt.paramGroups[0]!.lr, 0.1);
  assert.equal(opt.paramGroups[1]!.lr, 0.5);
  assert.equal(opt.paramGroups[1]!.momentum, 0);
  a.grad = tensor([1, 2]);
  opt.step();
  assert.deepEqual(Array.from(a.toTypedArray()), [Math.fround(1 - 0.1), Math.fround(1 - 0.2)]);
  assert.deepEqual(Array.from(b.toTypedArray()), [1, 1], 'no grad, no update');
  assert.equal(opt.state.has(b), false);
  b.grad = tensor([1, 1]);
  opt.step();
  assert.deepEqual(Array.from(b.toTypedArray()), [0.5, 0.5]);
  opt.zeroGrad();
  assert.equal(a.grad, null);
  assert.equal(
    opt.step(() => 3),
    3,
    "step returns the closure's loss",
  );
  opt.addParamGroup({ params: [new nn.Parameter(zeros([1]))], lr: 0.01 });
  assert.equal(opt.paramGroups.length, 3);
});

test('SGD: the first momentum step uses the gradient itself (buffer = d), as PyTorch', () => {
  const p = new nn.Parameter(tensor([0]));
  const opt = new optim.SGD([p], { lr: 1, momentum: 0.9, dampening: 0.5 });
  p.grad = tensor([1]);
  opt.step(); // buf = 1 (no dampening on the first step)
  assert.equal(p.item(), -1);
  opt.step(); // buf = 0.9 + 0.5 = 1.4
  assert.ok(Math.abs(p.item() - -2.4) < 1e-6);
});
