// The CNN commands: `deepts train lenet` on a small synthetic MNIST-format data set (run folder,
// metrics, pictures, checkpoint; bad flags and missing data), `deepts params` and `deepts demo conv`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepts } from '../cli/helpers.js';
import * as dt from '../../src/index.js';
import { LeNet5 } from '../../src/models/lenet.js';
import { parseLenetConfig, LENET_DEFAULTS } from '../../src/cli/commands/train-lenet.js';
import { run as params, countParameters } from '../../src/cli/commands/params.js';
import { run as demo, convDemo, filterImage, LECTURE_IMAGE, LECTURE_FILTER_1 } from '../../src/cli/commands/demo.js';
import { syntheticMnist } from '../data/synthetic-mnist.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'deepts-cnn-'));

const PNG = (path: string) => readFileSync(path).subarray(1, 4).toString('latin1');

test('deepts train lenet: progress, final accuracy, metrics.json, checkpoint and pictures', () => {
  const data = tmp(),
    out = join(tmp(), 'run');
  syntheticMnist(data);
  const r = deepts(['train', 'lenet', '--data', data, '--epochs', '2', '--batch-size', '32', '--lr', '0.003', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deepts train lenet: mnist, 320 training \/ 80 test images, backend \w+, seed 1/);
  assert.match(r.stdout, /model: LeNet-5 \(relu, max pooling\), 61,706 parameters/);
  assert.match(r.stdout, /test accuracy [\d.]+% \(error [\d.]+%, \d+ of 80 wrong\), test loss [\d.]+/);
  assert.match(r.stdout, /2 epochs: [\d.]+ s training, \d+ images\/s/);
  assert.match(r.stderr, /epoch 2\/2 /, 'progress goes to stderr');
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  for (const k of ['testAccuracy', 'testLoss', 'epochs', 'imagesPerSecond', 'trainSeconds', 'testError']) assert.equal(typeof m[k], 'number', k);
  assert.equal(m.epochs, 2);
  assert.ok(m.testAccuracy >= 0.9, `synthetic bars should be learned: accuracy ${m.testAccuracy}`);
  assert.ok(m.imagesPerSecond > 0);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')), { command: 'train lenet', ...(m.config as object) });
  for (const f of ['confusion.png', 'misclassified.png', 'feature-maps.png', 'filters.png']) assert.equal(PNG(join(out, f)), 'PNG', f);
  assert.ok(readFileSync(join(out, 'loss.svg'), 'utf8').includes('<svg'));
  assert.equal(readFileSync(join(out, 'history.jsonl'), 'utf8').trimEnd().split('\n').length, 2);
  const model = new LeNet5();
  const ck = dt.loadCheckpoint(join(out, 'checkpoint.safetensors'), { model, generator: null });
  assert.equal(ck.epoch, 2);
  // the restored weights reproduce the reported accuracy
  const test10 = dt.mnistTensors(dt.loadMnistSync('test', { dir: data }));
  const pred = dt.noGrad(() => model.eval().forward(test10.x).argmax(1)).toTypedArray();
  const labels = test10.y.toTypedArray();
  assert.equal(pred.filter((p, i) => p === labels[i]).length / labels.length, m.testAccuracy);
});

test('deepts train lenet: defaults, and bad flags or missing data are clear errors', () => {
  const parsed = parseLenetConfig([]);
  assert.ok(parsed !== 'help');
  assert.equal(parsed.config.epochs, LENET_DEFAULTS.epochs);
  assert.equal(parsed.config.augment, 'affine');
  assert.equal(parsed.config.batchSize, 64);
  const bad = (args: string[], re: RegExp) => {
    const r = deepts(['train', 'lenet', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit code`);
    assert.match(r.stderr, re);
  };
  bad(['--augment', 'cutout'], /deepts train lenet: --augment expects one of affine\|shift\|none, got 'cutout'/);
  bad(['--lr', '0'], /--lr expects a number in \(0, 10\]/);
  bad(['--dataset', 'cifar10'], /--dataset expects one of mnist\|fashion-mnist/);
  bad(['--epochs', '1.5'], /--epochs expects an integer/);
  bad(['--augment', 'shift', '--translate', '1.5'], /--translate must be an integer/);
  bad(['--bogus'], /Unknown option '--bogus'/);
  const r = deepts(['train', 'lenet', '--data', tmp(), '--epochs', '1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /loadMnist: the mnist train files .* were not found in:/);
  const help = deepts(['train', 'lenet', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--augment VALUE/);
});

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.join(' '));
  };
  try {
    const code = await fn();
    return { code, out: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

test('deepts params: counts beside the references, --json, --layers, errors', async () => {
  const r = await capture(() => params(['resnet18', '--json']));
  const j = JSON.parse(r.out);
  assert.deepEqual([j.model, j.parameters, j.reference, j.matches], ['resnet18', 11_689_512, 11_689_512, true]);
  const g = await capture(() => params(['googlenet']));
  assert.match(g.out, /googlenet\s+6,624,904 {2}= 6,624,904 \(torchvision googlenet/);
  const l = await capture(() => params(['lenet5', '--layers']));
  assert.match(l.out, /lenet5\s+61,706/);
  assert.match(l.out, /conv1\.weight\s+\(6,1,5,5\)\s+150/);
  assert.match(l.out, /fc1\.weight\s+\(120,400\)\s+48,000/);
  assert.equal(countParameters('alphago-policy').parameters, 3_882_793);
  assert.equal(countParameters('resnet18', { numClasses: 10 }).parameters, 11_689_512 - 1000 * 513 + 10 * 513);
  await assert.rejects(params(['resnet99']), /deepts params: unknown model 'resnet99'/);
  await assert.rejects(params(['a', 'b']), /expected one model name/);
});

test("deepts demo conv: the lecture's exact numbers, and its pictures", async () => {
  const out = tmp();
  const lines: string[] = [];
  const res = convDemo(out, { say: (l) => lines.push(l) });
  assert.deepEqual(res.filter1Stride1, [
    [3, -1, -3, -1],
    [-3, 1, 0, -3],
    [-3, -3, 0, 1],
    [3, -2, -2, -1],
  ]);
  assert.deepEqual(res.filter2Stride1, [
    [-1, -1, -1, -1],
    [-1, -1, -2, 1],
    [-1, -1, -2, 1],
    [-1, 0, -4, 3],
  ]);
  assert.deepEqual(res.filter1Stride2, [
    [3, -3],
    [-3, 0],
  ]);
  assert.deepEqual(res.pooled1, [
    [3, 0],
    [3, 1],
  ]);
  assert.deepEqual(res.pooled2, [
    [-1, 1],
    [0, 3],
  ]);
  assert.deepEqual(filterImage(LECTURE_IMAGE, LECTURE_FILTER_1, 1, 1).length, 6, 'padding 1 keeps 6×6');
  // the Laplacian of a blank image is 0, of a lone dot the kernel itself
  const dot = Array.from({ length: 5 }, (_, y) => Array.from({ length: 5 }, (_, x) => (x === 2 && y === 2 ? 1 : 0)));
  assert.deepEqual(
    filterImage(
      dot,
      [
        [0, 1, 0],
        [1, -4, 1],
        [0, 1, 0],
      ],
      1,
      1,
    )[2],
    [0, 1, -4, 1, 0],
  );
  const text = lines.join('\n');
  assert.match(text, / {3}3 -1 -3 -1\n {2}-3 {2}1 {2}0 -3\n {2}-3 -3 {2}0 {2}1\n {3}3 -2 -2 -1/);
  assert.match(text, /The Laplacian \[\[0,1,0\],\[1,-4,1\],\[0,1,0\]\] on /);
  for (const f of ['image.png', 'filters.png', 'feature-maps.png', 'pooled.png', 'laplacian.png'])
    assert.ok(existsSync(join(out, f)) && PNG(join(out, f)) === 'PNG', f);
  await assert.rejects(demo(['nope']), /deepts demo: unknown demo 'nope', expected one of conv/);
});
