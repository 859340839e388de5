import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fit } from '../../src/train/fit.js';
import type { Callback } from '../../src/train/callbacks/callback.js';
import { JsonlLogger } from '../../src/train/callbacks/jsonl-logger.js';
import { ModelCheckpoint } from '../../src/train/callbacks/model-checkpoint.js';
import { SGD } from '../../src/optim/index.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { line, scalarModel } from './helpers.js';

function recorder(name: string, events: string[]): Callback {
  return {
    onTrainBegin: () => {
      events.push(`${name}:trainBegin`);
    },
    onEpochBegin: (epoch) => {
      events.push(`${name}:epochBegin ${epoch}`);
    },
    onBatchEnd: (logs) => {
      events.push(`${name}:batchEnd ${logs.batch}`);
    },
    onEpochEnd: (logs) => {
      events.push(`${name}:epochEnd ${logs.epoch}`);
    },
    onTrainEnd: () => {
      events.push(`${name}:trainEnd`);
    },
  };
}

test('callbacks run in hook order, and in list order within a hook', async () => {
  const events: string[] = [];
  const model = scalarModel(0);
  await fit(model, line(4, 1), {
    epochs: 2,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    loss: 'mse',
    batchSize: 2,
    progress: false,
    callbacks: [recorder('a', events), recorder('b', events)],
  });
  const perEpoch = (e: number): string[] => [
    `a:epochBegin ${e}`,
    `b:epochBegin ${e}`,
    'a:batchEnd 1',
    'b:batchEnd 1',
    'a:batchEnd 2',
    'b:batchEnd 2',
    `a:epochEnd ${e}`,
    `b:epochEnd ${e}`,
  ];
  assert.deepEqual(events, ['a:trainBegin', 'b:trainBegin', ...perEpoch(1), ...perEpoch(2), 'a:trainEnd', 'b:trainEnd']);
});

test('a callback can stop training; the epoch finishes and onTrainEnd still runs; async hooks are awaited', async () => {
  const events: string[] = [];
  const model = scalarModel(0);
  const stopper: Callback = {
    onEpochEnd: async (logs, state) => {
      await new Promise((r) => setTimeout(r, 1));
      events.push(`end ${logs.epoch}`);
      if (logs.epoch === 2) state.requestStop('enough');
    },
    onTrainEnd: () => {
      events.push('trainEnd');
    },
  };
  const h = await fit(model, line(4, 1), {
    epochs: 10,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    loss: 'mse',
    batchSize: 4,
    progress: false,
    callbacks: [stopper],
  });
  assert.deepEqual(events, ['end 1', 'end 2', 'trainEnd']);
  assert.equal(h.epochs.length, 2);
  assert.equal(h.stopReason, 'enough');
});

test('the JSONL log has one parseable line per epoch with the History numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-jsonl-'));
  const path = join(dir, 'sub', 'log.jsonl');
  const model = scalarModel(0);
  const h = await fit(model, line(8, 1), {
    epochs: 3,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    loss: 'mse',
    metrics: ['mae'],
    batchSize: 4,
    progress: false,
    validation: line(4, 1),
    log: path,
  });
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 3);
  const rows = lines.map((l) => JSON.parse(l) as Record<string, number>);
  rows.forEach((r, i) => {
    assert.equal(r.epoch, i + 1);
    assert.equal(r.step, (i + 1) * 2);
    assert.equal(r.trainLoss, h.epochs[i]!.trainLoss);
    assert.equal(r.valMae, h.epochs[i]!.valMae);
    for (const k of ['valLoss', 'trainMae', 'lr', 'seconds']) assert.equal(typeof r[k], 'number', k);
  });
  // a new run truncates the file; append keeps it
  const m2 = scalarModel(0);
  await fit(m2, line(8, 1), { epochs: 1, optimizer: new SGD(m2.parameters(), { lr: 0.1 }), loss: 'mse', progress: false, log: path });
  assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 1);
  await fit(m2, line(8, 1), {
    epochs: 1,
    optimizer: new SGD(m2.parameters(), { lr: 0.1 }),
    loss: 'mse',
    progress: false,
    callbacks: [new JsonlLogger(path, true)],
  });
  assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 2);
});

test('JsonlLogger writes NaN as null so every line stays valid JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-jsonl-'));
  const logger = new JsonlLogger(join(dir, 'log.jsonl'));
  logger.onTrainBegin();
  logger.onEpochEnd({ epoch: 1, trainLoss: NaN, lr: 0.1, seconds: 1 }, { step: 3 } as never);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'log.jsonl'), 'utf8')), { epoch: 1, trainLoss: null, lr: 0.1, seconds: 1, step: 3 });
});

test('ModelCheckpoint with saveBestOnly saves only improving epochs, and the checkpoint loads back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-ckpt-'));
  const model = scalarModel(1);
  const ckpt = new ModelCheckpoint({ path: join(dir, 'best-{epoch}.safetensors'), saveBestOnly: true, config: { note: 'test' } });
  let bestW = NaN;
  const h = await fit(model, line(16, 3), {
    epochs: 25,
    optimizer: new SGD(model.parameters(), { lr: 0.05 }),
    loss: 'mse',
    batchSize: 16,
    shuffle: false,
    validation: line(16, 2),
    callbacks: [
      ckpt,
      {
        onEpochEnd: (l) => {
          if (l.epoch === ckpt.saved.length && l.valLoss === ckpt.best) bestW = model.weight.item();
        },
      },
    ],
    progress: false,
  });
  const val = h.get('valLoss');
  const best = val.indexOf(Math.min(...val)) + 1;
  assert.equal(ckpt.saved.length, best, 'one save per improving epoch (the loss improves every epoch up to the best)');
  assert.equal(ckpt.saved.at(-1), join(dir, `best-${best}.safetensors`));
  const target = scalarModel(0);
  const loaded = loadCheckpoint(ckpt.saved.at(-1)!, { model: target, generator: null });
  assert.equal(loaded.epoch, best);
  assert.deepEqual(loaded.config, { note: 'test' });
  assert.equal(target.weight.item(), bestW);
  assert.throws(() => new ModelCheckpoint({} as never), /ModelCheckpoint: options.path \(a file path\) is required/);
});
