// The examples of docs/training.md, run as written apart from the epoch count (and imports from
// src instead of 'deepts'), so the documentation cannot rot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../../src/tensor/tensor.js';
import { Generator } from '../../src/tensor/generator.js';
import { crossEntropy } from '../../src/ops/index.js';
import * as optim from '../../src/optim/index.js';
import { makePlaygroundDataset, parseFeatures, applyFeatures, DataLoader, TensorDataset } from '../../src/data/index.js';
import { mlp } from '../../src/models/mlp.js';
import { fit, evaluate, EarlyStopping } from '../../src/train/index.js';

const EPOCHS = 40;

type XY = { x: Tensor; y: Tensor };

function spiralSplit(): { train: XY; test: XY } {
  const data = makePlaygroundDataset('spiral', { seed: 1 });
  const features = parseFeatures('x1,x2,sin(x1),sin(x2)');
  const x = applyFeatures(data.x, features);
  return { train: { x: x.narrow(0, 0, 250), y: data.y.narrow(0, 0, 250) }, test: { x: x.narrow(0, 250, 250), y: data.y.narrow(0, 250, 250) } };
}

test('docs/training.md: the fit() example', async () => {
  const { train, test: testSet } = spiralSplit();
  const gen = new Generator(1);
  const model = mlp({ inputs: 4, hidden: [16, 16], outputs: 2, activation: 'tanh', generator: gen });
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const log = join(mkdtempSync(join(tmpdir(), 'deepts-docs-')), 'history.jsonl');
  const history = await fit(model, train, {
    epochs: EPOCHS,
    batchSize: 10,
    optimizer,
    scheduler: new optim.CosineAnnealingLR(optimizer, EPOCHS),
    loss: 'crossEntropy',
    metrics: ['accuracy'],
    validation: testSet,
    generator: gen,
    callbacks: [new EarlyStopping({ patience: 20, restoreBest: true })],
    log,
    progress: false,
  });
  assert.deepEqual(Object.keys(history.last()!), ['epoch', 'trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'lr', 'seconds']);
  const ev = evaluate(model, testSet, { loss: 'crossEntropy', metrics: ['accuracy'] });
  assert.ok(ev.metrics.accuracy! > 0.85, `test accuracy after ${EPOCHS} epochs: ${ev.metrics.accuracy}`);
  assert.equal(readFileSync(log, 'utf8').trimEnd().split('\n').length, history.epochs.length);
});

test('docs/training.md: the same loop by hand', () => {
  const { train, test: testSet } = spiralSplit();
  const gen = new Generator(1);
  const model = mlp({ inputs: 4, hidden: [16, 16], outputs: 2, activation: 'tanh', generator: gen });
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
  const scheduler = new optim.CosineAnnealingLR(optimizer, EPOCHS);
  const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 10, shuffle: true, generator: gen });
  let accuracy = 0;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    model.train();
    for (const [xb, yb] of loader) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(xb!), yb!);
      loss.backward();
      optimizer.step();
    }
    scheduler.step();
    accuracy = evaluate(model, testSet, { loss: 'crossEntropy', metrics: ['accuracy'] }).metrics.accuracy!;
  }
  assert.ok(accuracy > 0.85, `test accuracy after ${EPOCHS} epochs: ${accuracy}`);
});
