// Gradchecks (float64, central differences) of every layer, activation and loss module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../src/nn/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randn, rand, tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/generator.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import '../../src/ops/index.js';

const gen = new Generator(42);
const f64 = { dtype: 'float64' as const, generator: gen };

/** A float64 leaf of random values (away from 0 so ReLU-like kinks are not hit). */
function input(shape: number[]): Tensor {
  const x = randn(shape, f64);
  const v = x.storage;
  for (let i = 0; i < v.length; i++) if (Math.abs(v[i]!) < 0.05) v[i] = 0.1 * Math.sign(v[i]! || 1);
  return x.requiresGrad_();
}

test('gradcheck: Linear (input, weight and bias) and Maxout', () => {
  const lin = new nn.Linear(3, 4, { dtype: 'float64', generator: gen });
  const x = input([5, 3]);
  assert.equal(
    gradcheck((xi) => lin.forward(xi), [x, lin.weight, lin.bias!]),
    true,
  );
  const mo = new nn.Maxout(3, 2, 3, { dtype: 'float64', generator: gen });
  assert.equal(
    gradcheck((xi) => mo.forward(xi), [input([4, 3]), mo.linear.weight, mo.linear.bias!]),
    true,
  );
});

test('gradcheck: a bad analytic gradient is caught (the check can fail)', () => {
  class Wrong extends nn.Module {
    forward(x: Tensor): Tensor {
      // forward x², but detach one factor: backward gives x instead of 2x
      return x.mul(x.detach());
    }
  }
  assert.throws(() => gradcheck((x) => new Wrong().forward(x), [input([3])]), /gradcheck: input 0/);
});

test('gradcheck: every activation module', () => {
  const mods: nn.Module[] = [
    new nn.Sigmoid(),
    new nn.Tanh(),
    new nn.ReLU(),
    new nn.LeakyReLU(0.1),
    new nn.ELU(0.7),
    new nn.GELU(),
    new nn.GELU('tanh'),
    new nn.SiLU(),
    new nn.Softplus(),
    new nn.Softplus(2, 1),
    new nn.Softmax(1),
    new nn.LogSoftmax(0),
    new nn.Identity(),
    new nn.Flatten(),
  ];
  for (const m of mods) {
    assert.equal(
      gradcheck((x) => m.forward(x), [input([3, 4])]),
      true,
      String(m),
    );
  }
});

test('gradcheck: every loss module', () => {
  const y = tensor([0, 2, 1, 2, 1], { dtype: 'int32' });
  const w = tensor([0.5, 2, 1], { dtype: 'float64' });
  const cases: [nn.Module, () => Tensor[], Tensor][] = [
    [new nn.MSELoss(), () => [input([5, 2])], randn([5, 2], f64)],
    [new nn.L1Loss({ reduction: 'sum' }), () => [input([5, 2])], randn([5, 2], f64).add(3)],
    [new nn.CrossEntropyLoss(), () => [input([5, 3])], y],
    [new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.2 }), () => [input([5, 3])], y],
    [new nn.NLLLoss({ weight: w }), () => [input([5, 3])], y],
    [new nn.BCELoss(), () => [rand([6], f64).mul(0.8).add(0.1).detach().requiresGrad_()], rand([6], f64)],
    [new nn.BCEWithLogitsLoss({ posWeight: tensor([2], { dtype: 'float64' }) }), () => [input([6])], rand([6], f64)],
  ];
  for (const [m, make, target] of cases) {
    const [x] = make();
    assert.equal(
      gradcheck((xi) => m.forward(xi, target), [x!]),
      true,
      String(m),
    );
  }
});
