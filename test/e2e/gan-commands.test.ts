// The GAN commands on a small synthetic MNIST-format data set: `deepts train gan` (progress, the
// run folder's pictures and metrics, bit-for-bit resume), `deepts sample` and `deepts eval gan` on
// its run, and their bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepts } from '../cli/helpers.js';
import { syntheticMnist } from '../data/synthetic-mnist.js';
import { parseGanConfig } from '../../src/cli/commands/train-gan.js';
import { GAN_DEFAULTS } from '../../src/train/recipes/gan.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'deepts-gan-'));
const PNG = (path: string) => readFileSync(path).subarray(1, 4).toString('latin1');

/** Synthetic data and a LeNet judge trained on it (one epoch). */
function setup(): { data: string; judge: string } {
  const data = tmp(),
    judge = join(tmp(), 'lenet');
  syntheticMnist(data);
  const r = deepts(['train', 'lenet', '--data', data, '--epochs', '1', '--batch-size', '32', '--lr', '0.003', '--out', judge, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return { data, judge };
}

test('deepts train gan: progress, evaluations, the progression, pictures, metrics.json; resume is bit-for-bit; sample and eval', () => {
  const { data, judge } = setup();
  const out = join(tmp(), 'run');
  const common = [
    'train',
    'gan',
    '--model',
    'cdcgan',
    '--data',
    data,
    '--classifier',
    judge,
    '--batch-size',
    '32',
    '--width',
    '4',
    '--eval-every',
    '10',
    '--eval-samples',
    '100',
  ];
  const r = deepts([...common, '--iterations', '20', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deepts train gan: conditional DCGAN on mnist, 320 training images, backend \w+, seed 1/);
  assert.match(r.stdout, /judge: the deepts train lenet run .*; the real test images score IS \d+\.\d+, FID between their halves/);
  assert.match(
    r.stdout,
    /eval at iteration 10: IS \d+\.\d+ ± \d+\.\d+, FID-LeNet \d+\.\d+, digits (\d+\/){9}\d+ %, KL \d\.\d+, diversity \d\.\d+, class agreement \d+\.\d %/,
  );
  for (const f of ['samples.png', 'interpolation.png', 'samples/iter-000000.png', 'samples/iter-000010.png', 'samples/iter-000020.png'])
    assert.equal(PNG(join(out, f)), 'PNG', f);
  assert.equal(readFileSync(join(out, 'progression.gif')).subarray(0, 6).toString('latin1'), 'GIF89a');
  for (const f of ['loss.svg', 'd-outputs.svg', 'fid.svg']) assert.match(readFileSync(join(out, f), 'utf8'), /^<svg/);
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, unknown>;
  for (const k of ['inceptionScore', 'fid', 'classShares', 'seconds', 'classAgreement', 'realVsRealFid']) assert.ok(k in m, `metrics.json has ${k}`);
  assert.equal((m.evaluations as unknown[]).length, 2);
  assert.equal((m.classShares as number[]).length, 10);

  // 10 iterations, then --resume to 20: the same generator, bit for bit
  const half = join(tmp(), 'half');
  assert.equal(deepts([...common, '--iterations', '10', '--out', half, '--quiet']).code, 0);
  const resumed = deepts(['train', 'gan', '--resume', half, '--iterations', '20', '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /--iterations 20 differs from the run's 10/);
  assert.ok(readFileSync(join(half, 'generator.safetensors')).equals(readFileSync(join(out, 'generator.safetensors'))), 'resumed generator differs');
  const frames = JSON.parse(readFileSync(join(half, 'samples', 'progression.json'), 'utf8')) as { iteration: number }[];
  assert.deepEqual(
    frames.map((f) => f.iteration),
    [0, 10, 20],
  );

  // deepts sample and deepts eval gan on the run
  const grid = join(tmp(), 'sevens.png');
  const s = deepts(['sample', '--run', out, '--n', '12', '--digit', '7', '--out', grid]);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(PNG(grid), 'PNG');
  assert.match(deepts(['sample', '--run', out, '--digit', '12']).stderr, /deepts sample: --digit expects an integer in \[0, 9\]|--digit .*0.*9/);
  const e = deepts(['eval', 'gan', '--run', out, '--samples', '100', '--json']);
  assert.equal(e.code, 0, e.stderr);
  const ev = JSON.parse(e.stdout) as { samples: number; inceptionScore: number; classAgreement: number };
  assert.equal(ev.samples, 100);
  assert.ok(ev.inceptionScore >= 1 && ev.classAgreement >= 0);
  assert.match(deepts(['eval', 'gan', '--run', judge]).stderr, /deepts eval gan: .*is a run folder of `deepts train lenet`, not of `deepts train gan`/);
  assert.match(deepts(['eval', 'gan']).stderr, /--run DIR is required/);
});

test('deepts train gan: defaults and bad flags; --digit on an unconditional run', () => {
  const p = parseGanConfig(['--out', 'x']);
  assert.ok(p !== 'help');
  assert.deepEqual(
    { ...p.config, out: undefined },
    {
      ...GAN_DEFAULTS,
      model: 'dcgan',
      data: null,
      classifier: null,
      limit: null,
      out: undefined,
    },
  );
  const bad = (args: string[], re: RegExp) => {
    const r = deepts(['train', 'gan', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  };
  bad(['--model', 'wgan'], /--model expects one of gan\|dcgan\|cdcgan, got 'wgan'/);
  bad(['--label-smoothing', '0.7'], /--label-smoothing/);
  bad(['--iterations', '0'], /--iterations/);
  bad(['--resume', tmp()], /has no config\.json, so it is not a deepts run folder/);
  const { data, judge } = setup();
  const out = join(tmp(), 'run');
  assert.equal(
    deepts([
      'train',
      'gan',
      '--data',
      data,
      '--classifier',
      judge,
      '--width',
      '2',
      '--iterations',
      '2',
      '--eval-every',
      '2',
      '--eval-samples',
      '40',
      '--out',
      out,
      '--quiet',
    ]).code,
    0,
  );
  const s = deepts(['sample', '--run', out, '--digit', '3']);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /deepts sample: --digit needs a conditional model \(cdcgan\); this run's 'dcgan' draws any digit/);
  assert.ok(existsSync(join(out, 'discriminator.safetensors')));
});
