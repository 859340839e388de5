import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit } from '../../src/train/fit.js';
import { EarlyStopping } from '../../src/train/callbacks/early-stopping.js';
import type { Callback } from '../../src/train/callbacks/callback.js';
import { SGD } from '../../src/optim/index.js';
import { Linear } from '../../src/nn/linear.js';
import { scalarModel, line, weightsOf } from './helpers.js';

// Training pulls the weight from 1 towards 3 (y = 3x); the validation data says y = 2x. So the
// validation loss falls while w approaches 2, is lowest at the epoch w is closest to 2, and
// then rises every epoch: EarlyStopping must stop `patience` epochs after that best epoch and put
// back exactly the weights the model had at the end of it.
test('EarlyStopping stops patience epochs after the best validation loss and restores the best weights bit-for-bit (acceptance)', async () => {
  const model = scalarModel(1);
  const snapshots = new Map<number, Float32Array[]>();
  const recorder: Callback = {
    onEpochEnd: (logs) => {
      snapshots.set(logs.epoch, weightsOf(model));
    },
  };
  const early = new EarlyStopping({ monitor: 'valLoss', patience: 3, restoreBest: true });
  const history = await fit(model, line(16, 3), {
    epochs: 100,
    optimizer: new SGD(model.parameters(), { lr: 0.05 }),
    loss: 'mse',
    batchSize: 16,
    shuffle: false,
    validation: line(16, 2),
    callbacks: [early, recorder],
    progress: false,
  });
  const val = history.get('valLoss');
  const best = val.indexOf(Math.min(...val)) + 1;
  assert.ok(best > 1, `the validation loss must improve for a while first (best epoch ${best})`);
  for (let e = best; e < val.length; e++) assert.ok(val[e]! > val[e - 1]!, `val loss rises after the best epoch (epoch ${e + 1})`);
  assert.equal(early.bestEpoch, best);
  assert.equal(early.stoppedEpoch, best + 3);
  assert.equal(history.epochs.length, best + 3, 'no epoch runs after the stop');
  assert.match(history.stopReason ?? '', /EarlyStopping: valLoss did not improve for 3 epochs/);
  // the weights now are the best epoch's, not the last epoch's
  assert.deepEqual(weightsOf(model), snapshots.get(best));
  assert.notDeepEqual(snapshots.get(best + 3), snapshots.get(best));
});

test('EarlyStopping without restoreBest keeps the last weights', async () => {
  const model = scalarModel(1);
  let last: Float32Array[] = [];
  const early = new EarlyStopping({ patience: 2 });
  await fit(model, line(16, 3), {
    epochs: 100,
    optimizer: new SGD(model.parameters(), { lr: 0.05 }),
    loss: 'mse',
    batchSize: 16,
    shuffle: false,
    validation: line(16, 2),
    callbacks: [
      early,
      {
        onEpochEnd: () => {
          last = weightsOf(model);
        },
      },
    ],
    progress: false,
  });
  assert.ok(early.stoppedEpoch > 0);
  assert.deepEqual(weightsOf(model), last);
});

test('EarlyStopping in max mode watches an accuracy, and minDelta ignores small gains', () => {
  assert.equal(new EarlyStopping({ monitor: 'valAccuracy' }).mode, 'max');
  assert.equal(new EarlyStopping({ monitor: 'valLoss' }).mode, 'min');
  const es = new EarlyStopping({ monitor: 'valLoss', patience: 2, minDelta: 0.1 });
  const state = {
    model: new Linear(1, 1),
    stopTraining: false,
    stopReason: null as string | null,
    requestStop(r: string) {
      this.stopTraining = true;
      this.stopReason = r;
    },
  };
  es.onTrainBegin();
  const feed = (epoch: number, valLoss: number): void => es.onEpochEnd({ epoch, trainLoss: 0, valLoss, lr: 0, seconds: 0 }, state as never);
  feed(1, 1.0);
  feed(2, 0.95); // better, but by less than minDelta
  assert.equal(state.stopTraining, false);
  feed(3, 0.92);
  assert.equal(state.stopTraining, true);
  assert.equal(es.bestEpoch, 1);
  assert.equal(es.stoppedEpoch, 3);
});

test('EarlyStopping errors name the bad option or the missing monitor key', async () => {
  assert.throws(() => new EarlyStopping({ patience: -1 }), /EarlyStopping: patience must be a non-negative integer, got -1/);
  assert.throws(() => new EarlyStopping({ mode: 'up' as never }), /EarlyStopping: mode must be 'min', 'max' or 'auto', got 'up'/);
  const model = scalarModel(1);
  await assert.rejects(
    fit(model, line(8, 3), { epochs: 2, optimizer: new SGD(model.parameters(), { lr: 0.1 }), loss: 'mse', callbacks: [new EarlyStopping()], progress: false }),
    /EarlyStopping: monitor 'valLoss' is not in the epoch logs \(epoch, trainLoss, lr, seconds\); pass validation data/,
  );
});
