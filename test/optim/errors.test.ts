// The remaining bad-input errors of optim: each names the optimizer/schedule and the bad value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as optim from '../../src/optim/index.js';
import { Parameter } from '../../src/nn/parameter.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { zeros } from '../../src/tensor/creation.js';

test('optim errors: hyperparameters of every optimizer', () => {
  const p = () => [new Parameter(zeros([2]))];
  assert.throws(() => new optim.SGD(p(), { weightDecay: -1 }), /SGD: invalid weightDecay -1 \(must be >= 0\)/);
  assert.throws(() => new optim.RMSprop(p(), { lr: -0.1 }), /RMSprop: invalid learning rate -0.1/);
  assert.throws(() => new optim.RMSprop(p(), { eps: -1 }), /RMSprop: invalid eps -1/);
  assert.throws(() => new optim.RMSprop(p(), { momentum: -1 }), /RMSprop: invalid momentum -1/);
  assert.throws(() => new optim.RMSprop(p(), { weightDecay: -1 }), /RMSprop: invalid weightDecay -1/);
  assert.throws(() => new optim.Adam(p(), { lr: NaN }), /Adam: invalid learning rate NaN/);
  assert.throws(() => new optim.Adam(p(), { betas: [0.9] as unknown as [number, number] }), /Adam: betas must be a pair \[beta1, beta2\], got \[0.9\]/);
  assert.throws(() => new optim.AdamW(p(), { betas: [-0.1, 0.9] }), /AdamW: invalid beta parameter at index 0: -0.1/);
});

test('optim errors: groups, state dicts, schedules, penalties', () => {
  const opt = new optim.SGD([new Parameter(zeros([2]))], { lr: 0.1 });
  assert.throws(() => opt.addParamGroup(null as unknown as optim.ParamGroupSpec), /SGD.addParamGroup: expected \{params, \.\.\.options\}/);
  assert.throws(() => opt.addParamGroup({ params: [3 as unknown as Tensor] }), /SGD: parameter 0 of group 1 is not a Tensor/);
  assert.throws(
    () => opt.loadStateDict({ state: { 5: {} }, paramGroups: [{ lr: 0.1, params: [0] }] }),
    /SGD.loadStateDict: state for parameter 5, but the optimizer has 1 parameters/,
  );
  assert.throws(() => new optim.StepLR(null as unknown as optim.SGD, 1), /StepLR: expected an optimizer, got null/);
  assert.throws(() => optim.cosineWithWarmup(0, { maxLr: 1, minLr: -1, warmupIters: 0, decayIters: 1 }), /cosineWithWarmup: minLr must be >= 0, got -1/);
  assert.throws(() => optim.l1Penalty([[1] as unknown as Tensor], 0.1), /l1Penalty: params must be Tensors/);
});
