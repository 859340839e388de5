// Cross-check against PyTorch 1.13: a 2-layer MLP's logits, cross-entropy loss and parameter
// gradients, and every activation/loss module's value and input gradient (fixtures/torch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';
import { compare, fromJson, loadFixture, relErr, REL_TOL, type TensorJson } from './torch-fixtures.js';

type MlpCase = {
  activation: 'Tanh' | 'ReLU';
  stateDict: Record<string, TensorJson>;
  input: TensorJson;
  target: number[];
  logits: TensorJson;
  loss: number;
  grads: Record<string, TensorJson>;
};

for (const c of loadFixture<{ cases: MlpCase[] }>('mlp.json').cases) {
  test(`MLP 4→16→3 (${c.activation}, batch 8, cross-entropy) matches PyTorch: logits, loss, gradients`, (t) => {
    const model = new nn.Sequential(new nn.Linear(4, 16), c.activation === 'Tanh' ? new nn.Tanh() : new nn.ReLU(), new nn.Linear(16, 3));
    // PyTorch's state-dict names load as they are
    model.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)])));
    const logits = model.forward(fromJson(c.input)) as Tensor; // (8, 3)
    const loss = new nn.CrossEntropyLoss().forward(logits, tensor(c.target, { dtype: 'int32' }));
    loss.backward();
    let worst = compare('logits', logits, c.logits);
    const lossErr = relErr(loss.item(), c.loss);
    assert.ok(lossErr <= REL_TOL, `loss ${loss.item()} vs PyTorch ${c.loss}`);
    worst = Math.max(worst, lossErr);
    const names = model.namedParameters().map(([n]) => n);
    assert.deepEqual(names, Object.keys(c.grads));
    for (const [name, p] of model.namedParameters()) worst = Math.max(worst, compare(`grad ${name}`, p.grad!, c.grads[name]!));
    t.diagnostic(`max relative error ${worst.toExponential(2)}`);
  });
}

type LayerFixture = {
  input: TensorJson;
  upstream: TensorJson;
  classWeight: TensorJson;
  posWeight: number[];
  activations: { name: string; output: TensorJson; inputGrad: TensorJson }[];
  losses: { name: string; input: TensorJson; target: TensorJson | number[]; loss: number; inputGrad: TensorJson }[];
};
const layers = loadFixture<LayerFixture>('layers.json');

test('activation modules match PyTorch: outputs and vector-Jacobian products', (t) => {
  const mods: Record<string, nn.Module> = {
    Sigmoid: new nn.Sigmoid(),
    Tanh: new nn.Tanh(),
    ReLU: new nn.ReLU(),
    'LeakyReLU(0.1)': new nn.LeakyReLU(0.1),
    'ELU(0.7)': new nn.ELU(0.7),
    GELU: new nn.GELU(),
    "GELU('tanh')": new nn.GELU('tanh'),
    SiLU: new nn.SiLU(),
    'Softplus(2,1)': new nn.Softplus(2, 1),
    'Softmax(1)': new nn.Softmax(1),
    'LogSoftmax(0)': new nn.LogSoftmax(0),
  };
  assert.deepEqual(
    Object.keys(mods),
    layers.activations.map((a) => a.name),
  );
  let worst = 0;
  for (const a of layers.activations) {
    const x = fromJson(layers.input).requiresGrad_();
    const y = mods[a.name]!.forward(x) as Tensor;
    y.backward(fromJson(layers.upstream));
    worst = Math.max(worst, compare(`${a.name} output`, y, a.output), compare(`${a.name} input grad`, x.grad!, a.inputGrad));
  }
  t.diagnostic(`max relative error ${worst.toExponential(2)}`);
});

test('loss modules match PyTorch: values and input gradients', (t) => {
  const w = fromJson(layers.classWeight);
  const mods: Record<string, nn.Module> = {
    MSELoss: new nn.MSELoss(),
    'L1Loss(sum)': new nn.L1Loss({ reduction: 'sum' }),
    CrossEntropyLoss: new nn.CrossEntropyLoss(),
    'CrossEntropyLoss(weight,smoothing)': new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 }),
    'NLLLoss(weight)': new nn.NLLLoss({ weight: w }),
    BCELoss: new nn.BCELoss(),
    'BCEWithLogitsLoss(posWeight)': new nn.BCEWithLogitsLoss({ posWeight: tensor(layers.posWeight) }),
  };
  assert.deepEqual(
    Object.keys(mods),
    layers.losses.map((l) => l.name),
  );
  let worst = 0;
  for (const l of layers.losses) {
    const x = fromJson(l.input).requiresGrad_();
    const target = Array.isArray(l.target) ? tensor(l.target, { dtype: 'int32' }) : fromJson(l.target);
    const loss = mods[l.name]!.forward(x, target) as Tensor;
    loss.backward();
    const e = relErr(loss.item(), l.loss);
    assert.ok(e <= REL_TOL, `${l.name}: loss ${loss.item()} vs PyTorch ${l.loss}`);
    worst = Math.max(worst, e, compare(`${l.name} input grad`, x.grad!, l.inputGrad));
  }
  t.diagnostic(`max relative error ${worst.toExponential(2)}`);
});
