import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { fit } from '../../src/train/fit.js';
import { ProgressBar, formatDuration } from '../../src/train/progress.js';
import { SGD } from '../../src/optim/index.js';
import { line, scalarModel } from './helpers.js';

function sink(isTTY: boolean): { stream: Writable & { isTTY: boolean; columns: number }; text: () => string } {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    }),
    { isTTY, columns: 200 },
  );
  return { stream, text: () => text };
}

async function train(epochs: number, bar: ProgressBar): Promise<void> {
  const model = scalarModel(0);
  await fit(model, line(8, 1), {
    epochs,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    loss: 'mse',
    batchSize: 2,
    validation: line(4, 1),
    progress: false,
    callbacks: [bar],
  });
}

test('plain progress (CI, pipes) prints about 20 lines however many epochs, and always the last epoch', async () => {
  const out = sink(false);
  await train(200, new ProgressBar({ stream: out.stream }));
  const lines = out.text().trimEnd().split('\n');
  assert.ok(lines.length >= 20 && lines.length <= 22, `${lines.length} lines`);
  assert.match(lines[0]!, /^epoch 1\/200 {2}trainLoss \S+ {2}valLoss \S+ {2}lr 0\.100 {2}[\d.]+ it\/s {2}elapsed \d+:\d\d {2}ETA \d+:\d\d$/);
  assert.match(lines.at(-1)!, /^epoch 200\/200 /);
  assert.ok(!out.text().includes('\r'));
});

test('plain progress prints every epoch when there are few', async () => {
  const out = sink(false);
  await train(5, new ProgressBar({ stream: out.stream }));
  assert.deepEqual(
    out
      .text()
      .trimEnd()
      .split('\n')
      .map((l) => l.split('  ')[0]),
    ['epoch 1/5', 'epoch 2/5', 'epoch 3/5', 'epoch 4/5', 'epoch 5/5'],
  );
});

test('on a terminal the bar is redrawn in place with \\r, at most 10 times a second, and ends with a newline', async () => {
  const out = sink(true);
  let clock = 0;
  await train(50, new ProgressBar({ stream: out.stream, now: () => (clock += 1) })); // 1 ms per call: far under 100 ms
  const text = out.text();
  assert.ok(text.startsWith('\r'));
  assert.ok(text.endsWith('\n'));
  assert.equal(text.split('\n').length, 2, 'one line');
  const draws = text.split('\r').length - 1;
  assert.ok(draws >= 50 && draws <= 60, `${draws} redraws for 50 epochs of 4 batches (each epoch end draws, batches are throttled)`);
  assert.match(text, /epoch 50\/50 █+ 100% {2}[\d.]+ it\/s {2}elapsed \d+:\d\d {2}ETA 0:00 {2}trainLoss/);
});

test('a heartbeat line appears in plain mode when an epoch takes long', async () => {
  const out = sink(false);
  let clock = 0;
  await train(1, new ProgressBar({ stream: out.stream, now: () => (clock += 20_000), heartbeatSeconds: 30 }));
  assert.match(out.text(), /epoch 1\/1 {2}batch \d\/4 {2}loss \S+/);
});

test('formatDuration', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(75), '1:15');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(Infinity), '?');
});
