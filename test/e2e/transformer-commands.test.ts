// deepts train gpt / bert / albert and deepts sample, on a small text with tiny models: the run
// folder, resuming bit-for-bit, sampling from a run, and the flag errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGptConfig, trainGpt, GPT_PRESETS } from '../../src/cli/commands/train-gpt.js';
import { parseMlmConfig, trainMlm } from '../../src/cli/commands/train-mlm.js';
import { loadRun, run as sampleRun } from '../../src/cli/commands/sample.js';
import { loadSafetensors } from '../../src/io/safetensors.js';
import { generate } from '../../src/generate/index.js';
import { CliError } from '../../src/cli/args.js';

const dir = mkdtempSync(join(tmpdir(), 'deepts-gpt-cli-'));
const data = join(dir, 'text.txt');
writeFileSync(data, 'First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n'.repeat(40));
const quiet = { say: (_: string) => {} };
const tiny = [
  '--data',
  data,
  '--n-layer',
  '1',
  '--n-head',
  '2',
  '--n-embd',
  '16',
  '--block-size',
  '16',
  '--batch-size',
  '4',
  '--eval-interval',
  '6',
  '--eval-iters',
  '2',
  '--sample-tokens',
  '20',
  '--warmup-iters',
  '2',
  '--lr-decay-iters',
  '12',
  '--log-interval',
  '3',
];

function config(argv: string[]) {
  const parsed = parseGptConfig(argv);
  assert.notEqual(parsed, 'help');
  return parsed as Exclude<typeof parsed, 'help'>;
}

test("deepts train gpt: the shakespeare-char presets are nanoGPT's CPU and GPU configurations", () => {
  const c = config(['--out', join(dir, 'unused')]).config;
  assert.deepEqual(
    [
      c.nLayer,
      c.nHead,
      c.nEmbd,
      c.blockSize,
      c.batchSize,
      c.dropout,
      c.maxIters,
      c.lr,
      c.minLr,
      c.warmupIters,
      c.lrDecayIters,
      c.beta2,
      c.gradClip,
      c.bias,
      c.trainFraction,
      c.evalIters,
    ],
    [4, 4, 128, 64, 12, 0, 2000, 1e-3, 1e-4, 100, 2000, 0.99, 1, false, 0.9, 20],
  );
  // the CPU preset's one departure from nanoGPT (β1 0.9, weight decay 0.1): docs/transformers.md
  assert.deepEqual([c.beta1, c.weightDecay], [0.6, 0]);
  const nano = config(['--out', join(dir, 'unused'), '--beta1', '0.9', '--weight-decay', '0.1']).config;
  assert.deepEqual([nano.beta1, nano.weightDecay], [0.9, 0.1]);
  const baby = GPT_PRESETS['shakespeare-char-baby']!;
  assert.deepEqual(
    [baby.nLayer, baby.nHead, baby.nEmbd, baby.blockSize, baby.batchSize, baby.dropout, baby.maxIters, baby.beta1, baby.weightDecay],
    [6, 6, 384, 256, 64, 0.2, 5000, 0.9, 0.1],
  );
});

