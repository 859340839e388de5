// An optimizer's state dict names its kind; loading it into another kind of optimizer raises,
// for state dicts saved before the kind was recorded too (by their hyperparameters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as optim from '../../src/optim/index.js';
import * as nn from '../../src/nn/index.js';
import { Generator } from '../../src/tensor/generator.js';
import { randn } from '../../src/tensor/creation.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { tempDir } from '../io/helpers.js';
import '../../src/ops/index.js';

function model(seed: number): nn.Sequential {
  const g = new Generator(seed);
  return new nn.Sequential(new nn.Linear(3, 4, { generator: g }), new nn.Tanh(), new nn.Linear(4, 2, { generator: g }));
}

function trained<O extends optim.Optimizer<optim.BaseOptions>>(m: nn.Module, opt: O): O {
  const x = randn([5, 3], { generator: new Generator(3) });
  for (let i = 0; i < 2; i++) {
    opt.zeroGrad();
    m.forward(x).square().mean().backward();
    opt.step();
  }
  return opt;
}

const kinds: [string, (p: nn.Parameter[]) => optim.Optimizer<optim.BaseOptions>][] = [
  ['SGD', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
  ['RMSprop', (p) => new optim.RMSprop(p, { lr: 0.01 })],
  ['Adam', (p) => new optim.Adam(p, { lr: 0.01 })],
  ['AdamW', (p) => new optim.AdamW(p, { lr: 0.01 })],
];

test('stateDict names the kind; loading into another kind raises naming both', () => {
  const m = model(1);
  for (const [saver, makeSaver] of kinds) {
    const sd = trained(m, makeSaver(m.parameters())).stateDict();
    assert.equal(sd.kind, saver);
    assert.deepEqual(Object.keys(sd), ['state', 'paramGroups', 'kind'], 'the PyTorch layout plus the kind');
    for (const [loader, makeLoader] of kinds) {
      const target = makeLoader(m.parameters());
      if (loader === saver) {
        target.loadStateDict(sd);
        assert.deepEqual(target.stateDict().paramGroups, sd.paramGroups);
        continue;
      }
      const before = target.stateDict();
      assert.throws(
        () => target.loadStateDict(sd),
        new RegExp(`^TypeError: ${loader}\\.loadStateDict: the state dict is ${saver}'s; an optimizer's state loads only into an optimizer of the same kind`),
      );
      assert.deepEqual(target.stateDict(), before, `${loader} is unchanged by ${saver}'s state`);
    }
  }
});

test('state dicts without a kind (older checkpoints) still load, and foreign hyperparameters raise', () => {
  const m = model(2);
  const adam = trained(m, new optim.Adam(m.parameters(), { lr: 0.01 }));
  const { kind: _k, ...old } = adam.stateDict();
  const fresh = new optim.Adam(m.parameters(), { lr: 0.5 });
  fresh.loadStateDict(old);
  assert.equal(fresh.paramGroups[0]!.lr, 0.01);
  assert.equal(fresh.state.size, 4);
  const sgd = new optim.SGD(m.parameters(), { lr: 0.1 });
  assert.throws(
    () => sgd.loadStateDict(old),
    /SGD\.loadStateDict: parameter group 0 of the state dict has hyperparameters betas, eps, amsgrad, which SGD does not have: it is another optimizer's state/,
  );
  const { kind: _s, ...oldSgd } = trained(m, new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 })).stateDict();
  assert.throws(
    () => new optim.RMSprop(m.parameters()).loadStateDict(oldSgd),
    /RMSprop\.loadStateDict: parameter group 0 of the state dict has hyperparameters dampening, nesterov/,
  );
  // a scheduler's initialLr in the groups is not foreign
  new optim.StepLR(adam, 1);
  const { kind: _a, ...withInitial } = adam.stateDict();
  new optim.Adam(m.parameters()).loadStateDict(withInitial);
});

test('a checkpoint of an Adam does not resume an SGD', () => {
  const dir = tempDir();
  const path = join(dir, 'ck.safetensors');
  const m = model(3);
  const adam = trained(m, new optim.Adam(m.parameters(), { lr: 0.01 }));
  saveCheckpoint(path, { model: m, optimizer: adam, step: 2 });
  const again = new optim.Adam(m.parameters());
  loadCheckpoint(path, { model: model(4), optimizer: again });
  assert.equal(again.stateDict().kind, 'Adam');
  assert.equal(again.state.size, 4);
  assert.throws(
    () => loadCheckpoint(path, { model: model(4), optimizer: new optim.SGD(m.parameters(), { lr: 0.1 }) }),
    /SGD\.loadStateDict: the state dict is Adam's/,
  );
});
