// The training example of docs/nn-optim.md, run as a test (imports adapted to the source tree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import * as nn from '../../src/nn/index.js';
import * as optim from '../../src/optim/index.js';

test('docs/nn-optim.md example trains an MLP to high accuracy and round-trips its state', () => {
  dt.manualSeed(0);
  const x = dt.randn([256, 4]); // (N, 4)
  const y = x.index(null, [0, 3]).argmax(1).to('int32'); // (N,)

  class MLP extends nn.Module {
    fc1 = new nn.Linear(4, 32);
    drop = new nn.Dropout(0.1);
    fc2 = new nn.Linear(32, 3);
    forward(x: dt.Tensor): dt.Tensor {
      return this.fc2.forward(this.drop.forward(this.fc1.forward(x).relu())); // (N, 3)
    }
  }
  const model = new MLP();
  assert.equal(model.numParameters(), 4 * 32 + 32 + 32 * 3 + 3);
  assert.match(String(model), /^MLP\(\n {2}\(fc1\): Linear\(inFeatures=4, outFeatures=32, bias=true\)/);

  const criterion = new nn.CrossEntropyLoss();
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-2, weightDecay: 1e-2 });
  const scheduler = new optim.CosineWithWarmupLR(optimizer, { warmupIters: 10, decayIters: 200, minLr: 1e-3 });
  const losses: number[] = [];
  for (let step = 0; step < 200; step++) {
    const batch = dt.randint(0, 256, [32]);
    const logits = model.forward(x.indexSelect(0, batch));
    const loss = criterion.forward(logits, y.indexSelect(0, batch));
    optimizer.zeroGrad();
    loss.backward();
    optim.clipGradNorm(model.parameters(), 1.0);
    optimizer.step();
    scheduler.step();
    losses.push(loss.item());
  }
  assert.ok(Math.abs(scheduler.getLastLr()[0]! - 1e-3) < 1e-12);
  model.eval();
  const acc = dt.noGrad(() => model.forward(x).argmax(1).eq(y).to('float32').mean().item());
  assert.ok(acc > 0.9, `accuracy ${acc}`);
  assert.ok(losses.slice(-20).reduce((a, b) => a + b) < losses.slice(0, 20).reduce((a, b) => a + b) / 3);

  const state = { model: model.stateDict(), optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict() };
  model.loadStateDict(state.model);
  optimizer.loadStateDict(state.optimizer);
  scheduler.loadStateDict(state.scheduler);
});
