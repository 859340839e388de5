import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as optim from '../../src/optim/index.js';
import { Parameter } from '../../src/nn/parameter.js';
import { zeros } from '../../src/tensor/creation.js';

function sgd(lr = 0.1): optim.SGD {
  return new optim.SGD([new Parameter(zeros([1]))], { lr });
}

test("StepLR decays by gamma every stepSize steps and writes the groups' lr", () => {
  const opt = sgd(1);
  const s = new optim.StepLR(opt, 2, 0.5);
  const seen = [opt.paramGroups[0]!.lr];
  for (let i = 0; i < 5; i++) {
    s.step();
    seen.push(opt.paramGroups[0]!.lr);
  }
  assert.deepEqual(seen, [1, 1, 0.5, 0.5, 0.25, 0.25]);
  assert.deepEqual(s.getLastLr(), [0.25]);
  assert.equal(opt.paramGroups[0]!.initialLr, 1);
  assert.throws(() => new optim.StepLR(sgd(), 0), /StepLR: stepSize must be a positive integer, got 0/);
  assert.throws(() => new optim.StepLR(sgd(), 2, -1), /StepLR: gamma must be >= 0, got -1/);
});

test('CosineAnnealingLR reaches etaMin at tMax', () => {
  const opt = sgd(0.1);
  const s = new optim.CosineAnnealingLR(opt, 4, 0.01);
  const lrs = [s.getLastLr()[0]!];
  for (let i = 0; i < 4; i++) {
    s.step();
    lrs.push(s.getLastLr()[0]!);
  }
  assert.equal(lrs[0], 0.1);
  assert.ok(Math.abs(lrs[2]! - 0.055) < 1e-15);
  assert.ok(Math.abs(lrs[4]! - 0.01) < 1e-15);
  assert.ok(lrs.every((v, i) => i === 0 || v < lrs[i - 1]!));
  assert.throws(() => new optim.CosineAnnealingLR(sgd(), 0), /CosineAnnealingLR: tMax must be > 0, got 0/);
});

test('LambdaLR: one lambda for all groups or one per group', () => {
  const opt = new optim.SGD([
    { params: [new Parameter(zeros([1]))], lr: 1 },
    { params: [new Parameter(zeros([1]))], lr: 2 },
  ]);
  const s = new optim.LambdaLR(opt, [(e) => 1 / (e + 1), (e) => e + 1]);
  s.step();
  assert.deepEqual(s.getLastLr(), [0.5, 4]);
  assert.throws(() => new optim.LambdaLR(opt, [(e) => e]), /LambdaLR: expected 2 lrLambdas \(one per param group\), got 1/);
  assert.throws(() => new optim.LambdaLR(sgd(), 3 as unknown as optim.LrLambda), /LambdaLR: lrLambda 0 is not a function/);
});

test('cosineWithWarmup: warmup, cosine decay, floor at minLr; argument errors', () => {
  const o = { maxLr: 1, minLr: 0.1, warmupIters: 4, decayIters: 14 };
  assert.equal(optim.cosineWithWarmup(0, o), 1 / 5);
  assert.equal(optim.cosineWithWarmup(3, o), 4 / 5);
  assert.equal(optim.cosineWithWarmup(4, o), 1);
  assert.ok(Math.abs(optim.cosineWithWarmup(9, o) - 0.55) < 1e-15);
  assert.equal(optim.cosineWithWarmup(14, o), 0.1);
  assert.equal(optim.cosineWithWarmup(100, o), 0.1);
  assert.equal(optim.cosineWithWarmup(5, { maxLr: 1, warmupIters: 5, decayIters: 5 }), 0);
  assert.throws(() => optim.cosineWithWarmup(0, { ...o, decayIters: 2 }), /cosineWithWarmup: decayIters \(2\) must be >= warmupIters \(4\)/);
  assert.throws(
    () => new optim.CosineWithWarmupLR(sgd(), { warmupIters: -1, decayIters: 3 }),
    /CosineWithWarmupLR: warmupIters must be a non-negative integer, got -1/,
  );
});

test('scheduler stateDict round trip resumes the schedule; resuming needs initialLr', () => {
  const opt = sgd(1);
  const s = new optim.StepLR(opt, 3, 0.5);
  for (let i = 0; i < 4; i++) s.step();
  const sd = s.stateDict();
  assert.deepEqual(sd, { lastEpoch: 4, baseLrs: [1], lastLr: [0.5], stepSize: 3, gamma: 0.5 });
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(sd))), JSON.stringify(sd));
  const opt2 = sgd(1);
  const s2 = new optim.StepLR(opt2, 1, 0.9);
  s2.loadStateDict(sd);
  s.step();
  s.step();
  s2.step();
  s2.step();
  assert.deepEqual(s2.getLastLr(), s.getLastLr());
  assert.equal(opt2.paramGroups[0]!.lr, 0.25);
  assert.throws(() => s2.loadStateDict({ nope: 1 }), /StepLR.loadStateDict: unexpected key 'nope'/);
  assert.throws(() => s2.loadStateDict({ ...sd, lastLr: [1, 2] }), /StepLR.loadStateDict: the state has 2 learning rates, the optimizer has 1 param groups/);
  assert.throws(
    () => new optim.StepLR(sgd(), 2, 0.5, 5),
    /StepLR: param group 0 has no initialLr; resuming \(lastEpoch=5\) needs the optimizer's state dict loaded first/,
  );
  const lam = new optim.LambdaLR(sgd(), (e) => e);
  assert.deepEqual(Object.keys(lam.stateDict()), ['lastEpoch', 'baseLrs', 'lastLr'], 'functions are not saved');
});
