// nn.AveragedModel (PyTorch's swa_utils.AveragedModel): the EMA and the plain running mean of a
// model's weights, buffers averaged or left alone, the state dict, and a copy that does not fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';

const { nn } = dt;

test('AveragedModel: EMA with a decay, the running mean without, first update copies', () => {
  const model = new nn.Linear(3, 2, { generator: new dt.Generator(1) });
  const ema = new nn.AveragedModel(model, new nn.Linear(3, 2), { decay: 0.9 });
  const swa = new nn.AveragedModel(model, new nn.Linear(3, 2));
  const history: number[][] = [];
  for (let k = 0; k < 4; k++) {
    for (const p of model.parameters()) p.storage.forEach((v, i) => (p.storage[i] = v + (k + 1) * 0.1 * (i + 1)));
    history.push(Array.from(model.weight.toTypedArray()));
    ema.updateParameters(model);
    swa.updateParameters(model);
  }
  const w = history.map((h) => h[0]!);
  let e = w[0]!;
  for (const x of w.slice(1)) e = 0.9 * e + 0.1 * x;
  assert.ok(Math.abs(ema.module.weight.toTypedArray()[0]! - e) < 1e-5);
  assert.ok(Math.abs(swa.module.weight.toTypedArray()[0]! - w.reduce((a, b) => a + b, 0) / 4) < 1e-5);
  assert.equal(ema.nAveraged.item(), 4);
  assert.deepEqual(Object.keys(ema.stateDict()), ['nAveraged', 'module.weight', 'module.bias']); // own buffers first, as PyTorch's state_dict
  assert.equal(ema.module.weight.requiresGrad, false);
});

test('AveragedModel: useBuffers averages BatchNorm running statistics and copies the integer counter', () => {
  const make = () => new nn.BatchNorm1d(2);
  const model = make();
  const avg = new nn.AveragedModel(model, make(), { decay: 0.5, useBuffers: true });
  const still = new nn.AveragedModel(model, make(), { decay: 0.5 });
  model.forward(
    dt.tensor([
      [1, 2],
      [3, 6],
    ]),
  );
  avg.updateParameters(model);
  still.updateParameters(model);
  model.forward(
    dt.tensor([
      [5, 2],
      [7, 6],
    ]),
  );
  avg.updateParameters(model);
  const m = model.runningMean!.toTypedArray();
  assert.ok(Math.abs(avg.module.runningMean!.toTypedArray()[0]! - (0.5 * 0.2 + 0.5 * m[0]!)) < 1e-6);
  assert.equal(avg.module.numBatchesTracked!.item(), 2);
  assert.deepEqual(Array.from(still.module.runningMean!.toTypedArray()), [0, 0]);
  assert.throws(() => new nn.AveragedModel(model, new nn.BatchNorm1d(3)), /AveragedModel: copy does not have model's parameters \(weight \(2\)\)/);
  assert.throws(() => new nn.AveragedModel(model, model), /copy must be a second model/);
  assert.throws(() => new nn.AveragedModel(model, make(), { decay: 1 }), /decay/);
});