test('deepts train gpt: run folder with evals, samples at 0/6/12, metrics, loss curve, checkpoint; resume is bit-for-bit', async () => {
  const straight = join(dir, 'straight');
  const a = await trainGpt(config([...tiny, '--max-iters', '12', '--out', straight]).config, quiet);
  for (const f of [
    'config.json',
    'tokenizer.json',
    'log.jsonl',
    'metrics.json',
    'loss.svg',
    'checkpoint.safetensors',
    'samples.md',
    'samples/iter-000000.txt',
    'samples/iter-000006.txt',
    'samples/iter-000012.txt',
  ]) {
    assert.ok(existsSync(join(straight, f)), `${f} is written`);
  }
  const m = JSON.parse(readFileSync(join(straight, 'metrics.json'), 'utf8'));
  for (const k of ['valLoss', 'valLossFull', 'trainLoss', 'iterations', 'tokensPerSecond', 'seconds']) assert.ok(k in m, `metrics.${k}`);
  assert.ok(Math.abs(m.valLossFull - m.valLoss) < 0.5, `whole-split val loss ${m.valLossFull} near the estimate ${m.valLoss}`);
  assert.equal(m.iterations, 12);
  assert.ok(m.valLoss < m.evals[0].valLoss, `val loss falls: ${m.evals[0].valLoss} → ${m.valLoss}`);
  assert.match(readFileSync(join(straight, 'samples.md'), 'utf8'), /## Sample after 0 iterations[\s\S]*## Sample after 12 iterations/);
  assert.equal(readFileSync(join(straight, 'log.jsonl'), 'utf8').trim().split('\n').length, 3);

  const split = join(dir, 'split');
  await trainGpt(config([...tiny, '--max-iters', '6', '--out', split]).config, quiet);
  const resumed = config(['--resume', split, '--max-iters', '12']);
  assert.equal(resumed.resume, split);
  const b = await trainGpt(resumed.config, { ...quiet, resume: resumed.resume });
  assert.equal(b.metrics.valLoss, a.metrics.valLoss);
  const wa = loadSafetensors(join(straight, 'checkpoint.safetensors')).tensors,
    wb = loadSafetensors(join(split, 'checkpoint.safetensors')).tensors;
  for (const [k, t] of Object.entries(wa)) if (k.startsWith('model.')) assert.deepEqual(Array.from(wb[k]!.toTypedArray()), Array.from(t.toTypedArray()), k);

  // deepts sample on the run: streamed text, the same for the same seed, with or without the cache
  const { model, tokenizer } = loadRun(straight);
  const ids = generate(model, tokenizer.encode('\n'), { maxNewTokens: 15, seed: 3 });
  assert.deepEqual(generate(model, tokenizer.encode('\n'), { maxNewTokens: 15, seed: 3, useCache: false }), ids);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const err = console.error;
  process.stdout.write = ((s: string) => {
    chunks.push(String(s));
    return true;
  }) as typeof process.stdout.write;
  console.error = () => {};
  try {
    assert.equal(await sampleRun(['--run', straight, '--prompt', 'Speak', '--max-tokens', '15', '--seed', '3', '--top-p', '0.9']), 0);
  } finally {
    process.stdout.write = write;
    console.error = err;
  }
  assert.ok(chunks.length > 3, 'streamed in pieces');
  assert.ok(chunks.join('').startsWith('Speak'));
});

test('deepts train bert / albert: the MLM loss falls; ALBERT has fewer parameters for the same shape', async () => {
  const results: Record<string, { valLoss: number; initialValLoss: number; numParameters: number }> = {};
  for (const model of ['bert', 'albert'] as const) {
    const parsed = parseMlmConfig(model, [
      '--data',
      data,
      '--n-layer',
      '2',
      '--hidden',
      '32',
      '--heads',
      '2',
      '--intermediate',
      '64',
      '--embedding',
      '16',
      '--block-size',
      '16',
      '--batch-size',
      '8',
      '--max-iters',
      '60',
      '--eval-interval',
      '30',
      '--eval-iters',
      '4',
      '--lr',
      '5e-3',
      '--warmup-iters',
      '5',
      '--out',
      join(dir, model),
    ]);
    assert.notEqual(parsed, 'help');
    const r = await trainMlm((parsed as Exclude<typeof parsed, 'help'>).config, quiet);
    results[model] = r.metrics as (typeof results)[string];
    assert.ok(existsSync(join(dir, model, 'loss.svg')) && existsSync(join(dir, model, 'checkpoint.safetensors')));
  }
  for (const [model, m] of Object.entries(results)) assert.ok(m.valLoss < 0.9 * m.initialValLoss, `${model}: ${m.initialValLoss} → ${m.valLoss}`);
  assert.ok(results.albert!.numParameters < results.bert!.numParameters);
});

test('deepts train gpt / sample: bad flags are CliErrors naming the flag and what was expected', async () => {
  assert.throws(
    () => parseGptConfig(['--preset', 'tiny']),
    (e: Error) => e instanceof CliError && /--preset expects one of shakespeare-char\|shakespeare-char-baby, got 'tiny'/.test(e.message),
  );
  assert.throws(() => parseGptConfig(['--n-head', '3']), /--n-embd 128 must be divisible by --n-head 3/);
  assert.throws(() => parseGptConfig(['--lr', 'fast']), /--lr expects a number in 0..10, got 'fast'/);
  assert.throws(() => parseGptConfig(['--tokenizer', 'bpe']), /--tokenizer expects char\|gpt2, got 'bpe'/);
  assert.throws(() => parseGptConfig(['--resume', join(dir, 'nowhere')]), /--resume .*nowhere: no such folder/);
  assert.throws(
    () => parseGptConfig(['--resume', join(dir, 'straight'), '--n-embd', '32']),
    /--resume keeps the model's shape; nEmbd cannot change \(16 → 32\)/,
  );
  assert.throws(() => parseGptConfig(['--bogus']), /deepts train gpt: .*--bogus/);
  await assert.rejects(trainGpt(config(['--data', join(dir, 'missing.txt'), '--out', join(dir, 'x')]).config, quiet), /no training text at .*missing.txt/);
  await assert.rejects(sampleRun(['--prompt', 'x']), /give exactly one of --run DIR or --gpt2 model.safetensors/);
  await assert.rejects(sampleRun(['--run', dir]), /is not a finished run folder/);
  await assert.rejects(
    sampleRun(['--run', join(dir, 'straight'), '--prompt', 'Zebra']),
    /--prompt: .*character "Z" \(U\+005A\) at offset 0 is not in the vocabulary of 30 characters/,
  );
  assert.throws(() => parseMlmConfig('bert', ['--hidden', '30', '--heads', '4']), /--hidden 30 must be divisible by --heads 4/);
});
