import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit } from '../../src/train/fit.js';
import { evaluate, predict } from '../../src/train/evaluate.js';
import { SGD, Adam, StepLR } from '../../src/optim/index.js';
import { Linear } from '../../src/nn/linear.js';
import { Generator } from '../../src/tensor/generator.js';
import { tensor } from '../../src/tensor/creation.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { mlp } from '../../src/models/mlp.js';
import { blobs, line, scalarModel, weightsOf } from './helpers.js';

test('fit lowers the loss on a tiny classification set and reports accuracy', async () => {
  const data = blobs(40);
  const model = mlp({ inputs: 2, hidden: [4], outputs: 2, activation: 'tanh', generator: new Generator(1) });
  const before = evaluate(model, data, { loss: 'crossEntropy', metrics: ['accuracy'] });
  const history = await fit(model, data, {
    epochs: 30,
    optimizer: new Adam(model.parameters(), { lr: 0.05 }),
    loss: 'crossEntropy',
    metrics: ['accuracy'],
    batchSize: 8,
    generator: new Generator(2),
    progress: false,
  });
  const losses = history.get('trainLoss');
  assert.equal(losses.length, 30);
  assert.ok(losses[29]! < losses[0]! / 3, `loss ${losses[0]} -> ${losses[29]}`);
  const after = evaluate(model, data, { loss: 'crossEntropy', metrics: ['accuracy'] });
  assert.ok(after.loss < before.loss / 3);
  assert.equal(after.metrics.accuracy, 1);
  assert.equal(history.last()!.trainAccuracy, 1);
  assert.equal(history.steps, 30 * 5);
});

test('fit is reproducible with a seeded generator, and shuffles differently with another', async () => {
  const run = async (seed: number): Promise<Float32Array[]> => {
    const model = mlp({ inputs: 2, hidden: [3], outputs: 2, generator: new Generator(7) });
    await fit(model, blobs(20), {
      epochs: 3,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy',
      batchSize: 4,
      generator: new Generator(seed),
      progress: false,
    });
    return weightsOf(model);
  };
  assert.deepEqual(await run(5), await run(5));
  assert.notDeepEqual(await run(5), await run(6));
});

test('fit takes {x, y}, a Dataset or a DataLoader, and validationSplit holds out the last fraction', async () => {
  const { x, y } = line(20, 2);
  for (const data of [{ x, y }, new TensorDataset(x, y), new DataLoader(new TensorDataset(x, y), { batchSize: 5 })]) {
    const model = scalarModel(0);
    const h = await fit(model, data, { epochs: 20, optimizer: new SGD(model.parameters(), { lr: 0.2 }), loss: 'mse', batchSize: 5, progress: false });
    assert.ok(Math.abs(model.weight.item() - 2) < 0.05, `w = ${model.weight.item()}`);
    assert.equal(h.steps, 20 * 4);
  }
  const model = scalarModel(0);
  const h = await fit(
    model,
    { x, y },
    { epochs: 2, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: 'mse', batchSize: 4, validationSplit: 0.2, progress: false },
  );
  assert.equal(h.steps, 2 * 4, '16 training examples in batches of 4');
  assert.ok(typeof h.last()!.valLoss === 'number');
});

test('fit steps the scheduler each epoch and records the lr used in each epoch', async () => {
  const model = scalarModel(0);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const h = await fit(model, line(8, 1), { epochs: 4, optimizer, scheduler: new StepLR(optimizer, 2, 0.5), loss: 'mse', batchSize: 8, progress: false });
  assert.deepEqual(h.get('lr'), [0.1, 0.1, 0.05, 0.05]);
});

test('fit adds the L1/L2 penalty to the gradient but reports the data loss', async () => {
  const run = async (l2?: number): Promise<{ w: number; loss: number }> => {
    const model = scalarModel(1);
    const h = await fit(model, line(8, 1), {
      epochs: 1,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'mse',
      batchSize: 8,
      shuffle: false,
      l2,
      progress: false,
    });
    return { w: model.weight.item(), loss: h.last()!.trainLoss };
  };
  const plain = await run();
  const decayed = await run(0.5);
  assert.equal(plain.loss, 0, 'w = 1 fits y = x exactly');
  assert.equal(decayed.loss, 0, 'the penalty is not part of the reported loss');
  assert.ok(Math.abs(decayed.w - (1 - 0.1 * 0.5 * 2)) < 1e-6, `one step of d(0.5·w²)/dw = w: w = ${decayed.w}`);
});

test('fit stops on a NaN loss instead of training on garbage', async () => {
  const model = scalarModel(1);
  const h = await fit(
    model,
    { x: tensor([[1], [2]]), y: tensor([[NaN], [1]]) },
    { epochs: 5, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: 'mse', batchSize: 2, progress: false },
  );
  assert.equal(h.epochs.length, 1);
  assert.match(h.stopReason ?? '', /the training loss is NaN/);
});

test('fit leaves the model in eval mode; predict batches large inputs', async () => {
  const model = mlp({ inputs: 2, hidden: [3], outputs: 2, dropout: 0.5, generator: new Generator(1) });
  await fit(model, blobs(8), { epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: 'crossEntropy', progress: false });
  assert.equal(model.training, false);
  const x = blobs(50).x;
  assert.deepEqual(predict(model, x, { batchSize: 7 }).toArray(), model.forward(x).toArray());
});

test('fit errors name the option and what was expected', async () => {
  const model = new Linear(1, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const data = line(4, 1);
  const base = { epochs: 1, optimizer, loss: 'mse' as const, progress: false };
  await assert.rejects(fit(model, data, { ...base, epochs: 0 }), /fit: epochs must be a positive integer, got 0/);
  await assert.rejects(fit(model, data, { ...base, batchSize: 2.5 }), /fit: batchSize must be a positive integer, got 2.5/);
  await assert.rejects(
    fit(model, data, { ...base, loss: 'hinge' as never }),
    /fit: unknown loss 'hinge', expected one of crossEntropy, mse, l1, bceWithLogits/,
  );
  await assert.rejects(fit(model, data, { ...base, metrics: ['f1' as never] }), /fit: unknown metric 'f1'/);
  await assert.rejects(fit(model, data, { ...base, l2: -1 }), /fit: l2 must be a non-negative number, got -1/);
  await assert.rejects(fit(model, data, { ...base, validation: data, validationSplit: 0.5 }), /fit: pass either validation or validationSplit, not both/);
  await assert.rejects(fit(model, data, { ...base, validationSplit: 1.5 }), /fit: validationSplit must be in \(0, 1\), got 1.5/);
  await assert.rejects(fit(model, { x: tensor([[1], [2]]), y: tensor([[1]]) }, base), /fit: x \(2,1\) and y \(1,1\) must have the same number of rows/);
  await assert.rejects(fit(model, 42 as never, base), /fit: data must be \{x, y\} tensors, a Dataset of \[x, y\] items, or an iterable of \[x, y\] batches/);
  await assert.rejects(fit(model, { x: tensor([[1], [2]]), y: tensor([1, 2]) }, base), /mseLoss: input \(2,1\) and target \(2,\) must have the same shape/);
});
