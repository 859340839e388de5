import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepts } from '../cli/helpers.js';
import { parseMlpConfig, trainMlp, MLP_DEFAULTS } from '../../src/cli/commands/train-mlp.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { mlp } from '../../src/models/mlp.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'deepts-mlp-'));
const RUN_FILES = ['metrics.json', 'loss.svg', 'boundary.png', 'history.jsonl', 'checkpoint.safetensors', 'config.json'];

test('deepts train mlp (small xor run) prints the numbers and writes the run folder', () => {
  const out = join(tmp(), 'run');
  const r = deepts(['train', 'mlp', '--dataset', 'xor', '--epochs', '15', '--num-samples', '200', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deepts train mlp: xor \(classification\), 100 train \/ 100 test points/);
  assert.match(r.stdout, new RegExp(`run folder: ${out}`));
  assert.match(r.stdout, /train loss [\d.e-]+ {2}accuracy [\d.]+%\ntest {2}loss [\d.e-]+ {2}accuracy [\d.]+%/);
  assert.match(r.stderr, /epoch 15\/15 /, 'progress goes to stderr');
  for (const f of RUN_FILES) assert.ok(existsSync(join(out, f)), f);
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  for (const k of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'epochs', 'seconds']) assert.equal(typeof m[k], 'number', k);
  assert.ok(m.testAccuracy >= 0.9, `xor test accuracy after 15 epochs: ${m.testAccuracy}`);
  assert.equal(m.epochs, 15);
  assert.equal(m.config.dataset, 'xor');
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')), { command: 'train mlp', ...(m.config as object) });
  assert.equal(readFileSync(join(out, 'history.jsonl'), 'utf8').trimEnd().split('\n').length, 15);
  assert.ok(readFileSync(join(out, 'loss.svg'), 'utf8').includes('<svg'));
  assert.deepEqual([...readFileSync(join(out, 'boundary.png')).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  // the checkpoint restores a model that reproduces the reported test loss's weights
  const model = mlp({ inputs: 4, hidden: [16, 16], outputs: 2, activation: 'tanh' });
  const ck = loadCheckpoint(join(out, 'checkpoint.safetensors'), { model, generator: null });
  assert.equal(ck.epoch, 15);
  assert.deepEqual(ck.config, m.config);
});

test('regression runs report test MSE against the mean baseline', async () => {
  const out = join(tmp(), 'reg');
  const lines: string[] = [];
  const parsed = parseMlpConfig(['--dataset', 'reg-plane', '--epochs', '10', '--num-samples', '120', '--out', out]);
  assert.notEqual(parsed, 'help');
  if (parsed === 'help') return;
  const { metrics } = await trainMlp(parsed.config, { quiet: true, say: (l) => lines.push(l) });
  assert.equal(metrics.task, 'regression');
  for (const k of ['trainLoss', 'testLoss', 'testMse', 'meanBaselineMse']) assert.equal(typeof metrics[k], 'number', k);
  assert.ok((metrics.testMse as number) < (metrics.meanBaselineMse as number) / 10, `${metrics.testMse} vs baseline ${metrics.meanBaselineMse}`);
  assert.match(lines.join('\n'), /test {2}MSE [\d.e-]+ {2}\(predicting the mean: \d\.\d{4}; the model's is [\d.e+]+× lower\)/);
  for (const f of RUN_FILES) assert.ok(existsSync(join(out, f)), f);
});

test('the same seed gives the same run; --patience stops early and restores the best epoch', async () => {
  const run = async (...extra: string[]): Promise<Record<string, unknown>> => {
    const parsed = parseMlpConfig(['--dataset', 'circle', '--epochs', '8', '--num-samples', '100', '--out', join(tmp(), 'r'), ...extra]);
    if (parsed === 'help') throw new Error('help');
    return (await trainMlp(parsed.config, { quiet: true, say: () => {} })).metrics;
  };
  const a = await run('--seed', '3'),
    b = await run('--seed', '3'),
    c = await run('--seed', '4');
  assert.equal(a.testLoss, b.testLoss);
  assert.notEqual(a.testLoss, c.testLoss);
  const parsed = parseMlpConfig([
    '--dataset',
    'spiral',
    '--epochs',
    '400',
    '--lr',
    '0.05',
    '--schedule',
    'constant',
    '--num-samples',
    '100',
    '--patience',
    '3',
    '--out',
    join(tmp(), 'p'),
  ]);
  if (parsed === 'help') throw new Error('help');
  const { metrics, history } = await trainMlp(parsed.config, { quiet: true, say: () => {} });
  assert.equal(metrics.stoppedEarly, true);
  assert.ok((metrics.epochs as number) < 400);
  assert.equal(metrics.epochs, (metrics.bestEpoch as number) + 3);
  const best = history.epochs[(metrics.bestEpoch as number) - 1]!;
  assert.ok(Math.abs((metrics.testLoss as number) - best.valLoss!) < 1e-6, "the reported test loss is the restored best epoch's");
});

test('bad flags and values exit with code 2 and name the flag and what was expected', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /deepts train mlp: Unknown option '--bogus'.*Known flags: --dataset, --hidden/],
    [['--dataset', 'moons'], /--dataset expects one of circle\|xor\|gauss\|spiral\|reg-plane\|reg-gauss, got 'moons'/],
    [['--activation', 'swish'], /--activation expects one of relu\|tanh\|sigmoid\|linear\|leaky-relu\|elu\|maxout\|gelu/],
    [['--optimizer', 'lbfgs'], /--optimizer expects one of sgd\|momentum\|rmsprop\|adam\|adamw, got 'lbfgs'/],
    [['--hidden', '8,x'], /--hidden expects comma-separated layer sizes \(integers 1\.\.4096\) such as 16,16, or 'none', got '8,x'/],
    [['--lr', 'fast'], /--lr expects a number in 0\.\.10, got 'fast'/],
    [['--lr', '0'], /--lr expects a number in \(0, 10\], got '0'/],
    [['--epochs', '2.5'], /--epochs expects an integer in 1\.\.1000000, got '2\.5'/],
    [['--train-ratio', '0.95'], /--train-ratio expects a number in 0\.1\.\.0\.9, got '0\.95'/],
    [['--noise', '80'], /--noise expects a number in 0\.\.50, got '80'/],
    [['--dropout', '1'], /--dropout expects a number in 0\.\.0\.9, got '1'/],
    [['--l2=-1'], /--l2 expects a number in 0\.\.10, got '-1'/],
    [['--features', 'x1,x3'], /--features: unknown feature 'x3', expected one of x1, x2, x1\^2/],
    [['--batch-size', '300'], /--batch-size 300 is larger than the 250 training points/],
    [['--schedule', 'step'], /--schedule expects one of constant\|cosine, got 'step'/],
    [['--seed=-1'], /--seed expects an integer in 0\.\.4294967295, got '-1'/],
    [['spiral'], /deepts train mlp: unexpected argument 'spiral' \(flags start with --; see --help\)/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseMlpConfig(args), message, args.join(' '));
  }
  // through the binary: exit code 2 and the message on stderr, nothing trained
  const r = deepts(['train', 'mlp', '--activation', 'swish']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /deepts train mlp: --activation expects one of/);
  assert.equal(r.stdout, '');
  const m = deepts(['train', 'resnet']);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /deepts train: unknown model 'resnet', expected one of mlp/);
});

test('deepts train mlp --help lists every flag with its default', () => {
  const r = deepts(['train', 'mlp', '--help']);
  assert.equal(r.code, 0);
  for (const flag of [
    'dataset',
    'hidden',
    'activation',
    'optimizer',
    'lr',
    'batch-size',
    'epochs',
    'l1',
    'l2',
    'dropout',
    'features',
    'noise',
    'train-ratio',
    'num-samples',
    'patience',
    'seed',
    'out',
    'quiet',
  ]) {
    assert.match(r.stdout, new RegExp(`--${flag}\\b`), flag);
  }
  assert.match(r.stdout, new RegExp(`--hidden VALUE.*\\(default: ${MLP_DEFAULTS.hidden}\\)`));
});
